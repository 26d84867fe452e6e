"""Steps several browser tests take."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def answer(page, criterion: str, answer: str) -> None:
    """Pick an answer of a criterion in the grading form or the scorecard preview."""
    page.get_by_role("radiogroup", name=criterion).get_by_label(answer, exact=True).check()


def grade_sample_card(page, call: str, name_answer: str, name_comment: str | None = None) -> None:
    """From a queue row's "Grade" link: fill the sample scorecard (tests/integration/grading_helpers)
    with `name_answer` for the name criterion, submit, and log out."""
    page.wait_for_url(re.compile(r"/grading/assignments/\d+$"))
    answer(page, "Greets the customer", "Yes")
    answer(page, "Asks for the customer's name", name_answer)
    answer(page, "Solves the problem", "Yes")
    answer(page, "Explains the next steps", "4")
    page.get_by_label("What went well").fill("Friendly and quick.")
    page.get_by_label("What to improve").fill("Confirm the fix at the end.")
    page.get_by_role("button", name="Submit evaluation").click()
    if name_comment:  # points lost: the form asks why, in place
        page.locator(".gr-criterion.has-error textarea").fill(name_comment)
        page.get_by_role("button", name="Submit evaluation").click()
    expect(page.locator(".flash")).to_contain_text(f"Evaluation of call {call} submitted.")
    page.get_by_role("button", name="Log out").click()
