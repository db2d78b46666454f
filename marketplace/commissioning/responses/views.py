"""Response pages: a provider responds to an open need, changes or withdraws its response before the deadline;
the need's body's commissioners see the responses to their needs. Nobody else sees a response (404).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.commissioning import access
from marketplace.commissioning.models import Need, NeedStatus, Response
from marketplace.commissioning.responses import bp, forms, services
from marketplace.core.permissions import require_access, role_required, signed_in
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.kitemark.status import kitemark_status


def _own_response(response_id: int) -> Response:
    """The response, if the user speaks for its responder; 404 otherwise (existence is not leaked)."""
    record = db.get_or_404(Response, response_id)
    require_access(access.speaks_for_response(current_user, record))
    return record


def _refused(need: Need, refusal: services.ResponseRefused, response: Response | None = None):
    """The page that explains why a response (or a change to one) cannot be accepted; keeps any typed text."""
    unsent = request.form.get("approach", "") if request.method == "POST" else ""
    existing = refusal.existing or response
    return render_template(
        "responses/refused.html", need=need, message=refusal.message, existing=existing, unsent=unsent
    )


@bp.route("/needs/<int:need_id>/respond", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def respond(need_id: int):
    need = db.get_or_404(Need, need_id)
    organisation = current_user.organisation
    require_access(need.status != NeedStatus.DRAFT and organisation is not None)
    try:
        services.check_accepting_responses(need)
        form = forms.RespondForm(need=need, organisation=organisation)
        if not form.offers_consortia:
            services.check_responder(need, organisation, None)
        if form.validate_on_submit():
            details = forms.response_details(form)
            record = services.submit_response(
                need, organisation, details, actor=current_user, consortium=form.consortium
            )
            flash(f"Your response to ‘{need.title}’ has been submitted", "success")
            return redirect(url_for("responses.response", response_id=record.id))
    except services.ResponseRefused as refusal:
        return _refused(need, refusal)
    existing = services.own_live_responses(need, organisation)
    warnings = services.requirement_warnings(need, organisation)
    return render_template("responses/respond.html", form=form, need=need, existing=existing, warnings=warnings)


@bp.get("/responses/<int:response_id>")
@signed_in
def response(response_id: int):
    record = db.get_or_404(Response, response_id)
    require_access(access.can_view_response(current_user, record))
    can_change = access.speaks_for_response(current_user, record) and services.is_changeable(record)
    is_commissioner = access.acts_for_body(current_user, record.need.body)
    return render_template(
        "responses/response.html",
        response=record,
        can_change=can_change,
        is_commissioner=is_commissioner,
        kitemark=kitemark_status(record.organisation) if is_commissioner else None,
    )


@bp.route("/responses/<int:response_id>/edit", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def edit(response_id: int):
    record = _own_response(response_id)
    try:
        services.check_changeable(record)
        form = forms.ResponseForm(
            data=forms.response_form_data(record), need=record.need, organisation=record.organisation
        )
        if form.validate_on_submit():
            services.update_response(record, forms.response_details(form), actor=current_user)
            flash("Your response has been changed", "success")
            return redirect(url_for("responses.response", response_id=record.id))
    except services.ResponseRefused as refusal:
        return _refused(record.need, refusal, response=record)
    return render_template("responses/edit.html", form=form, response=record)


@bp.post("/responses/<int:response_id>/withdraw")
@role_required(Role.PROVIDER)
def withdraw(response_id: int):
    record = _own_response(response_id)
    try:
        services.withdraw_response(record, actor=current_user)
    except services.ResponseRefused as refusal:
        return _refused(record.need, refusal, response=record)
    flash(f"Your response to ‘{record.need.title}’ has been withdrawn", "success")
    return redirect(url_for("responses.response", response_id=record.id))


@bp.get("/provider/responses")
@role_required(Role.PROVIDER)
def index():
    organisation = current_user.organisation
    records = services.responses_for_provider(organisation) if organisation is not None else []
    return render_template("responses/index.html", organisation=organisation, responses=records)


@bp.get("/commissioner/needs/<int:need_id>/responses")
@role_required(Role.COMMISSIONER)
def for_need(need_id: int):
    need = db.get_or_404(Need, need_id)
    require_access(access.acts_for_body(current_user, need.body))
    records = services.responses_for_need(need)
    return render_template("responses/for_need.html", need=need, responses=records)
