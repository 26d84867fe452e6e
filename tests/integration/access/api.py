from tests.integration.access import ADMIN, ANON, GRADER, MANAGER, Route

EVERYONE = frozenset({ANON, ADMIN, GRADER, MANAGER})
CALL = {"external_id": "matrix-1", "agent_external_id": "matrix-agent",
        "started_at": "2026-11-20T09:00:00+01:00", "duration_seconds": 60}

ROUTES = [
    # Token routes: no session role may use them; a tenant's token may.
    Route("api.create_calls", "/api/v1/calls", frozenset(), method="POST", api=True, json={"calls": [CALL]}),
    Route("api.openapi_document", "/api/v1/openapi.json", EVERYONE),
]
