"""``GET /health``: is this worker able to serve? For load balancers, process managers and the load test.

200 ``{"status": "ok", "database": "ok", "search": "ok"}`` when the database answers a query on a real table
and the search index opens and answers a query; otherwise 503 with ``"status": "error"`` and the failing part
marked ``"error"`` (or ``"missing"`` for an index that does not exist: run ``flask search rebuild``). The body
never carries error messages, paths or settings; the exception goes to the log.

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
from marketplace.search.engine import SearchQuery, engine_for

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


@bp.get("/health")
@public
def health():
    parts = {"database": database_status(), "search": search_status()}
    healthy = all(value == "ok" for value in parts.values())
    response = jsonify(status="ok" if healthy else "error", **parts)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
