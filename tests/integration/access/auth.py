from tests.integration.access import ADMIN, ANON, GRADER, MANAGER, Route

EVERYONE = frozenset({ANON, ADMIN, GRADER, MANAGER})

ROUTES = [
    Route("auth.index", "/", EVERYONE, ok=302),
    Route("auth.login", "/login", EVERYONE, ok={ANON: 200, ADMIN: 302, GRADER: 302, MANAGER: 302}),
    Route("auth.logout", "/logout", EVERYONE, method="POST", ok=302),
]
