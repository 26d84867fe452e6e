from tests.integration.access import ADMIN, ANON, GRADER, MANAGER, Route

EVERYONE = frozenset({ANON, ADMIN, GRADER, MANAGER})

ROUTES = [
    Route("auth.index", "/", EVERYONE, ok=302),
    Route("auth.login", "/login", EVERYONE, ok={ANON: 200, ADMIN: 302, GRADER: 302, MANAGER: 302}),
    Route("auth.logout", "/logout", EVERYONE, method="POST", ok=302),
    # Without the password step first, both send back to the login.
    Route("auth.login_code", "/login/code", EVERYONE, ok=302),
    Route("auth.login_enrol", "/login/enrol", EVERYONE, ok=302),
    Route("auth.change_own_password", "/account/password", frozenset({ADMIN, GRADER, MANAGER}), ok=200),
    Route("auth.second_factor_setup", "/account/second-factor", frozenset({ADMIN, MANAGER}), ok=200),
    Route("auth.second_factor_off", "/account/second-factor/off", frozenset({ADMIN, MANAGER}), method="POST", ok=302),
]
