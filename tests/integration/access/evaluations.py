"""The client's evaluations of one tenant; {evaluation} is a submitted evaluation of the tenant."""

from tests.integration.access import CLIENT_SIDE, Route

ROUTES = [
    Route("evaluations.index", "/t/{tenant}/evaluations/", CLIENT_SIDE),
    Route("evaluations.index", "/t/{tenant}/evaluations/?band=good&auto_fail=no&from=2026-01-01", CLIENT_SIDE),
    Route("evaluations.evaluation", "/t/{tenant}/evaluations/{evaluation}", CLIENT_SIDE),
]

ROUTES += [
    # The API: a tenant's token, no session role.
    Route("api.list_evaluations", "/api/v1/evaluations?since=2026-01-01T00:00:00Z", frozenset(), api=True),
]
