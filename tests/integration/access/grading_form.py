"""The grading form and the grader's own page.

Only an assignment's holder reaches its form. {assignment} is an open assignment that the
world's grader does not hold, so the grader gets 404 like anyone who is not its holder;
tests/integration/test_grading_form.py covers the holder.
"""

from tests.integration.access import GRADER, Route

ONLY_GRADER = frozenset({GRADER})
FORM = "/grading/assignments/{assignment}"

ROUTES = [
    Route("grading_form.form", FORM, ONLY_GRADER, ok=404),
    Route("grading_form.submit", FORM, ONLY_GRADER, method="POST", ok=404, data={"feedback_good": "Kind"}),
    Route("grading_form.save_draft", f"{FORM}/draft", ONLY_GRADER, method="POST", ok=404),
    Route("grading_form.preview", f"{FORM}/preview", ONLY_GRADER, method="POST", ok=404),
    Route("grading_form.start", f"{FORM}/start", ONLY_GRADER, method="POST", ok=404),
    Route("grading_form.clock_signal", f"{FORM}/clock", ONLY_GRADER, method="POST", ok=404,
          data={"event": "active"}),
    Route("recordings.for_grader", f"{FORM}/recording", ONLY_GRADER, ok=404),
    Route("grading_me.mine", "/grading/me", ONLY_GRADER),
]
