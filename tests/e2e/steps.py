"""Steps several browser tests take."""

from __future__ import annotations


def answer(page, criterion: str, answer: str) -> None:
    """Pick an answer of a criterion in the grading form or the scorecard preview."""
    page.get_by_role("radiogroup", name=criterion).get_by_label(answer, exact=True).check()
