"""Recordings streamed through the application, so a grader's browser never reaches the tenant's host.

A recording URL points at the client's own server. Played from there, that server would see the
grader's IP address, browser and the page that asked: enough for a client to narrow down who an
anonymous grader is. So the application fetches the recording itself and streams it back:

- only to the grader who holds an assignment of the call, or to the tenant's own people;
- passing on the `Range` header alone (seeking works: a 206 comes back as a 206), never the
  viewer's address, cookies or browser; the request names the application, not the viewer;
- with a connect and read timeout and a size cap, and redirects followed by hand (a few);
- only to http(s) hosts on the public internet: a recording URL is the client's input, and the
  application must not become its way into the vendor's own network (RECORDINGS_ALLOW_PRIVATE
  lifts this for tests, whose stand-in host is 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import requests
from flask import Blueprint, Response, abort, current_app, request, stream_with_context
from flask_login import current_user
from sqlalchemy import select

from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.calls.ingest import is_web_url
from vendor_qa.calls.models import Call
from vendor_qa.errors import render_error
from vendor_qa.extensions import db
from vendor_qa.grading.models import ACTIVE_STATUSES, Assignment
from vendor_qa.tenants.context import bind_tenant_from_url, use_tenant
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenants_scope

TIMEOUT = (5, 15)  # seconds to connect, and between two reads
MAX_BYTES = 200 * 1024 * 1024  # a long call in WAV is about 100 MB
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
USER_AGENT = "vendor_qa-recordings"
PASSED_BACK = ("Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "Last-Modified", "ETag")

grader_bp = Blueprint("recordings", __name__, url_prefix="/grading/assignments")
client_bp = Blueprint("call_recordings", __name__, url_prefix="/t/<tenant>/calls")
bind_tenant_from_url(client_bp)


class Unavailable(Exception):
    """The recording cannot be fetched; the message says why, for the viewer."""


def acceptable(url: str | None) -> bool:
    """What ingestion accepts is all that is ever fetched (a URL stored before that check may not be)."""
    return bool(url) and is_web_url(url)


def _check_host(url: str) -> None:
    """Refuse a host that resolves to a private, loopback or link-local address."""
    if current_app.config.get("RECORDINGS_ALLOW_PRIVATE"):
        return
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as unknown:
        raise Unavailable("The recording's host cannot be found.") from unknown
    if not all(ipaddress.ip_address(info[4][0]).is_global for info in infos):
        raise Unavailable("The recording's host is not on the public internet.")


def _open(url: str, byte_range: str | None) -> requests.Response:
    """The upstream response, streaming, after at most MAX_REDIRECTS checked redirects."""
    headers = {"User-Agent": USER_AGENT, "Accept": "audio/*, video/*;q=0.9, */*;q=0.5"}
    if byte_range:
        headers["Range"] = byte_range
    for _ in range(MAX_REDIRECTS + 1):
        if not acceptable(url):
            raise Unavailable("The recording's address is not an http(s) URL.")
        _check_host(url)
        try:
            upstream = requests.get(url, headers=headers, stream=True, timeout=TIMEOUT, allow_redirects=False)
        except requests.RequestException as failed:
            raise Unavailable("The client's server did not answer in time.") from failed
        if not upstream.is_redirect:
            break
        upstream.close()
        url = urljoin(url, upstream.headers.get("Location", ""))
    else:
        raise Unavailable("The client's server redirected too many times.")
    if upstream.status_code not in (200, 206):
        upstream.close()
        raise Unavailable(f"The client's server answered {upstream.status_code}.")
    if int(upstream.headers.get("Content-Length") or 0) > MAX_BYTES:
        upstream.close()
        raise Unavailable("The recording is larger than the application streams.")
    return upstream


def _body(upstream: requests.Response) -> Iterator[bytes]:
    sent = 0
    try:
        for chunk in upstream.iter_content(CHUNK):
            sent += len(chunk)
            if sent > MAX_BYTES:  # a server that sent no length, or a false one
                return
            yield chunk
    except requests.RequestException:
        return  # the client's server stalled mid-way: the player sees the stream end
    finally:
        upstream.close()


def stream(url: str | None):
    """The recording at `url` as this request's answer (a 206 for a range), or an error page."""
    if not acceptable(url):
        abort(404)
    try:
        upstream = _open(url, request.headers.get("Range"))
    except Unavailable as why:
        return render_error(502, "The recording cannot be played", str(why))
    headers = {name: upstream.headers[name] for name in PASSED_BACK if name in upstream.headers}
    headers["Cache-Control"] = "private, no-store"
    return Response(stream_with_context(_body(upstream)), status=upstream.status_code, headers=headers,
                    direct_passthrough=True)


@grader_bp.get("/<int:assignment_id>/recording")
@roles(Role.GRADER)
def for_grader(assignment_id: int):
    """The recording of the call of an assignment the grader holds now; anyone else's: 404."""
    with tenants_scope(current_user.certified_tenant_ids, "grader's recording"):
        found = db.session.scalar(select(Assignment).where(
            Assignment.id == assignment_id, Assignment.grader_id == current_user.id,
            Assignment.status.in_(ACTIVE_STATUSES)))
    if found is None:
        abort(404)
    use_tenant(db.session.get(Tenant, found.tenant_id))
    return stream(found.call.recording_url)


@client_bp.get("/<int:call_id>/recording")
@roles(Role.CLIENT_MANAGER, Role.VENDOR_ADMIN)
def for_client(call_id: int):
    """The recording of one of the tenant's calls, for its people (and the vendor's admins)."""
    return stream(db.get_or_404(Call, call_id).recording_url)
