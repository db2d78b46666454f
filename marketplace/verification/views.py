"""Verification pages: the provider's request and status, the assessor queue, the item-by-item review.

Providers reach only their own organisation; assessors see every request, and the services refuse an assessor
who is a member of the organisation. The review shows the live record beside each item; the decision stores a
snapshot of what was verified.
"""

from __future__ import annotations

import io
from typing import Any

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.core.clock import today
from marketplace.core.permissions import require_access, role_required
from marketplace.core.roles import Role
from marketplace.directory import access
from marketplace.directory.evidence import storage
from marketplace.directory.readiness import safeguarding_review_due_on
from marketplace.extensions import db
from marketplace.kitemark.assessing import is_member_of
from marketplace.kitemark.listing import age_text
from marketplace.kitemark.view_helpers import own_organisation as _own_organisation
from marketplace.kitemark.view_helpers import refused as _refused
from marketplace.kitemark.view_helpers import signed_in_user as _user
from marketplace.verification import bp, forms, queries, services
from marketplace.verification.badge import code_for
from marketplace.verification.badge_views import snippet
from marketplace.verification.checks import ITEM_NAMES, ITEMS, failed_by_rule, pre_assess
from marketplace.verification.models import SafeguardingVerification, VerificationStatus
from marketplace.verification.status import open_needs_requiring_verification, verification_state

assessors_only = role_required(Role.ASSESSOR)
providers_only = role_required(Role.PROVIDER)
INLINE_TYPES = frozenset({storage.PDF, storage.PNG, storage.JPEG})


@bp.app_context_processor
def verification_helpers() -> dict:
    """Profiles and the readiness checklist show where verification stands (see ``status``)."""
    return {
        "safeguarding_verification": verification_state,
        "open_needs_requiring_verification": open_needs_requiring_verification,
    }


# --- Provider ------------------------------------------------------------------------------------------------


def _provider_page(form: forms.RequestForm | None = None, status: int = 200):
    organisation = _own_organisation()
    return render_template(
        "verification/provider.html",
        organisation=organisation,
        state=verification_state(organisation),
        problems=services.why_cannot_request(organisation),
        needs_count=open_needs_requiring_verification(),
        can_act=access.is_org_admin(current_user, organisation),
        form=form or forms.RequestForm(),
        history=services.history(organisation),
        item_names=ITEM_NAMES,
        code=code_for(organisation),
        snippet=snippet(organisation),
    ), status


@bp.get("/provider/verification")
@providers_only
def provider_page():
    return _provider_page()


@bp.post("/provider/verification/request")
@providers_only
def request_verification():
    organisation = _own_organisation()
    require_access(access.is_org_admin(current_user, organisation), hide=False)
    form = forms.RequestForm()
    if not form.validate_on_submit():
        return _provider_page(form, 400)
    try:
        services.request_verification(organisation, user=_user())
    except services.VerificationError as error:
        return _refused(error, "verification.provider_page")
    flash("Your safeguarding record has been sent to the assessors", "success")
    return redirect(url_for("verification.provider_page"))


# --- Assessor ---------------------------------------------------------------------------------------------------


@bp.get("/assessor/verification")
@assessors_only
def queue():
    return render_template(
        "verification/queue.html", waiting=queries.waiting(), recent=queries.recently_decided(), age_text=age_text
    )


def _review_page(verification: SafeguardingVerification, form: Any = None, status: int = 200):
    me, record = _user(), verification.organisation.safeguarding
    assign_form = forms.AssignForm(assessor_id=me.id)
    assign_form.set_choices(services.assessors_for(verification))
    findings = pre_assess(record, today())
    decision_form = form if isinstance(form, forms.DecisionForm) else queries.prefilled_form(findings)
    return render_template(
        "verification/review.html",
        verification=verification,
        organisation=verification.organisation,
        record=record,
        review_due_on=safeguarding_review_due_on(record),
        findings=findings,
        is_member=is_member_of(me, verification.organisation),
        is_mine=verification.assessor_id == me.id and verification.status == VerificationStatus.IN_REVIEW,
        assign_form=form if isinstance(form, forms.AssignForm) else assign_form,
        conflict_form=form if isinstance(form, forms.ConflictForm) else forms.ConflictForm(),
        decision_form=decision_form,
        **({"form": form} if form is not None else {}),
        history=services.history(verification.organisation),
        items=ITEMS,
        item_names=ITEM_NAMES,
        age_text=age_text,
    ), status


def _verification(verification_id: int) -> SafeguardingVerification:
    return db.get_or_404(SafeguardingVerification, verification_id)


@bp.get("/assessor/verification/<int:verification_id>")
@assessors_only
def review(verification_id: int):
    return _review_page(_verification(verification_id))


@bp.post("/assessor/verification/<int:verification_id>/assign")
@assessors_only
def assign(verification_id: int):
    verification = _verification(verification_id)
    form = forms.AssignForm()
    form.set_choices(services.assessors_for(verification))
    if not form.validate_on_submit():
        return _review_page(verification, form, 400)
    try:
        services.assign_verification(verification, assessor=db.session.get(User, form.assessor_id.data), by=_user())
    except services.VerificationError as error:
        return _refused(error, "verification.review", verification_id=verification.id)
    flash(f"Assigned to {verification.assessor.name}", "success")
    return redirect(url_for("verification.review", verification_id=verification.id))


@bp.post("/assessor/verification/<int:verification_id>/conflict")
@assessors_only
def conflict(verification_id: int):
    verification = _verification(verification_id)
    form = forms.ConflictForm()
    if not form.validate_on_submit():
        return _review_page(verification, form, 400)
    try:
        if form.declaration.data == "none":
            services.declare_no_conflict(verification, assessor=_user())
        else:
            services.declare_conflict(verification, assessor=_user(), note=form.conflict_note.data)
    except services.VerificationError as error:
        return _refused(error, "verification.review", verification_id=verification.id)
    flash("Your declaration has been recorded", "success")
    if form.declaration.data != "none":
        return redirect(url_for("verification.queue"))
    return redirect(url_for("verification.review", verification_id=verification.id))


@bp.post("/assessor/verification/<int:verification_id>/decision")
@assessors_only
def decide(verification_id: int):
    verification = _verification(verification_id)
    form = forms.DecisionForm(ruled_out=failed_by_rule(verification.organisation.safeguarding, today()))
    if not form.validate_on_submit():
        return _review_page(verification, form, 400)
    try:
        services.decide_verification(
            verification,
            assessor=_user(),
            results=form.results(),
            decision=form.decision.data,
            reasons=form.reasons.data,
        )
    except services.VerificationError as error:
        return _refused(error, "verification.review", verification_id=verification.id)
    flash(f"Decision recorded: {verification.status_label.lower()}. The provider has been told.", "success")
    return redirect(url_for("verification.queue"))


@bp.get("/assessor/verification/<int:verification_id>/policy")
@assessors_only
def policy_document(verification_id: int):
    """The record's current policy document, opened in the browser (PDF and images) beside the checklist."""
    record = _verification(verification_id).organisation.safeguarding
    document = record.policy_document if record is not None else None
    data = storage.read_document(document) if document is not None else None
    if data is None:
        abort(404)
    response = send_file(
        io.BytesIO(data),
        mimetype=document.content_type,
        as_attachment=document.content_type not in INLINE_TYPES,
        download_name=storage.download_name(document),
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
