"""Kitemark pages: the provider's kitemark page, the assessor queue and review, suspension, the public list.

Providers reach only their own organisation's application (another's answers 404). Assessors see every
application; the services refuse an assessor who is a member of the organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.core.clock import long_date, today
from marketplace.core.permissions import public, require_access, role_required
from marketplace.core.roles import Role
from marketplace.directory import access
from marketplace.directory.evidence import storage
from marketplace.directory.models import EvidenceDocument, Organisation
from marketplace.extensions import db
from marketplace.kitemark import bp, forms, listing, services
from marketplace.kitemark.assessing import is_member_of
from marketplace.kitemark.checklist import CHECKLIST, ITEM_NAMES, snapshot_document
from marketplace.kitemark.history import history
from marketplace.kitemark.models import ApplicationStatus, Kitemark, KitemarkApplication, KitemarkStatus
from marketplace.kitemark.status import current_award
from marketplace.kitemark.view_helpers import own_organisation as _own_organisation
from marketplace.kitemark.view_helpers import refused as _refused
from marketplace.kitemark.view_helpers import signed_in_user as _user
from marketplace.reference.models import Locality
from marketplace.reference.services import terms_by_code

assessors_only = role_required(Role.ASSESSOR)
providers_only = role_required(Role.PROVIDER)
INLINE_TYPES = frozenset({storage.PDF, storage.PNG, storage.JPEG})


@bp.app_template_filter("iso_date")
def iso_date(value: str | None) -> str:
    """A snapshot's ISO date as "3 March 2026"."""
    if not value:
        return ""
    return long_date(date.fromisoformat(value))


# --- Provider ------------------------------------------------------------------------------------------------


def _provider_page(form: forms.DeclarationForm | None = None, status: int = 200):
    organisation = _own_organisation()
    application = services.latest_application(organisation)
    return render_template(
        "kitemark/provider.html",
        organisation=organisation,
        application=application,
        kitemark=services.latest_kitemark(organisation),
        award=current_award(organisation),
        problems=services.why_cannot_apply(organisation),
        can_act=access.is_org_admin(current_user, organisation),
        form=form or forms.DeclarationForm(),
        history=history(organisation),
        item_names=ITEM_NAMES,
    ), status


@bp.get("/provider/kitemark")
@providers_only
def provider_page():
    return _provider_page()


def _declared(action) -> Any:
    organisation = _own_organisation()
    require_access(access.is_org_admin(current_user, organisation), hide=False)
    form = forms.DeclarationForm()
    if not form.validate_on_submit():
        return _provider_page(form, 400)
    try:
        action(organisation)
    except services.KitemarkError as error:
        return _refused(error, "kitemark.provider_page")
    return None


@bp.post("/provider/kitemark/apply")
@providers_only
def apply():
    refused = _declared(lambda organisation: services.apply_for_kitemark(organisation, user=_user()))
    if refused is not None:
        return refused
    flash("Your kitemark application has been sent to the assessors", "success")
    return redirect(url_for("kitemark.provider_page"))


@bp.post("/provider/kitemark/resubmit")
@providers_only
def resubmit():
    def action(organisation: Organisation) -> None:
        application = services.latest_application(organisation)
        if application is None:
            raise services.KitemarkError("Your organisation has no kitemark application to resubmit.")
        services.resubmit_application(application, user=_user())

    refused = _declared(action)
    if refused is not None:
        return refused
    flash("Your application has been resubmitted to the assessor", "success")
    return redirect(url_for("kitemark.provider_page"))


# --- Assessor: queue and review --------------------------------------------------------------------------------


@bp.get("/assessor/kitemark")
@assessors_only
def queue():
    filters = listing.parse_queue_filters(request.args)
    return render_template(
        "kitemark/queue.html",
        filters=filters,
        applications=listing.queue(filters),
        views=listing.QUEUE_VIEWS,
        regions=listing.regions(),
        types=terms_by_code("organisation_type").values(),
        age_text=listing.age_text,
    )


def _review_step(application: KitemarkApplication, form: Any, step: Callable[[], object]) -> Any:
    """Run an assessor's step on the review page: the page again (400) for a bad form, back with the message
    when a kitemark rule refuses it, ``None`` when it was done."""
    if not form.validate_on_submit():
        return _review_page(application, form, 400)
    try:
        step()
    except services.KitemarkError as error:
        return _refused(error, "kitemark.application", application_id=application.id)
    return None


