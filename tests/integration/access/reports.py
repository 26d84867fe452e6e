"""The client's dashboard and agents' quality files of one tenant."""

from tests.integration.access import CLIENT_SIDE, Route

ROUTES = [
    Route("reports.dashboard_page", "/t/{tenant}/dashboard", CLIENT_SIDE),
    Route("reports.dashboard_page", "/t/{tenant}/dashboard?view=week&week=2026-W47&channel=chat&sort=change&dir=desc",
          CLIENT_SIDE),
    Route("reports.dashboard_page", "/t/{tenant}/dashboard?view=range&from=2026-11-03&to=2026-11-20&q=a&page=2",
          CLIENT_SIDE),
    Route("reports.quality_file", "/t/{tenant}/agents/{agent}/quality", CLIENT_SIDE),
]
