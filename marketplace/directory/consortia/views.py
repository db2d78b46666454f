"""Consortium pages: a provider's consortia and invitations, creating and inviting, and the public pages."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core.permissions import public, require_access, role_required
from marketplace.core.roles import Role
from marketplace.directory import access
from marketplace.directory.consortia import bp, forms, services
from marketplace.directory.models import Consortium, ConsortiumMembership, Organisation
from marketplace.extensions import db


def _lead_consortium(consortium_id: int) -> Consortium:
    """A consortium the user's organisation leads: 404 for outsiders, 403 for a lead member who is not org-admin."""
    consortium = db.get_or_404(Consortium, consortium_id)
    require_access(access.is_member(current_user, consortium.lead_organisation))
    require_access(services.is_lead_admin(current_user, consortium), hide=False)
    return consortium


def _own_membership(membership_id: int) -> ConsortiumMembership:
    """A membership of the user's organisation, and the user is its org-admin; 404 otherwise."""
    membership = db.get_or_404(ConsortiumMembership, membership_id)
    require_access(access.is_org_admin(current_user, membership.organisation))
    return membership


def _transition(membership_id: int, change: Callable[..., None], done: str) -> Response:
    """Apply an answer (accept, decline, leave) to the user's own organisation's membership; explain refusals."""
    membership = _own_membership(membership_id)
    try:
        change(membership, actor=current_user)
    except services.ConsortiumError as error:
        flash(error.message, "error")
    else:
        flash(done.format(name=membership.consortium.name), "success")
    return redirect(url_for("consortia.index"))


@bp.get("/provider/consortia")
@role_required(Role.PROVIDER)
def index():
    organisation: Organisation | None = current_user.organisation
    found = services.consortia_of(organisation) if organisation is not None else services.ProviderConsortia()
    return render_template(
        "consortia/index.html",
        organisation=organisation,
        memberships=found.memberships,
        invitations=found.invitations,
        is_org_admin=organisation is not None and access.is_org_admin(current_user, organisation),
    )


@bp.route("/provider/consortia/new", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def new():
    organisation = current_user.organisation
    require_access(organisation is not None and access.is_org_admin(current_user, organisation), hide=False)
    form = forms.ConsortiumForm()
    if form.validate_on_submit():
        consortium = services.create_consortium(
            organisation,
            name=form.name.data,
            legal_form_id=form.legal_form_id.data,
            description=form.description.data or "",
            actor=current_user,
        )
        flash(f"Consortium ‘{consortium.name}’ created. Now invite the member organisations", "success")
        return redirect(url_for("consortia.invite", consortium_id=consortium.id))
    return render_template("consortia/new.html", form=form)


@bp.route("/provider/consortia/<int:consortium_id>/invite", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def invite(consortium_id: int):
    consortium = _lead_consortium(consortium_id)
    form = forms.InviteForm(services.invitable_organisations(consortium))
    if form.validate_on_submit():
        invited = db.session.get(Organisation, form.organisation_id.data)
        try:
            services.invite_organisation(consortium, invited, actor=current_user)
        except services.ConsortiumError as error:
            form.organisation_id.errors = [*form.organisation_id.errors, error.message]
        else:
            flash(f"{invited.name} has been invited to join {consortium.name}", "success")
            return redirect(url_for("consortia.invite", consortium_id=consortium.id))
    memberships = sorted(consortium.memberships, key=lambda m: m.organisation.name)
    return render_template("consortia/invite.html", form=form, consortium=consortium, memberships=memberships)


@bp.post("/provider/consortia/memberships/<int:membership_id>/accept")
@role_required(Role.PROVIDER)
def accept(membership_id: int):
    return _transition(membership_id, services.accept_invitation, "You have joined {name}")


@bp.post("/provider/consortia/memberships/<int:membership_id>/decline")
@role_required(Role.PROVIDER)
def decline(membership_id: int):
    return _transition(membership_id, services.decline_invitation, "You have declined the invitation to {name}")


@bp.post("/provider/consortia/memberships/<int:membership_id>/leave")
@role_required(Role.PROVIDER)
def leave(membership_id: int):
    return _transition(membership_id, services.leave_consortium, "You have left {name}")


@bp.get("/consortia")
@public
def directory():
    return render_template("consortia/directory.html", entries=services.consortium_directory())


@bp.get("/consortia/<int:consortium_id>")
@public
def consortium(consortium_id: int):
    consortium = db.get_or_404(Consortium, consortium_id)
    require_access(services.can_view_consortium(current_user, consortium))
    return render_template(
        "consortia/consortium.html",
        profile=services.consortium_profile(consortium),
        is_insider=services.is_insider(current_user, consortium),
        can_invite=services.is_lead_admin(current_user, consortium),
    )