def _review_page(application: KitemarkApplication, form: Any = None, status: int = 200):
    me = _user()
    assign_form = forms.AssignForm(assessor_id=me.id)
    assign_form.set_choices(services.assessors_for(application))
    review_form = form if isinstance(form, forms.ReviewForm) else forms.ReviewForm()
    if form is None and application.assessor_id is None:
        review_form = forms.TakeAndReviewForm()
    if form is None:
        for check in application.checks:
            review_form[f"{check.item_key}_result"].data = forms.VERIFIED if check.verified else forms.FAILED
            review_form[f"{check.item_key}_note"].data = check.note
    return render_template(
        "kitemark/review.html",
        application=application,
        organisation=application.organisation,
        snapshot=application.snapshot,
        is_member=is_member_of(me, application.organisation),
        is_mine=application.assessor_id == me.id and application.status == ApplicationStatus.IN_REVIEW,
        assign_form=form if isinstance(form, forms.AssignForm) else assign_form,
        conflict_form=form if isinstance(form, forms.ConflictForm) else forms.ConflictForm(),
        take_form=form if isinstance(form, forms.TakeForm) else forms.TakeForm(),
        review_form=review_form,
        **({"form": form} if form is not None else {}),
        history=history(application.organisation),
        ago_text=listing.ago_text,
        checklist=CHECKLIST,
        item_names=ITEM_NAMES,
    ), status


@bp.get("/assessor/kitemark/applications/<int:application_id>")
@assessors_only
def application(application_id: int):
    return _review_page(db.get_or_404(KitemarkApplication, application_id))


@bp.post("/assessor/kitemark/applications/<int:application_id>/assign")
@assessors_only
def assign(application_id: int):
    application = db.get_or_404(KitemarkApplication, application_id)
    form = forms.AssignForm()
    form.set_choices(services.assessors_for(application))

    def assign_it() -> None:
        services.assign_application(application, assessor=db.session.get(User, form.assessor_id.data), by=_user())

    refused = _review_step(application, form, assign_it)
    if refused is not None:
        return refused
    flash(f"Assigned to {application.assessor.name}", "success")
    return redirect(url_for("kitemark.application", application_id=application.id))


@bp.post("/assessor/kitemark/applications/<int:application_id>/conflict")
@assessors_only
def conflict(application_id: int):
    application = db.get_or_404(KitemarkApplication, application_id)
    form = forms.ConflictForm()

    def declare() -> None:
        if form.declaration.data == "none":
            services.declare_no_conflict(application, assessor=_user())
        else:
            services.declare_conflict(application, assessor=_user(), note=form.conflict_note.data)

    refused = _review_step(application, form, declare)
    if refused is not None:
        return refused
    flash("Your declaration has been recorded", "success")
    if form.declaration.data != "none":
        return redirect(url_for("kitemark.queue"))
    return redirect(url_for("kitemark.application", application_id=application.id))


def _record_decision(application: KitemarkApplication, form: Any, decide: Callable[..., object]) -> Any:
    """Run ``decide(results, decision, reasons)`` as a review step, then back to the queue with the outcome."""
    refused = _review_step(
        application,
        form,
        lambda: decide(results=form.results(), decision=form.decision.data, reasons=form.reasons.data),
    )
    if refused is not None:
        return refused
    flash(f"Decision recorded: {application.status_label.lower()}. The provider has been told.", "success")
    return redirect(url_for("kitemark.queue"))


@bp.post("/assessor/kitemark/applications/<int:application_id>/decision")
@assessors_only
def decide(application_id: int):
    application = db.get_or_404(KitemarkApplication, application_id)
    return _record_decision(
        application, forms.ReviewForm(), partial(services.decide_application, application, assessor=_user())
    )


@bp.post("/assessor/kitemark/applications/<int:application_id>/take")
@assessors_only
def take(application_id: int):
    """Assign to me and declare no conflict of interest in one post; the review form follows."""
    application = db.get_or_404(KitemarkApplication, application_id)
    form = forms.TakeForm()
    refused = _review_step(application, form, lambda: services.take_application(application, assessor=_user()))
    if refused is not None:
        return refused
    flash("Assigned to you, with your declaration of no conflict of interest", "success")
    return redirect(url_for("kitemark.application", application_id=application.id))


