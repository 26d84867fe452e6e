"""The report archive of one tenant: reports, their downloads, build now, recipients and deliveries."""

from tests.integration.access import ADMIN, CLIENT_SIDE, Route

ADMIN_ONLY = frozenset({ADMIN})

ROUTES = [
    Route("report_archive.index", "/t/{tenant}/reports", CLIENT_SIDE),
    Route("report_archive.index", "/t/{tenant}/reports?page=3", CLIENT_SIDE),
    Route("report_archive.build_now", "/t/{tenant}/reports", CLIENT_SIDE, method="POST", ok=302,
          data={"period": "2026-11"}),
    Route("report_archive.show", "/t/{tenant}/reports/{report}", CLIENT_SIDE),
    Route("report_archive.pdf", "/t/{tenant}/reports/{report}/report.pdf", CLIENT_SIDE),
    Route("report_archive.csv", "/t/{tenant}/reports/{report}/evaluations.csv", CLIENT_SIDE),
    Route("report_archive.csv", "/t/{tenant}/reports/{report}/agents.csv", CLIENT_SIDE),
    Route("report_archive.deliver", "/t/{tenant}/reports/{report}/deliver", ADMIN_ONLY, method="POST", ok=302),
    Route("report_archive.resend", "/t/{tenant}/reports/{report}/deliveries/{delivery}/resend", ADMIN_ONLY,
          method="POST", ok=302),
    Route("report_archive.recipients", "/t/{tenant}/reports/recipients", ADMIN_ONLY),
    Route("report_archive.recipients", "/t/{tenant}/reports/recipients", ADMIN_ONLY, method="POST", ok=302,
          data={"recipients": "boss@client.example\nqa@client.example"}),
]
