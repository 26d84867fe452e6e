"""The vendor admin's calibration pages and the tenant's audit trail.

{calibration_session} is an open session of the tenant's call for two graders. The matrix
fills one value per form field, so the POST that creates a session names one grader and
is refused for naming too few (422); tests/integration/test_calibration.py covers creation.
"""

from tests.integration.access import ADMIN, Route

ONLY_ADMIN = frozenset({ADMIN})
BASE = "/t/{tenant}/calibration"
SESSION = f"{BASE}/{{calibration_session}}"

ROUTES = [
    Route("calibration.index", f"{BASE}/", ONLY_ADMIN),
    Route("calibration.cadence", f"{BASE}/cadence", ONLY_ADMIN, method="POST", ok=302, data={"every_days": "7"}),
    Route("calibration.create", f"{BASE}/new", ONLY_ADMIN),
    Route("calibration.create", f"{BASE}/new", ONLY_ADMIN, method="POST", ok=422,
          data={"call": "{call_external_id}", "graders": "{calibration_grader}", "deadline": "2099-01-01T10:00"}),
    Route("calibration.session", SESSION, ONLY_ADMIN),
    Route("calibration.close", f"{SESSION}/close", ONLY_ADMIN, method="POST", ok=302),
    Route("audit.index", "/t/{tenant}/audit/", ONLY_ADMIN),
]
