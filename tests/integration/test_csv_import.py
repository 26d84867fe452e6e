"""CSV import: upload, a real RQ worker imports it, the page shows progress and the outcome."""

import io

import pytest
from sqlalchemy import func, select

from tests.integration.access.imports import EXAMPLE_CSV
from tests.integration.job_helpers import run_jobs
from vendor_qa.calls import csv_import
from vendor_qa.calls.models import Call, CallImport
from vendor_qa.extensions import db
from vendor_qa.jobs import queue
from vendor_qa.tenants.scoping import tenant_scope

HEADER = "external_id,agent_external_id,started_at,duration_seconds,customer_rating,metadata\n"


def csv_rows(count: int, start: int = 0) -> str:
    return "".join(f'c-{n},agent-{n % 3},2026-11-20T09:00:00+01:00,{60 + n},4,"{{""n"": {n}}}"\n'
                   for n in range(start, start + count))


def upload(client, tenant, content: str | bytes, filename: str = "calls.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(f"/t/{tenant.slug}/imports/", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")




def imports_of(tenant) -> list[CallImport]:
    with tenant_scope(tenant.id):
        return db.session.scalars(select(CallImport).order_by(CallImport.id)).all()


def call_count(tenant) -> int:
    with tenant_scope(tenant.id):
        return db.session.scalar(select(func.count(Call.id)))


@pytest.fixture
def tenant(build):
    return build.tenant()


@pytest.fixture
def manager(build, tenant, login):
    user = build.manager(tenant)
    login(user)
    return user


