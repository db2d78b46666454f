"""The administrator's landing page (``/admin``): commissioners waiting for approval and the admin areas.

Lives in ``accounts`` (it counts users) rather than ``core``, which imports no domain package. Its own
blueprint because the account admin pages sit under ``/admin/users``.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.core.permissions import role_required
from marketplace.core.roles import Role
from marketplace.extensions import db

bp = Blueprint("admin", __name__)


@bp.get("/admin")
@role_required(Role.ADMIN)
def home():
    pending = db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.COMMISSIONER.value, User.approved_at.is_(None))
    )
    return render_template("admin/home.html", pending_count=pending)
