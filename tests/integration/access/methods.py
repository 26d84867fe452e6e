"""How the figures are computed: one page for everyone who sees figures (not graders)."""

from tests.integration.access import CLIENT_SIDE, Route

ROUTES = [
    Route("methods.page", "/methods", CLIENT_SIDE),
]
