"""Error handlers that leave a trace in the audit log (registered by the app factory; core stays below audit)."""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from marketplace.audit.services import record_rate_limited
from marketplace.core.errors import render_error
from marketplace.extensions import db


def handle_too_many_requests(error: HTTPException):
    """A 429 is audited (brute force and floods show in the audit log), then styled like any error."""
    try:
        record_rate_limited(str(error.description or ""))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Could not audit a rate-limited request")
    return render_error(error)


def register_audited_error_handlers(app: Flask) -> None:
    app.register_error_handler(429, handle_too_many_requests)
