"""``GET /health``: is this worker able to serve? For load balancers, process managers and the load test.

200 ``{"status": "ok", "database": "ok", "search": "ok"}`` when the database answers a query on a real table
and the search index opens and answers a query; otherwise 503 with ``"status": "error"`` and the failing part
marked ``"error"`` (or ``"missing"`` for an index that does not exist: run ``flask search rebuild``). The body
never carries error messages, paths or settings; the exception goes to the log.

Once a scheduler has run on the database (``flask jobs run-due``), a ``"jobs"`` section lists each job's last
success and flags the overdue ones: ``{"status": "ok" | "overdue", "overdue": [...], "last_success": {...}}``.
An overdue job does not turn the answer into a 503: the host can still serve, and a load balancer must not take
every host out because a daily sweep is late; monitoring alerts on ``jobs.status`` instead.

A top-level module, not part of ``core``: it asks the directory and search packages, and ``core`` imports
nothing above it.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import select

from marketplace.core.permissions import public
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.jobs.services import job_health
from marketplace.search.engines.engine import SearchQuery, engine_for

logger = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def database_status() -> str:
    try:
        db.session.execute(select(Organisation.id).limit(1)).all()
    except Exception:  # any failure means the database cannot serve
        logger.exception("Health check: database query failed")
        db.session.rollback()
        return "error"
    return "ok"


def search_status() -> str:
    try:
        engine = engine_for(current_app)
        live_directory = getattr(engine, "live_directory", None)
        if callable(live_directory) and live_directory() is None:
            return "missing"
        # A text query reads the index's term and posting files, not just the in-memory facet table.
        engine.search(SearchQuery(text="health", page_size=1))
    except Exception:  # any failure means search cannot serve
        logger.exception("Health check: search index failed")
        return "error"
    return "ok"


def jobs_status() -> dict | None:
    """The scheduler's report, or None where no scheduler has ever run (a development site)."""
    try:
        report = job_health(current_app)
    except Exception:  # the jobs table cannot be read: say so, without detail
        logger.exception("Health check: scheduled jobs could not be read")
        db.session.rollback()
        return {"status": "error"}
    if report is None:
        return None
    overdue = [job.name for job in report if job.overdue]
    return {
        "status": "overdue" if overdue else "ok",
        "overdue": overdue,
        "last_success": {
            job.name: job.last_success_at.isoformat(timespec="seconds") + "Z" if job.last_success_at else None
            for job in report
        },
    }


@bp.get("/health")
@public
def health():
    parts = {"database": database_status(), "search": search_status()}
    healthy = all(value == "ok" for value in parts.values())
    jobs = jobs_status() if parts["database"] == "ok" else None
    response = jsonify(status="ok" if healthy else "error", **parts, **({"jobs": jobs} if jobs is not None else {}))
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
