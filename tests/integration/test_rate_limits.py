"""Expensive actions (report builds, call imports, exports) are limited per user and per tenant;
a refusal says so (page or htmx alert) and saves nothing."""

from __future__ import annotations

from tests.builders import PASSWORD
from tests.integration.test_csv_import import HEADER, csv_rows, imports_of, upload
from tests.integration.test_reports_archive import _reports


def test_build_now_is_limited_per_user_and_a_refusal_saves_no_report(client, build, login, limits):
    limits(REPORT_BUILD_RATE_LIMIT_PER_USER="2 per hour")
    tenant = build.tenant()
    login(build.manager(tenant))
    for _ in range(2):
        assert client.post(f"/t/{tenant.slug}/reports", data={"period": "2026-10"}).status_code == 302

    refused = client.post(f"/t/{tenant.slug}/reports", data={"period": "2026-10"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Too many report builds by you. Try again in" in refused.get_data(as_text=True)
    assert len(_reports(tenant)) == 2

    alert = client.post(f"/t/{tenant.slug}/reports", data={"period": "2026-10"}, headers={"HX-Request": "true"})
    assert alert.status_code == 429 and "<html" not in alert.get_data(as_text=True)
    assert "Too many report builds by you" in alert.get_data(as_text=True)


def test_build_now_is_limited_per_tenant_across_its_users(app, build, limits):
    limits(REPORT_BUILD_RATE_LIMIT_PER_TENANT="2 per hour")
    tenant, elsewhere = build.tenant(), build.tenant()
    clients = []
    for user in (build.manager(tenant), build.manager(tenant), build.manager(elsewhere)):
        c = app.test_client()
        assert c.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        clients.append(c)
    first, second, other = clients
    for c in (first, second):
        assert c.post(f"/t/{tenant.slug}/reports", data={"period": "2026-10"}).status_code == 302
    refused = first.post(f"/t/{tenant.slug}/reports", data={"period": "2026-10"})
    assert refused.status_code == 429 and "Too many report builds in your company" in refused.get_data(as_text=True)
    assert other.post(f"/t/{elsewhere.slug}/reports", data={"period": "2026-10"}).status_code == 302


def test_call_imports_are_limited_and_a_refused_upload_stores_nothing(client, build, login, limits):
    limits(CALL_IMPORT_RATE_LIMIT_PER_USER="1 per hour")
    tenant = build.tenant()
    login(build.manager(tenant))
    assert upload(client, tenant, HEADER + csv_rows(2)).status_code == 302

    refused = upload(client, tenant, HEADER + csv_rows(2, start=10))
    assert refused.status_code == 429 and "Too many imports by you" in refused.get_data(as_text=True)
    assert len(imports_of(tenant)) == 1


def test_pdf_and_csv_downloads_share_one_export_allowance(client, build, login, limits):
    limits(EXPORT_RATE_LIMIT_PER_USER="2 per hour")
    tenant = build.tenant()
    login(build.manager(tenant))
    base = f"/t/{tenant.slug}/reports/999"
    assert client.get(f"{base}/report.pdf").status_code == 404  # counted: the check comes first
    assert client.get(f"{base}/agents.csv").status_code == 404
    refused = client.get(f"{base}/evaluations.csv")
    assert refused.status_code == 429 and "Too many downloads by you" in refused.get_data(as_text=True)
