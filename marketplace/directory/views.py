"""Provider dashboard and organisation pages."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from marketplace.core.permissions import public, require_access, role_required
from marketplace.core.roles import Role
from marketplace.directory import access, bp, services
from marketplace.directory.models import Organisation
from marketplace.extensions import db


@bp.get("/provider")
@role_required(Role.PROVIDER)
def dashboard():
    return render_template("directory/dashboard.html", organisation=current_user.organisation)


@bp.get("/organisations")
@public
def organisation_list():
    return render_template("directory/organisation_list.html", organisations=services.published_organisations())


@bp.get("/organisations/<int:organisation_id>")
@public
def organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    require_access(access.can_view_organisation(current_user, organisation))
    return render_template(
        "directory/organisation.html",
        organisation=organisation,
        is_member=access.is_member(current_user, organisation),
    )
