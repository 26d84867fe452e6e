from tests.integration.access import ADMIN, ANON, GRADER, MANAGER, Route

EVERYONE = frozenset({ANON, ADMIN, GRADER, MANAGER})

ROUTES = [
    # Probes of load balancers: public, and the session's app is healthy and migrated.
    Route("health.healthz", "/healthz", EVERYONE),
    Route("health.readyz", "/readyz", EVERYONE),
]
