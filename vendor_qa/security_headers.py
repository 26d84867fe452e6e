"""Security headers on every response (OWASP ASVS 14.4): what the browser may load and run, who may
frame us, and what it may keep.

One after_request hook rather than Flask-Talisman: these are a few constant strings, and Talisman
would bring its own HTTPS redirect and cookie settings, which `config.py` and the TLS-terminating
proxy already own.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request, session

# Scripts only from our own files: no inline script, no eval (htmx runs with allowEval off, see
# base.html's htmx-config), so injected markup cannot run code.
# Styles allow 'unsafe-inline': templates set widths and band colours in style attributes, pygal's
# inline SVG charts carry their own <style>, and a few pages keep a <style> block. Injected CSS
# cannot run script; moving all of it to classes is left to a later change.
# Media from any https origin: the grading form plays call recordings straight from each tenant's
# recording URL, until recordings are proxied through the app.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "media-src 'self'",  # recordings are streamed through the application (grading/recordings.py)
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Full URLs (a signed agent link, a filtered list) only to ourselves; other sites get nothing.
    "Referrer-Policy": "same-origin",
}

# Only in production, which is served over TLS: a development server on plain HTTP would
# otherwise teach the browser to refuse http://127.0.0.1 for a year.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["APP_ENV"] == "production":
        response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    if _private():
        # A page for one user must not outlive the session, in a shared browser or a proxy.
        response.headers["Cache-Control"] = "no-store"
    return response


def _private() -> bool:
    # Static files are the same for everyone, and caching them keeps pages fast.
    if request.endpoint == "static":
        return False
    # Any session state means a page for one browser: signed in, half-way through the second
    # factor, or a form's CSRF token. The session, not current_user: loading the user may be what
    # failed (the database is down), and this hook runs on that error page too.
    return request.path.startswith("/api/") or bool(session)
