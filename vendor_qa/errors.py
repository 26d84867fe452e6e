"""Error pages that say what went wrong and what to do; JSON errors under /api/."""

from __future__ import annotations

import logging
from typing import Iterable

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

ADVICE = {
    400: "The request was not understood. Go back and try again.",
    401: "You need to log in, or the API token is missing or wrong.",
    403: "Your role does not allow this page. If you need it, ask a vendor admin.",
    404: "There is nothing here, or it belongs to someone else. Check the address or go back.",
    405: "This address does not take that kind of request. Use the links and buttons of the page, "
         "or the method the API documents.",
    409: "Someone changed this a moment ago. Reload to see the latest version, then try again.",
    413: "What you sent is too large. Send a smaller file or batch.",
    415: "What you sent is not in a format this address takes. Send JSON, or the form of the page.",
    422: "Some of what you sent is not valid. Correct it and send again.",
    429: "Too many attempts. Wait a minute, then try again.",
    500: "Something broke on our side. It has been logged; try again in a moment.",
    503: "The service is busy or under maintenance. Try again in a few minutes.",
}
# An unexpected fault answers only this title and ADVICE[500]: its own text could show internals
# (SQL, paths, ids). `InternalServerError.name` is a property, so it takes an instance.
UNEXPECTED_TITLE = InternalServerError().name


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, title: str, message: str,
                 headers: Iterable[tuple[str, str]] = ()) -> Response:
    """The error as JSON under /api/, a short fragment for htmx (app.js shows it), or a page."""
    if _wants_json():
        response = jsonify({"error": title, "message": message})
    elif request.headers.get("HX-Request") == "true":
        # htmx does not swap an error into the page's target; app.js shows this in the alert bar.
        response = make_response(_without_context("errors/_message.html", title=title, message=message))
    else:
        response = make_response(_page(status, title, message))
    response.status_code = status
    response.headers.extend(headers)
    return response


def _page(status: int, title: str, message: str) -> str:
    try:
        return render_template("errors/error.html", status=status, title=title, message=message)
    except Exception:
        log.exception("error page layout failed; answering the bare page")
        return _without_context("errors/bare.html", status=status, title=title, message=message)


def _without_context(template: str, **values: object) -> str:
    """A template rendered without the context processors, which load the user (and so need the
    database): an error must still be told when the fault is the database itself."""
    return current_app.jinja_env.get_template(template).render(**values)


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        return render_error(400, "Form expired", "The form was open too long or came from elsewhere. "
                            "Reload the page and submit it again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        message = ADVICE.get(status, error.description)
        if status != 429 and error.description and error.description != type(error).description:
            message = error.description  # a view said something specific
        # Keep what the client needs (Allow, Retry-After, WWW-Authenticate), not the Content-Type
        # of werkzeug's own HTML body, which this answer replaces.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return render_error(status, error.name, message, headers)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.error("unhandled error on %s %s", request.method, request.path, exc_info=error)
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        return render_error(500, UNEXPECTED_TITLE, ADVICE[500])
