"""SLA pages: the vendor's board and tenant weeks (admins), the client's SLA page, the SLA API."""

from tests.integration.access import ADMIN, CLIENT_SIDE, Route

ONLY_ADMIN = frozenset({ADMIN})
POLICY = {"minimum": "3", "target": "5", "maximum": "7", "low_rating_threshold": "2",
          "priority_turnaround_hours": "24", "sample_turnaround_hours": "72", "short_call_seconds": "180",
          "short_share_percent": "50", "compliance_target_percent": "95", "channels": ["phone", "chat"]}

ROUTES = [
    Route("sla.board_page", "/sla/", ONLY_ADMIN),
    Route("sla.alerts", "/sla/alerts", ONLY_ADMIN),
    Route("sla_tenant.current_week", "/sla/{tenant}/", ONLY_ADMIN, ok=302),
    Route("sla_tenant.week", "/sla/{tenant}/2026-W47", ONLY_ADMIN),
    Route("sla_tenant.policy", "/sla/{tenant}/policy", ONLY_ADMIN),
    Route("sla_tenant.policy", "/sla/{tenant}/policy", ONLY_ADMIN, method="POST", ok=302, data=POLICY),
    Route("sla_tenant.exclusions", "/sla/{tenant}/exclusions", ONLY_ADMIN),
    Route("sla_tenant.add_exclusion", "/sla/{tenant}/exclusions", ONLY_ADMIN, method="POST", ok=302,
          data={"agent": "{sla_agent}", "from_date": "2026-11-16", "to_date": "2026-11-20", "reason": "leave"}),
    Route("sla_tenant.delete_exclusion", "/sla/{tenant}/exclusions/{exclusion}/delete", ONLY_ADMIN,
          method="POST", ok=302),
    Route("sla_admin.capacities", "/admin/sla/capacity", ONLY_ADMIN),
    Route("sla_admin.set_capacity", "/admin/sla/capacity/{grader}", ONLY_ADMIN, method="POST", ok=302,
          data={"daily_capacity": "40"}),
    Route("sla_client.client_week", "/t/{tenant}/sla/", CLIENT_SIDE),
    Route("api.sla_week", "/api/v1/sla?week=2026-W47", frozenset(), api=True),
]