@bp.post("/assessor/kitemark/applications/<int:application_id>/take-and-decide")
@assessors_only
def take_and_decide(application_id: int):
    """Assign to me, declare no conflict and decide, in one form (an application nobody has taken yet)."""
    application = db.get_or_404(KitemarkApplication, application_id)
    return _record_decision(
        application, forms.TakeAndReviewForm(), partial(services.take_and_decide, application, assessor=_user())
    )


@bp.get("/assessor/kitemark/applications/<int:application_id>/documents/<int:document_id>")
@assessors_only
def document(application_id: int, document_id: int):
    """A document of the snapshot, opened in the browser (PDF and images) rather than downloaded."""
    application = db.get_or_404(KitemarkApplication, application_id)
    entry = snapshot_document(application.snapshot, document_id)
    stored = db.session.get(EvidenceDocument, document_id)
    require_access(entry is not None and stored is not None and stored.sha256 == entry["sha256"])
    return storage.document_response(stored, as_attachment=stored.content_type not in INLINE_TYPES)


# --- Assessor: kitemarks, suspension, reinstatement ------------------------------------------------------------


@bp.get("/assessor/kitemark/awards")
@assessors_only
def awards():
    kitemarks = db.session.scalars(
        db.select(Kitemark)
        .where(Kitemark.status.in_((KitemarkStatus.ACTIVE, KitemarkStatus.SUSPENDED)))
        .order_by(Kitemark.expires_on)
    )
    return render_template("kitemark/awards.html", kitemarks=list(kitemarks), today=today())


def _organisation_page(organisation: Organisation, form: Any = None, status: int = 200):
    return render_template(
        "kitemark/organisation.html",
        organisation=organisation,
        kitemark=services.latest_kitemark(organisation),
        award=current_award(organisation),
        application=services.latest_application(organisation),
        is_member=is_member_of(_user(), organisation),
        suspend_form=form if isinstance(form, forms.SuspendForm) else forms.SuspendForm(),
        reinstate_form=form if isinstance(form, forms.ReinstateForm) else forms.ReinstateForm(),
        **({"form": form} if form is not None else {}),
        history=history(organisation),
        item_names=ITEM_NAMES,
    ), status


@bp.get("/assessor/kitemark/organisations/<int:organisation_id>")
@assessors_only
def organisation(organisation_id: int):
    return _organisation_page(db.get_or_404(Organisation, organisation_id))


def _status_change(organisation_id: int, form: Any, change, message: str):
    organisation = db.get_or_404(Organisation, organisation_id)
    if not form.validate_on_submit():
        return _organisation_page(organisation, form, 400)
    try:
        change(organisation, assessor=_user(), reasons=form.reasons.data)
    except services.KitemarkError as error:
        return _refused(error, "kitemark.organisation", organisation_id=organisation.id)
    flash(message, "success")
    return redirect(url_for("kitemark.organisation", organisation_id=organisation.id))


@bp.post("/assessor/kitemark/organisations/<int:organisation_id>/suspend")
@assessors_only
def suspend(organisation_id: int):
    return _status_change(organisation_id, forms.SuspendForm(), services.suspend_kitemark, "Kitemark suspended")


@bp.post("/assessor/kitemark/organisations/<int:organisation_id>/reinstate")
@assessors_only
def reinstate(organisation_id: int):
    return _status_change(organisation_id, forms.ReinstateForm(), services.reinstate_kitemark, "Kitemark reinstated")


# --- Public -----------------------------------------------------------------------------------------------------


@bp.get("/kitemarked")
@public
def kitemarked():
    filters = listing.parse_public_filters(request.args)
    return render_template(
        "kitemark/kitemarked.html",
        filters=filters,
        rows=listing.kitemarked_list(filters),
        localities=db.session.scalars(db.select(Locality).order_by(Locality.name)),
        types=terms_by_code("organisation_type").values(),
        outcomes=terms_by_code("ecm_outcome").values(),
    )


@bp.get("/kitemarked.csv")
@public
def kitemarked_csv():
    filters = listing.parse_public_filters(request.args)
    base = current_app.config["BASE_URL"].rstrip("/")  # never the request's Host header
    text = listing.kitemarked_csv(
        listing.kitemarked_list(filters),
        lambda organisation: base + url_for("directory.organisation", organisation_id=organisation.id),
    )
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="kitemarked-{today().isoformat()}.csv"'},
    )
