"""The grader's workspace and the vendor admin's assignment pages.

{assignment} is an open assignment of the tenant's call. The world's grader does not hold
it, so releasing it answers 404 even to them; tests/integration/test_claiming.py covers the
holder's release.
"""

from tests.integration.access import ADMIN, GRADER, Route

ONLY_ADMIN = frozenset({ADMIN})
BASE = "/t/{tenant}/assignments"

ROUTES = [
    # the grader
    Route("grading.queue", "/grading/queue", frozenset({GRADER})),
    Route("grading.next_assignment", "/grading/next", frozenset({GRADER}), method="POST", ok=302),
    Route("grading.release", "/grading/assignments/{assignment}/release", frozenset({GRADER}), ok=404),
    Route("grading.release", "/grading/assignments/{assignment}/release", frozenset({GRADER}), method="POST",
          ok=404, data={"reason": "Cannot open the recording"}),
    # the vendor admin
    Route("assignments.index", f"{BASE}/", ONLY_ADMIN),
    Route("assignments.index", f"{BASE}/?status=open&reason=sample", ONLY_ADMIN),
    Route("assignments.create", f"{BASE}/new?call={{call}}", ONLY_ADMIN),
    Route("assignments.create", f"{BASE}/new", ONLY_ADMIN, method="POST", ok=302,
          data={"call": "{call_external_id}", "priority": "60", "note": "The client asked for a second look"}),
    Route("assignments.detail", f"{BASE}/{{assignment}}", ONLY_ADMIN),
    Route("assignments.assign", f"{BASE}/{{assignment}}/assign", ONLY_ADMIN, method="POST", ok=302,
          data={"grader": "{grader}", "reason": "Knows this client best"}),
    Route("assignments.cancel", f"{BASE}/{{assignment}}/cancel", ONLY_ADMIN, method="POST", ok=302,
          data={"reason": "Duplicate of another call"}),
]
