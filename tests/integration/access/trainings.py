"""Trainings of one tenant: the list, planning one, a training's verdict, re-certification, the
report's trainings CSV; and GET /api/v1/trainings.

{training} is a training of the world's agent (objects.py), {report} a ready report whose snapshot
has the trainings section. The matrix sends the planning form empty (422: no title, no criterion)
and a status change the agent is not due for (302 back to the page, with the reason flashed);
tests/integration/test_trainings.py does the real ones.
"""

from tests.integration.access import CLIENT_SIDE, Route

BASE = "/t/{tenant}/trainings"

ROUTES = [
    Route("trainings.index", f"{BASE}/", CLIENT_SIDE),
    Route("trainings.new", f"{BASE}/new", CLIENT_SIDE),
    Route("trainings.new", f"{BASE}/new?criterion=x&period=2026-11", CLIENT_SIDE),
    Route("trainings.new", f"{BASE}/new", CLIENT_SIDE, method="POST", ok=422),
    Route("trainings.show", f"{BASE}/{{training}}", CLIENT_SIDE),
    Route("trainings.recertification", f"{BASE}/recertification", CLIENT_SIDE),
    Route("trainings.recertification", f"{BASE}/recertification?period=nonsense", CLIENT_SIDE),
    Route("trainings.set_status", f"{BASE}/agents/{{agent}}/status", CLIENT_SIDE, method="POST", ok=302,
          data={"status": "on_customers", "reason": "Passed re-certification", "period": "2026-11"}),
    Route("trainings.report_csv", f"{BASE}/reports/{{report}}.csv", CLIENT_SIDE),
    Route("api.list_trainings", "/api/v1/trainings", frozenset(), api=True),
]
