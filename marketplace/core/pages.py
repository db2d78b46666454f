"""Pages that belong to no domain: the dashboard redirect and the accessibility and privacy statements.

Each role's landing page lives with its role's package (directory, commissioning, kitemark, accounts); this
module names them only by endpoint, so ``core`` imports no domain package.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from marketplace.core.permissions import public, signed_in
from marketplace.core.roles import Role

bp = Blueprint("core", __name__)

LANDING_PAGES = {
    Role.PROVIDER: "directory.dashboard",
    Role.COMMISSIONER: "commissioning.dashboard",
    Role.ASSESSOR: "kitemark.assessor_home",
    Role.ADMIN: "admin.home",
}


@bp.get("/dashboard")
@signed_in
def dashboard():
    if not current_user.is_approved:
        # Their role's pages would all refuse them: say what happens next and what they can already do
        return render_template("core/awaiting_approval.html")
    if current_user.role_enum is Role.PROVIDER and current_user.organisation_id is None:
        return redirect(url_for("registration.join_status"))  # waiting to join an organisation, or declined
    return redirect(url_for(LANDING_PAGES[current_user.role_enum]))


@bp.get("/accessibility")
@public
def accessibility():
    return render_template("core/accessibility.html")


@bp.get("/privacy")
@public
def privacy():
    return render_template("core/privacy.html")
