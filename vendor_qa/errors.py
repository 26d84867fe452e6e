"""Error pages that say what went wrong and what to do; JSON errors under /api/."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

ADVICE = {
    400: "The request was not understood. Go back and try again.",
    401: "You need to log in, or the API token is missing or wrong.",
    403: "Your role does not allow this page. If you need it, ask a vendor admin.",
    404: "There is nothing here, or it belongs to someone else. Check the address or go back.",
    405: "This address does not take that kind of request.",
    413: "What you sent is too large. Send a smaller file or batch.",
    422: "Some of what you sent is not valid. Correct it and send again.",
    429: "Too many attempts. Wait a minute, then try again.",
    500: "Something broke on our side. It has been logged; try again in a moment.",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, title: str, message: str):
    if _wants_json():
        return jsonify({"error": title, "message": message}), status
    if request.headers.get("HX-Request") == "true":
        # htmx does not swap an error into the page's target; app.js shows this in the alert bar.
        return render_template("errors/_message.html", status=status, title=title, message=message), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, "Form expired", "The form was open too long or came from elsewhere. "
                       "Reload the page and submit it again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = ADVICE.get(status, error.description)
        if status != 429 and error.description and error.description != type(error).description:
            message = error.description  # a view said something specific
        return render_error(status, error.name, message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        return render_error(500, InternalServerError.name, ADVICE[500])
