"""The assessor's landing page: kitemark applications by status and the directory's organisations by status.

Lives in ``kitemark`` (the assessor's domain) rather than ``core``, which imports no domain package.
"""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from marketplace.core.permissions import role_required
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.kitemark import bp
from marketplace.kitemark.models import KitemarkApplication


@bp.get("/assessor")
@role_required(Role.ASSESSOR)
def assessor_home():
    counts = dict(db.session.execute(select(Organisation.status, func.count()).group_by(Organisation.status)).all())
    waiting = db.session.execute(
        select(KitemarkApplication.status, func.count()).group_by(KitemarkApplication.status)
    ).all()
    return render_template("kitemark/assessor_home.html", counts=counts, applications=dict(waiting))
