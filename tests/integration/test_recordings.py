"""Recordings stream through the application: the grader's browser never reaches the tenant's host.

A local HTTP server (with Range support) stands in for the tenant's recording server.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.integration import grading_helpers as gh
from vendor_qa.calls.ingest import validate_calls

RECORDING = bytes(range(256)) * 400  # 100 KiB of "audio"
RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


class TenantHost(BaseHTTPRequestHandler):
    """Serves RECORDING at any path, honouring a single byte range; keeps the headers it was sent."""

    seen: list[dict[str, str]] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).seen.append(dict(self.headers))
        start, end, status = 0, len(RECORDING) - 1, 200
        wanted = RANGE.match(self.headers.get("Range", ""))
        if wanted:
            start, status = int(wanted.group(1)), 206
            end = int(wanted.group(2)) if wanted.group(2) else end
        body = RECORDING[start:end + 1]
        self.send_response(status)
        self.send_header("Content-Type", "audio/mpeg")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(body)))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(RECORDING)}")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def tenant_host():
    TenantHost.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), TenantHost)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def allow_local_host(app, monkeypatch):
    monkeypatch.setitem(app.config, "RECORDINGS_ALLOW_PRIVATE", True)


@pytest.fixture
def world(build, tenant_host):
    tenant = build.tenant(slug="acme", name="Acme")
    call = build.call(build.agent(tenant), external_id="X-1", recording_url=f"http://{tenant_host}/rec/X-1.mp3")
    grader = build.grader(tenant)
    assignment_id = gh.held_assignment(tenant, call, grader, gh.scorecard(tenant))
    return dict(tenant=tenant, call=call, grader=grader, id=assignment_id, host=tenant_host)


def recording(world) -> str:
    return f"/grading/assignments/{world['id']}/recording"


def test_the_form_never_names_the_tenants_host(world, login, allow_local_host):
    client = login(world["grader"])
    client.post(f"/grading/assignments/{world['id']}/start")
    page = client.get(f"/grading/assignments/{world['id']}").get_data(as_text=True)
    assert f'src="{recording(world)}"' in page
    assert world["host"] not in page and "127.0.0.1" not in page
    assert 'id="gr-speed"' in page and 'value="0.75"' in page and 'value="2"' in page
    assert TenantHost.seen == []  # showing the page fetched nothing


def test_a_range_request_gets_206_and_exactly_those_bytes(world, login, allow_local_host):
    client = login(world["grader"])
    response = client.get(recording(world), headers={"Range": "bytes=1000-1999"})
    assert response.status_code == 206
    assert response.data == RECORDING[1000:2000]
    assert response.headers["Content-Range"] == f"bytes 1000-1999/{len(RECORDING)}"
    assert response.headers["Accept-Ranges"] == "bytes" and response.headers["Content-Type"] == "audio/mpeg"
    whole = client.get(recording(world))
    assert whole.status_code == 200 and whole.data == RECORDING


def test_the_tenants_host_learns_nothing_of_the_grader(world, login, allow_local_host):
    client = login(world["grader"])
    client.get(recording(world), headers={"Range": "bytes=0-9", "User-Agent": "Firefox/140 (grader's laptop)",
                                          "Referer": "http://localhost/grading/assignments/1",
                                          "X-Forwarded-For": "203.0.113.7"})
    [sent] = TenantHost.seen
    assert sent["Range"] == "bytes=0-9"
    assert sent["User-Agent"] == "vendor_qa-recordings"
    assert not {"Referer", "Cookie", "X-Forwarded-For", "Forwarded"} & set(sent)
    assert "203.0.113.7" not in str(sent) and "Firefox" not in str(sent)


def test_another_grader_gets_404(world, build, login, allow_local_host):
    client = login(build.grader(world["tenant"]))
    assert client.get(recording(world)).status_code == 404
    assert TenantHost.seen == []


def test_the_tenants_people_play_it_and_another_tenants_do_not(world, build, login, allow_local_host):
    url = f"/t/acme/calls/{world['call'].id}/recording"
    response = login(build.manager(world["tenant"])).get(url, headers={"Range": "bytes=5-9"})
    assert response.status_code == 206 and response.data == RECORDING[5:10]
    other = build.tenant(slug="globex")
    assert login(build.manager(other)).get(url).status_code == 404
    assert login(build.manager(other)).get(f"/t/globex/calls/{world['call'].id}/recording").status_code == 404


def test_a_host_on_a_private_network_is_refused(world, login):
    response = login(world["grader"]).get(recording(world))
    assert response.status_code == 502
    assert "not on the public internet" in response.get_data(as_text=True)
    assert TenantHost.seen == []  # never asked


def test_an_unreachable_host_is_a_clear_502(world, login, allow_local_host, tenant_host, build):
    call = build.call(world["call"].agent, recording_url="http://127.0.0.1:9/nothing-listens-here.mp3")
    assignment_id = gh.held_assignment(world["tenant"], call, world["grader"], gh.scorecard(world["tenant"], "Other"))
    response = login(world["grader"]).get(f"/grading/assignments/{assignment_id}/recording")
    assert response.status_code == 502 and "did not answer" in response.get_data(as_text=True)


# ---- refused at ingest ----------------------------------------------------------------------------

GOOD = {"external_id": "c-1", "agent_external_id": "a-1", "started_at": "2026-11-20T14:05:00+01:00",
        "duration_seconds": 312}


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:audio/mp3;base64,AA",
                                 "file:///etc/passwd", "ftp://example.com/a.mp3", "//example.com/a.mp3", "a.mp3",
                                 "http://"])
def test_only_http_and_https_recording_urls_are_accepted(url):
    # The API and the CSV import both validate through validate_calls.
    _, errors = validate_calls([{**GOOD, "recording_url": url}])
    assert [(e.field, e.message.split(",")[0]) for e in errors] == [
        ("recording_url", "must be an http:// or https:// address")]
    assert validate_calls([{**GOOD, "recording_url": "https://rec.example.com/c-1.mp3"}])[1] == []


def test_the_api_refuses_a_javascript_recording_url(client, build):
    tenant = build.tenant()
    token = build.token(tenant)
    response = client.post("/api/v1/calls", headers={"Authorization": f"Bearer {token}"},
                           json={"calls": [{**GOOD, "recording_url": "javascript:alert(1)"}]})
    assert response.status_code == 422
    assert "recording_url" in response.get_data(as_text=True)
