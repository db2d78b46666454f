"""Public pages and role landing pages that belong to no single domain."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.core.permissions import public, role_required, signed_in
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.extensions import db
from marketplace.kitemark.models import KitemarkApplication

bp = Blueprint("core", __name__)

LANDING_PAGES = {
    Role.PROVIDER: "directory.dashboard",
    Role.COMMISSIONER: "commissioning.dashboard",
    Role.ASSESSOR: "core.assessor_home",
    Role.ADMIN: "core.admin_home",
}


@bp.get("/")
@public
def home():
    published = db.session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.status == OrganisationStatus.PUBLISHED)
    )
    return render_template("core/home.html", published_count=published)


@bp.get("/dashboard")
@signed_in
def dashboard():
    return redirect(url_for(LANDING_PAGES[current_user.role_enum]))


@bp.get("/assessor")
@role_required(Role.ASSESSOR)
def assessor_home():
    counts = dict(db.session.execute(select(Organisation.status, func.count()).group_by(Organisation.status)).all())
    waiting = db.session.execute(
        select(KitemarkApplication.status, func.count()).group_by(KitemarkApplication.status)
    ).all()
    return render_template("core/assessor_home.html", counts=counts, applications=dict(waiting))


@bp.get("/admin")
@role_required(Role.ADMIN)
def admin_home():
    pending = db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.COMMISSIONER.value, User.approved_at.is_(None))
    )
    return render_template("core/admin_home.html", pending_count=pending)


@bp.get("/accessibility")
@public
def accessibility():
    return render_template("core/accessibility.html")


@bp.get("/privacy")
@public
def privacy():
    return render_template("core/privacy.html")