def test_an_upload_is_imported_by_the_worker_and_the_page_shows_the_counts(app, client, tenant, manager):
    response = upload(client, tenant, HEADER + csv_rows(5))
    assert response.status_code == 302
    [row] = imports_of(tenant)
    assert response.headers["Location"].endswith(f"/t/{tenant.slug}/imports/{row.id}")
    assert (row.status, row.total_rows, row.uploaded_by_id) == ("queued", 5, manager.id)

    queued_page = client.get(f"/t/{tenant.slug}/imports/{row.id}").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in queued_page  # polls itself while waiting

    run_jobs(app)

    db.session.expire_all()
    [row] = imports_of(tenant)
    assert (row.status, row.processed_rows, row.created_count, row.updated_count) == ("done", 5, 5, 0)
    assert row.finished_at is not None
    assert call_count(tenant) == 5
    with tenant_scope(tenant.id):
        call = db.session.scalar(select(Call).where(Call.external_id == "c-3"))
        assert (call.duration_seconds, call.customer_rating, call.extra) == (63, 4, {"n": 3})

    fragment = client.get(f"/t/{tenant.slug}/imports/{row.id}", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "hx-trigger" not in html  # done: polling stops
    assert "<html" not in html  # HTMX gets the fragment only
    assert "new calls" in html and "100%" in html


def test_a_file_with_errors_imports_nothing_and_lists_every_row_at_fault(app, client, tenant, manager):
    content = (HEADER + csv_rows(2)
               + "c-9,agent-1,2026-11-20 09:00,60,,\n"  # row 4: no offset
               + "\n"  # row 5: blank, still counted
               + 'c-10,agent-1,2026-11-20T09:00:00Z,-5,9,"not json"\n'  # row 6
               + "c-0,agent-1,2026-11-20T09:00:00Z,60,,,extra\n")  # row 7: repeats row 2, a cell too many
    upload(client, tenant, content)

    run_jobs(app)

    db.session.expire_all()
    [row] = imports_of(tenant)
    assert row.status == "failed"
    assert call_count(tenant) == 0
    assert [(e["row"], e["field"]) for e in row.errors] == [
        (4, "started_at"), (6, "duration_seconds"), (6, "customer_rating"), (6, "metadata"),
        (7, None), (7, "external_id")]
    page = client.get(f"/t/{tenant.slug}/imports/{row.id}").get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "must be at least 0" in page and "repeats the call at index 0" in page
    assert "hx-trigger" not in page


@pytest.mark.parametrize("content, message", [
    ("", "empty or has no header"),
    ("\n\n", "empty or has no header"),
    (HEADER, "no calls"),
    ("external_id,started_at\nc-1,2026-11-20T09:00:00Z\n", "Required column(s) missing: agent_external_id, duration_seconds"),
    ("external_id,agent_external_id,started_at,duration_seconds,colour\n", "Unknown column(s): colour"),
    ("caf\xe9".encode("latin-1"), "not UTF-8"),
])
def test_a_bad_file_is_refused_at_once_and_nothing_is_queued(client, tenant, manager, content, message):
    response = upload(client, tenant, content)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert imports_of(tenant) == []
    assert queue().count == 0


def test_a_file_over_the_row_limit_is_refused(client, tenant, manager, monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_ROWS", 3)

    response = upload(client, tenant, HEADER + csv_rows(4))

    assert response.status_code == 422
    assert "more than 3 calls" in response.get_data(as_text=True)
    assert imports_of(tenant) == []


def test_a_file_that_is_not_csv_by_name_is_refused(client, tenant, manager):
    response = upload(client, tenant, HEADER + csv_rows(1), filename="calls.xlsx")

    assert response.status_code == 422
    assert "Upload a .csv file." in response.get_data(as_text=True)


def test_large_files_are_imported_in_chunks_and_resending_updates(app, client, tenant, manager, monkeypatch):
    monkeypatch.setattr(csv_import, "CHUNK_SIZE", 4)
    progress = []
    real_upsert = csv_import.upsert_calls

    def watched(tenant_id, rows):
        progress.append(len(rows))
        return real_upsert(tenant_id, rows)

    monkeypatch.setattr(csv_import, "upsert_calls", watched)
    upload(client, tenant, HEADER + csv_rows(10))
    run_jobs(app)
    upload(client, tenant, HEADER + csv_rows(6, start=7))  # 3 known calls, 3 new
    run_jobs(app)

    db.session.expire_all()
    first, second = imports_of(tenant)
    assert progress == [4, 4, 2, 4, 2]
    assert (first.created_count, first.updated_count, first.processed_rows) == (10, 0, 10)
    assert (second.created_count, second.updated_count) == (3, 3)
    assert call_count(tenant) == 13


def test_running_a_finished_import_again_changes_nothing(app, client, tenant, manager):
    upload(client, tenant, HEADER + csv_rows(3))
    run_jobs(app)
    [row] = imports_of(tenant)

    with app.app_context():
        csv_import.import_calls(tenant.id, row.id)

    db.session.expire_all()
    [again] = imports_of(tenant)
    assert (again.status, again.created_count, again.finished_at) == ("done", 3, row.finished_at)
    assert call_count(tenant) == 3


def test_the_example_file_downloads_and_imports_cleanly(app, client, tenant, manager):
    response = client.get(f"/t/{tenant.slug}/imports/example.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]

    upload(client, tenant, response.data)
    run_jobs(app)

    db.session.expire_all()
    [row] = imports_of(tenant)
    assert (row.status, row.created_count) == ("done", EXAMPLE_CSV.read_text().count("\ncall-"))


def test_the_list_shows_past_imports_newest_first_and_is_paginated(app, client, tenant, manager, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for name in ("a.csv", "b.csv", "c.csv"):
        upload(client, tenant, HEADER + csv_rows(1), filename=name)

    client.get(f"/t/{tenant.slug}/imports/")  # shows (and so clears) the three "queued" messages
    first = client.get(f"/t/{tenant.slug}/imports/").get_data(as_text=True)
    second = client.get(f"/t/{tenant.slug}/imports/?page=2").get_data(as_text=True)

    assert first.index("c.csv") < first.index("b.csv") and "a.csv" not in first
    assert "a.csv" in second and "Page 2 of 2" in second


def test_another_tenants_import_is_not_found(client, build, tenant, manager):
    other = build.tenant()
    with tenant_scope(other.id):
        theirs = CallImport(tenant_id=other.id, filename="theirs.csv", content=HEADER)
        db.session.add(theirs)
        db.session.commit()

    assert client.get(f"/t/{tenant.slug}/imports/{theirs.id}").status_code == 404
