"""Audit: an append-only record of who did what to which object, with before/after values.

``services.record_event`` writes events; the admin pages under ``/admin/audit`` read, filter and export them.
"""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

from marketplace.audit import views  # noqa: E402, F401
