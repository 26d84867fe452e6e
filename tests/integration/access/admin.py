"""Vendor admin pages under /admin: they name objects by id, never by /t/<tenant>.

POST rows name tenants by slug in their form data: {counterpart} is the slug of
the tenant other than the one whose objects the row's path names.
"""

from tests.integration.access import ADMIN, Route

ONLY_ADMIN = frozenset({ADMIN})

ROUTES = [
    # tenants
    Route("tenants.index", "/admin/tenants", ONLY_ADMIN),
    Route("tenants.new_tenant", "/admin/tenants/new", ONLY_ADMIN),
    Route("tenants.new_tenant", "/admin/tenants/new", ONLY_ADMIN, method="POST", ok=302,
          data={"slug": "brand-new", "name": "Brand New", "timezone": "Europe/Oslo"}),
    Route("tenants.tenant", "/admin/tenants/{tenant_id}", ONLY_ADMIN),
    Route("tenants.edit_tenant", "/admin/tenants/{tenant_id}/edit", ONLY_ADMIN),
    Route("tenants.edit_tenant", "/admin/tenants/{tenant_id}/edit", ONLY_ADMIN, method="POST", ok=302,
          data={"name": "Renamed", "timezone": "Asia/Shanghai", "active": "y", "allow_agent_names": "y"}),
    # API tokens
    Route("tenants.tokens", "/admin/tenants/{tenant_id}/tokens", ONLY_ADMIN),
    Route("tenants.issue_token", "/admin/tenants/{tenant_id}/tokens", ONLY_ADMIN, method="POST", ok=201,
          data={"name": "crm"}),
    Route("tenants.revoke_token", "/admin/tenants/{tenant_id}/tokens/{token}/revoke", ONLY_ADMIN,
          method="POST", ok=302),
    # users ({user} is a client manager of the tenant)
    Route("tenants.users", "/admin/users", ONLY_ADMIN),
    Route("tenants.new_user", "/admin/users/new", ONLY_ADMIN),
    Route("tenants.new_user", "/admin/users/new", ONLY_ADMIN, method="POST", ok=302,
          data={"email": "new.manager@example.com", "password": "long enough pw", "role": "client_manager",
                "tenant": "{tenant}"}),
    Route("tenants.user", "/admin/users/{user}", ONLY_ADMIN),
    Route("tenants.edit_user", "/admin/users/{user}/edit", ONLY_ADMIN),
    Route("tenants.edit_user", "/admin/users/{user}/edit", ONLY_ADMIN, method="POST", ok=302,
          data={"name": "Renamed Manager", "active": "y", "tenant": "{tenant}"}),
    Route("tenants.deactivate_user", "/admin/users/{user}/deactivate", ONLY_ADMIN, method="POST", ok=302),
    Route("tenants.activate_user", "/admin/users/{user}/activate", ONLY_ADMIN, method="POST", ok=302),
    Route("tenants.end_user_sessions", "/admin/users/{user}/end-sessions", ONLY_ADMIN, method="POST", ok=302),
    Route("tenants.reset_second_factor", "/admin/users/{user}/reset-second-factor", ONLY_ADMIN, method="POST", ok=302),
    # grader certifications ({grader} is certified for the tenant {tenant_id})
    Route("tenants.certify_user", "/admin/users/{grader}/certifications", ONLY_ADMIN, method="POST", ok=302,
          data={"tenant": "{counterpart}"}),  # certify for the other tenant
    Route("tenants.uncertify_user", "/admin/users/{grader}/certifications/{tenant_id}/remove", ONLY_ADMIN,
          method="POST", ok=302),
]
