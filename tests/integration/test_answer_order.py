"""One order of answers (issue #14): the grading form, the scorecard preview the client approves and the
client's evaluation page list each criterion's answers alike, best first and N/A last.

(The report PDF prints figures per period, agent, team and criterion, never one evaluation's answers.)
"""

from __future__ import annotations

import re

from tests.integration import grading_helpers as gh

BEST_FIRST = {"Greets": ["yes", "no"], "Asks": ["full", "partial", "none", "na"], "Solves": ["yes", "no"],
              "Explains": ["4", "3", "2", "1", "0"]}


def text(response) -> str:
    return response.get_data(as_text=True)


def radio_values(page: str, key: str) -> list[str]:
    """The answers of a criterion's radio buttons (the form and the preview), in page order."""
    return re.findall(rf'name="a-{key}" value="([^"]+)"', page)


def listed_values(page: str, criterion: str) -> list[str]:
    """The answers listed beside a criterion's given answer on the evaluation page, in page order."""
    row = page.split(f'data-criterion="{criterion}"'.replace("'", "&#39;"), 1)[1].split("</tr>", 1)[0]
    return re.findall(r'data-value="([^"]+)"', row)


def test_every_page_lists_the_answers_in_one_order(build, login):
    tenant = build.tenant(slug="acme", name="Acme")
    agent = build.agent(tenant)
    grader, manager = build.grader(tenant), build.manager(tenant)
    card = gh.scorecard(tenant)
    evaluation_id = gh.submitted_evaluation(tenant, build.call(agent), grader, card)
    assignment_id = gh.held_assignment(tenant, build.call(agent), grader, card)

    grading = login(grader)
    grading.post(f"/grading/assignments/{assignment_id}/start")
    form = text(grading.get(f"/grading/assignments/{assignment_id}"))
    client = login(manager)
    preview = text(client.get(f"/t/acme/scorecards/versions/{card.version_id}"))
    evaluation = text(client.get(f"/t/acme/evaluations/{evaluation_id}"))

    texts = {start: next(t for t in card.keys if t.startswith(start)) for start in BEST_FIRST}
    for start, order in BEST_FIRST.items():
        key = card.key(start)
        assert radio_values(form, key) == order, start
        assert radio_values(preview, key) == order, start
        assert listed_values(evaluation, texts[start]) == order, start
