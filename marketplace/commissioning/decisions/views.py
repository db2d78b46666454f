"""The decision record page and its downloads: the need's body's approved commissioners and admins only.

Other commissioners get 404 (the record's existence is not leaked); other roles 403 from the decorator.
"""

from __future__ import annotations

from flask import Response as HttpResponse
from flask import render_template
from flask_login import current_user

from marketplace.commissioning import access
from marketplace.commissioning.decisions import bp, exports
from marketplace.commissioning.decisions.models import DecisionRecord
from marketplace.core.permissions import require_access, role_required
from marketplace.core.roles import Role
from marketplace.extensions import db

readers = role_required(Role.COMMISSIONER, Role.ADMIN)


def _readable(record_id: int) -> DecisionRecord:
    record = db.session.get(DecisionRecord, record_id)
    require_access(
        record is not None and (access.is_admin(current_user) or access.can_manage_need(current_user, record.need))
    )
    return record


@bp.get("/decision-records/<int:record_id>")
@readers
def record(record_id: int):
    decision_record = _readable(record_id)
    return render_template("decisions/record.html", record=decision_record, need=decision_record.need)


def _download(record: DecisionRecord, body: str, mimetype: str, extension: str) -> HttpResponse:
    disposition = f'attachment; filename="{exports.filename(record, extension)}"'
    return HttpResponse(body, mimetype=mimetype, headers={"Content-Disposition": disposition})


@bp.get("/decision-records/<int:record_id>.csv")
@readers
def export_csv(record_id: int):
    decision_record = _readable(record_id)
    return _download(decision_record, exports.decision_csv(decision_record), "text/csv", "csv")


@bp.get("/decision-records/<int:record_id>.json")
@readers
def export_json(record_id: int):
    decision_record = _readable(record_id)
    return _download(decision_record, exports.decision_json(decision_record), "application/json", "json")
