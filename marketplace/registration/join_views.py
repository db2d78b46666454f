"""Joining an organisation already listed: the choice at registration, the registrant's "what happens next" page,
and the account managers' page of requests to approve or decline (/account/join-request[s])."""

from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.accounts.services import AccountError
from marketplace.accounts.views import apply_account_error
from marketplace.core.permissions import require_access, role_required
from marketplace.core.roles import Role
from marketplace.directory.duplicates import LikelyDuplicate
from marketplace.extensions import db, limiter
from marketplace.registration import bp, joining
from marketplace.registration.join_forms import StartOrganisationForm
from marketplace.registration.models import JoinRequest
from marketplace.registration.services import Registration

DECISION = "duplicate_decision"


def said_different() -> bool:
    """The registrant confirmed their organisation is not the one already listed."""
    return request.form.get(DECISION) == "different" or request.form.get("different_organisation") == "yes"


def join_instead(form, registration: Registration, duplicates: list[LikelyDuplicate]) -> Registration | None:
    """The registration, marked to join the organisation the registrant chose among those found (the request is
    made when they confirm their email address); ``None`` when they have not chosen yet, or the organisation has
    too many requests waiting (with the error on the form)."""
    chosen = request.form.get(DECISION, "").removeprefix("join-")
    organisation = next((item.organisation for item in duplicates if str(item.organisation.id) == chosen), None)
    if organisation is None:
        return None
    try:
        joining.ensure_room_to_join(organisation)
    except AccountError as error:
        apply_account_error(form, error)
        return None
    return replace(registration, join_organisation_id=organisation.id)


@bp.route("/join-request", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
@limiter.limit("10 per hour", methods=["POST"])
def join_status():
    """What happens next for a registrant waiting to join; after a decline, they can list their own organisation."""
    if current_user.organisation_id is not None:
        return redirect(url_for("directory.dashboard"))
    join_request = joining.latest_request_of(current_user)
    form = StartOrganisationForm()
    if form.validate_on_submit():
        organisation = joining.start_own_organisation(
            current_user, name=form.organisation_name.data, organisation_type_id=form.organisation_type.data
        )
        flash(f"Your account manages {organisation.name}: add its details to publish its profile", "success")
        return redirect(url_for("directory.dashboard"))
    return render_template("registration/join_status.html", join_request=join_request, form=form)


def _managed_organisation():
    organisation = current_user.organisation
    require_access(organisation is not None and current_user.is_org_admin)
    return organisation


@bp.get("/join-requests")
@role_required(Role.PROVIDER)
def join_requests():
    organisation = _managed_organisation()
    return render_template(
        "registration/join_requests.html", organisation=organisation, requests=joining.pending_requests(organisation)
    )


@bp.post("/join-requests/<int:request_id>/<any(approve, decline):decision>")
@role_required(Role.PROVIDER)
@limiter.limit("60 per hour")
def decide_join_request(request_id: int, decision: str):
    organisation = _managed_organisation()
    join_request = db.session.get(JoinRequest, request_id)
    require_access(join_request is not None and join_request.organisation_id == organisation.id)
    try:
        joining.decide_join_request(join_request, approve=decision == "approve", actor=current_user)
    except joining.JoinRequestError as error:
        flash(str(error), "error")
    else:
        outcome = "is now a member of your team" if decision == "approve" else "has been told you declined"
        flash(f"{join_request.user.name} {outcome}", "success")
    return redirect(url_for("registration.join_requests"))
