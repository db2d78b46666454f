"""The assessor's landing page: the applications waiting for review (the work, one click from each), kitemark
applications by status and the directory's organisations by status.

Lives in ``kitemark`` (the assessor's domain) rather than ``core``, which imports no domain package.
"""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from marketplace.core.permissions import role_required
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.kitemark import bp, listing
from marketplace.kitemark.models import KitemarkApplication

SHOWN_ON_LANDING = 20  # the oldest; the queue page has them all, with filters


@bp.get("/assessor")
@role_required(Role.ASSESSOR)
def assessor_home():
    counts = dict(db.session.execute(select(Organisation.status, func.count()).group_by(Organisation.status)).all())
    waiting = db.session.execute(
        select(KitemarkApplication.status, func.count()).group_by(KitemarkApplication.status)
    ).all()
    queue = listing.queue(listing.QueueFilters())
    return render_template(
        "kitemark/assessor_home.html",
        counts=counts,
        statuses=dict(waiting),
        applications=queue[:SHOWN_ON_LANDING],
        queue_length=len(queue),
        age_text=listing.age_text,
    )
