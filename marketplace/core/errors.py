"""Styled error pages for every HTTP error, and JSON errors under ``/api``."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

TITLES = {
    400: "Sorry, there is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, that action is not allowed here",
    413: "The file or form you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}

MESSAGES = {
    400: "The request could not be understood. Go back, check what you entered and try again.",
    403: "If you think you should have access, contact the person who manages your account.",
    404: "If you typed the web address, check it is correct. If you pasted it, check you copied all of it.",
    405: "Go back and try again from the page's own buttons.",
    413: "Files must be smaller than {limit}. Go back and choose a smaller file.",
    429: "You have tried too many times. Wait a few minutes, then try again.",
    500: "Try again later. Nothing you entered has been lost from pages you had already saved.",
}


def _limit_text(app: Flask) -> str:
    limit = min(app.config.get("EVIDENCE_MAX_BYTES") or 0, app.config.get("MAX_CONTENT_LENGTH") or 0)
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def render_error(error: HTTPException):
    code = error.code or 500
    from flask import current_app

    message = MESSAGES.get(code, MESSAGES[400]).format(limit=_limit_text(current_app))
    # Show our own descriptions (set with abort(code, description=...)), never Werkzeug's defaults.
    detail = error.description if error.description != type(error).description else None
    if request.path.startswith("/api/"):
        return jsonify(error={"status": code, "title": TITLES.get(code, error.name), "detail": detail or message}), code
    return (
        render_template(
            "errors/error.html", status=code, title=TITLES.get(code, error.name), message=message, detail=detail
        ),
        code,
    )


def handle_csrf_error(error: CSRFError):
    error.description = "Your form had expired or was sent from elsewhere. Go back, reload the page and try again."
    return render_error(error)


def handle_unexpected(error: Exception):
    from flask import current_app

    current_app.logger.exception("Unhandled error: %s", error)
    return render_error(InternalServerError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(Exception, handle_unexpected)
