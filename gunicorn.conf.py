"""Gunicorn settings: ``gunicorn -c gunicorn.conf.py wsgi:app`` (``make serve``).

Environment: ``WEB_CONCURRENCY`` (workers, default 4), ``GUNICORN_BIND`` (default ``127.0.0.1:8000``: loopback
only, put a TLS-terminating proxy in front), ``GUNICORN_TIMEOUT`` (seconds before a stuck worker is killed and
replaced, default 30), ``GUNICORN_ACCESS_LOG`` (``-`` for stdout, a file path, or empty for none),
``GUNICORN_CONTROL_SOCKET`` (a path to enable gunicorn's control socket for ``gunicornc``; off by default).
Access log lines are JSON (see :class:`JsonAccessLogger`); the app adds its own JSON line per request
(``marketplace.core.request_log``) with the endpoint and user id, joined by the same ``request_id``.
"""

from __future__ import annotations

import json
import os
import sys
import time

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound; jitter avoids all restarting together.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "marketplace"
# Gunicorn 25+ opens a control socket at one fixed path per user ($HOME/.gunicorn/gunicorn.ctl), which two
# instances on one machine would fight over: off unless GUNICORN_CONTROL_SOCKET names a path for this instance.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or None
control_socket_disable = control_socket is None


class JsonAccessLogger(Logger):
    """One JSON object per request, with the app's ``X-Request-ID``; no query string (it can hold tokens)."""

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        self.access_log.info(json.dumps(access_record(resp, environ, request_time), separators=(",", ":")))


def access_record(resp, environ: dict, request_time) -> dict:
    status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
    headers = dict((name.lower(), value) for name, value in (resp.headers or []))
    return {
        "event": "access",
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "remote": environ.get("REMOTE_ADDR"),
        "method": environ.get("REQUEST_METHOD"),
        "path": environ.get("PATH_INFO"),
        "status": int(status) if str(status).isdigit() else status,
        "bytes": getattr(resp, "sent", None),
        "duration_ms": round(request_time.total_seconds() * 1000, 1),
        "request_id": headers.get("x-request-id"),
        "user_agent": environ.get("HTTP_USER_AGENT"),
        "pid": os.getpid(),
    }


def on_starting(server) -> None:
    """Refuse to serve with a development secret key (``make serve`` without ``SECRET_KEY``), or with per-worker
    rate limits in production; warn about per-worker rate limits elsewhere. See ``config.serving_problems``."""
    from config import config_for, serving_problems

    refusals, warnings = serving_problems(config_for(), workers=server.cfg.workers)
    for warning in warnings:
        server.log.warning("WARNING: %s", warning)
    if refusals:
        for refusal in refusals:
            server.log.error("Refusing to start: %s", refusal)
        sys.exit(1)


def post_worker_init(worker) -> None:
    """Start this worker's search follower at once (after the fork: threads do not survive one), so a host that was
    down catches up with the change feed before its first request. See ``marketplace.search.index.follower``."""
    app = getattr(worker, "wsgi", None)
    if hasattr(app, "extensions"):
        from marketplace.search.index.follower import start_follower

        start_follower(app)


logger_class = JsonAccessLogger
