"""Structured request logs: one JSON line per request, and an ``X-Request-ID`` on every response.

Each line holds the method, path, endpoint, status, duration in milliseconds, the signed-in user's id (or
null) and the request id. A caller (a proxy, a load balancer) may send its own ``X-Request-ID``; it is kept if
it looks like an id (letters, digits, ``.``, ``_``, ``-``; at most 64), otherwise a fresh one is made, so a
header can never inject text into the log. The query string is left out: it can hold search words or tokens.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, request

logger = logging.getLogger("marketplace.request")

HEADER = "X-Request-ID"
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id_from(value: str | None) -> str:
    """The caller's request id if it is a safe token, else a new random one."""
    if value and SAFE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def _start() -> None:
    g.request_started = time.perf_counter()
    g.request_id = request_id_from(request.headers.get(HEADER))


def _user_id() -> int | None:
    # Only a user Flask-Login has already loaded for this request: logging must not add a database query.
    user = g.get("_login_user")
    return user.id if user is not None and getattr(user, "is_authenticated", False) else None


def log_line(response: Response) -> dict:
    """The request's log record (also used by tests)."""
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else None
    return {
        "event": "request",
        "method": request.method,
        "path": request.path,
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": round(duration, 1) if duration is not None else None,
        "user_id": _user_id(),
        "request_id": g.get("request_id"),
    }


def _finish(response: Response) -> Response:
    if "request_id" not in g:  # a request refused before our first hook ran
        g.request_id = request_id_from(request.headers.get(HEADER))
    response.headers[HEADER] = g.request_id
    logger.info(json.dumps(log_line(response), separators=(",", ":")))
    return response


def _plain_json_lines() -> None:
    """Request lines go to stderr as bare JSON (no level prefix), whatever the root logger's format."""
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def init_request_log(app: Flask) -> None:
    """Time every request from the first ``before_request`` hook, so refusals (403, 429…) are logged too."""
    _plain_json_lines()
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
