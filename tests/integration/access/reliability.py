"""Grader reliability: the vendor admin's pages, and the blind rule of double grades.

{grader} is a grader certified for the tenant (admin_tenant). {double_sample} is a sample one
grader submitted and {double_work} its double grade held by a second grader; the world's
grader holds neither, so every grader route answers 404 to them, as to anyone but the holder:
a grader never reaches another grader's answers. tests/integration/test_double_grading.py
walks the same routes as the two graders of the pair.
"""

from tests.integration.access import ADMIN, GRADER, Route

ONLY_ADMIN = frozenset({ADMIN})
ONLY_GRADER = frozenset({GRADER})

ROUTES = [
    Route("reliability.index", "/admin/graders/reliability", ONLY_ADMIN),
    Route("reliability.index", "/admin/graders/reliability?tenant=own-co&page=2", ONLY_ADMIN),
    Route("reliability.grader", "/admin/graders/{grader}/reliability", ONLY_ADMIN),
    Route("reliability.grader", "/admin/graders/{grader}/reliability?tenant=own-co", ONLY_ADMIN),
]

for work in ("{double_sample}", "{double_work}"):
    form = f"/grading/assignments/{work}"
    ROUTES += [
        Route("grading_form.form", form, ONLY_GRADER, ok=404),
        Route("grading_form.submit", form, ONLY_GRADER, method="POST", ok=404, data={"feedback_good": "Kind"}),
        Route("grading_form.save_draft", f"{form}/draft", ONLY_GRADER, method="POST", ok=404),
        Route("grading_form.preview", f"{form}/preview", ONLY_GRADER, method="POST", ok=404),
        Route("grading.release", f"{form}/release", ONLY_GRADER, ok=404),
        Route("grading.release", f"{form}/release", ONLY_GRADER, method="POST", ok=404,
              data={"reason": "Cannot open the recording"}),
    ]
