"""Evidence pages: the provider's safeguarding record, accreditations and impact evidence, and downloads.

Providers only ever reach their own organisation's records: another organisation's record answers 404.
Documents are downloadable by whoever :func:`access.can_download_document` allows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from marketplace.core.clock import today
from marketplace.core.permissions import public, require_access, role_required
from marketplace.core.roles import Role
from marketplace.directory import access, profile_flow
from marketplace.directory import services as profiles
from marketplace.directory.evidence import bp, forms, services, storage
from marketplace.directory.evidence.presenters import accreditation_views, document_view
from marketplace.directory.models import (
    Accreditation,
    EvidenceDocument,
    ImpactEvidence,
    Organisation,
    OrganisationStatus,
)
from marketplace.directory.signals import held_for_review
from marketplace.extensions import db

provider_only = role_required(Role.PROVIDER)
SAFEGUARDING_SAVED = "Safeguarding record saved"
WAITING_FOR_REVIEW = (
    "Your change is waiting for review. Commissioners see your approved details until an assessor approves it"
)


def _organisation() -> Organisation:
    organisation = current_user.organisation
    require_access(organisation is not None)
    return organisation


def _own(model: type, record_id: int) -> Any:
    """One of the current provider's own records, or 404 (another organisation's record is never revealed)."""
    record = db.get_or_404(model, record_id)
    require_access(access.can_edit_organisation(current_user, record.organisation))
    return record


def _data(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form[name].data for name in names if name in form}


def _upload(form: Any) -> FileStorage | None:
    """The file chosen in the form, if any (an edit form's ``document`` may hold the stored document instead)."""
    data = form.document.data
    return data if isinstance(data, FileStorage) and data.filename else None


def _saved(form: Any, save: Callable[[], Any], message: str) -> bool:
    """Run ``save``; a refused upload becomes an error on the form's document field (no ``message``: no banner)."""
    try:
        save()
    except storage.UploadError as error:
        form.document.errors = [*form.document.errors, error.message]
        return False
    if message:
        flash(message, "success")
    return True


def _user() -> Any:
    return current_user._get_current_object()


def _held_or_saved(form: Any, kind: str, save: Callable[[], Any], message: str, **edit: Any) -> str:
    """A trusted listing's material edit waits for an assessor (``signals.material_edit``); any other is saved now.

    Returns "saved" or "held", or "" when the form was refused.
    """
    try:
        held = held_for_review(_organisation(), kind, upload=_upload(form), user=_user(), **edit)
    except storage.UploadError as error:
        form.document.errors = [*form.document.errors, error.message]
        return ""
    if held is None:
        return "saved" if _saved(form, save, message) else ""
    flash(WAITING_FOR_REVIEW, "success")
    return "held"


@bp.get("/provider/evidence")
@provider_only
def index():
    organisation = _organisation()
    record = organisation.safeguarding
    return render_template(
        "evidence/index.html",
        organisation=organisation,
        record=record,
        policy_out_of_date=services.policy_is_out_of_date(record),
        policy_document=document_view(record.policy_document) if record else None,
        accreditations=accreditation_views(organisation, today()),
        documents=[document_view(document) for document in services.organisation_documents(organisation)],
        document_labels=services.document_owner_label(organisation),
        ready_to_publish=_ready_to_publish(organisation),
    )


def _ready_to_publish(organisation: Organisation) -> bool:
    """Offer "Publish profile" here too: after the evidence, publishing is the provider's next step (issue 17)."""
    return (
        organisation.status == OrganisationStatus.DRAFT
        and access.is_org_admin(current_user, organisation)
        and not profiles.missing_for_publishing(organisation)
    )


@bp.get("/documents/<int:document_id>")
@public
def download_document(document_id: int):
    document = db.get_or_404(EvidenceDocument, document_id)
    require_access(access.can_download_document(current_user, document))
    return storage.document_response(document)


@bp.route("/provider/evidence/safeguarding", methods=["GET", "POST"])
@provider_only
def safeguarding():
    organisation = _organisation()
    record = organisation.safeguarding
    form = forms.SafeguardingForm(obj=record)
    form.has_document = bool(record and record.policy_document_id)
    if form.validate_on_submit():
        data = _data(form, services.SAFEGUARDING_FIELDS)
        save = partial(services.save_safeguarding, organisation, user=_user(), data=data, upload=_upload(form))
        publishing = request.form.get("then") == "publish" and access.is_org_admin(current_user, organisation)
        outcome = _held_or_saved(form, "safeguarding", save, "" if publishing else SAFEGUARDING_SAVED, data=data)
        if outcome:
            return redirect(
                _publish(organisation, saved=outcome == "saved") if publishing else url_for("evidence.index")
            )
    return render_template(
        "evidence/safeguarding.html",
        form=form,
        record=record,
        out_of_date=services.policy_is_out_of_date(record),
        can_save_and_publish=_ready_to_publish(organisation),
    )


def _publish(organisation: Organisation, *, saved: bool) -> str:
    """ "Save and publish", the last step of the profile: publishing runs the same rules as "Publish profile", and a
    profile that is not ready is refused with what is missing (the record stays saved)."""
    try:
        profiles.publish_organisation(organisation, actor=_user())
    except profiles.ProfileError as error:
        if saved:
            flash(SAFEGUARDING_SAVED, "success")
        flash(profile_flow.NOT_READY + "; ".join(error.problems), "error")
    else:
        flash(profile_flow.published_banner(organisation, saved=SAFEGUARDING_SAVED if saved else ""), "success")
    return url_for("directory.profile")


@bp.get("/provider/evidence/accreditations")
@provider_only
def accreditations():
    organisation = _organisation()
    return render_template("evidence/accreditations.html", accreditations=accreditation_views(organisation, today()))


def _accreditation_form(accreditation: Accreditation | None) -> Any:
    organisation = _organisation()
    form = forms.AccreditationForm(obj=accreditation)
    form.has_document = bool(accreditation and accreditation.certificate_document_id)
    if form.validate_on_submit():
        data = _data(form, services.ACCREDITATION_FIELDS)
        save = partial(
            services.save_accreditation,
            organisation,
            user=_user(),
            data=data,
            upload=_upload(form),
            accreditation=accreditation,
        )
        message = "Accreditation saved"
        if _held_or_saved(form, "accreditation", save, message, data=data, accreditation=accreditation):
            return redirect(url_for("evidence.accreditations"))
    return render_template("evidence/accreditation_form.html", form=form, accreditation=accreditation)


@bp.route("/provider/evidence/accreditations/new", methods=["GET", "POST"])
@provider_only
def new_accreditation():
    return _accreditation_form(None)


@bp.route("/provider/evidence/accreditations/<int:accreditation_id>", methods=["GET", "POST"])
@provider_only
def edit_accreditation(accreditation_id: int):
    return _accreditation_form(_own(Accreditation, accreditation_id))


@bp.route("/provider/evidence/accreditations/<int:accreditation_id>/delete", methods=["GET", "POST"])
@provider_only
def delete_accreditation(accreditation_id: int):
    accreditation = _own(Accreditation, accreditation_id)
    form = forms.ConfirmDeleteForm()
    if form.validate_on_submit():
        held = held_for_review(
            accreditation.organisation, "accreditation_deletion", accreditation=accreditation, user=_user()
        )
        if held is not None:
            flash(WAITING_FOR_REVIEW, "success")
        else:
            services.delete_record(accreditation, user=_user())
            flash("Accreditation deleted", "success")
        return redirect(url_for("evidence.accreditations"))
    name = services.accreditation_name(accreditation)
    return render_template(
        "evidence/confirm_delete.html",
        form=form,
        thing=f"the accreditation “{name}”",
        document=accreditation.certificate_document,
        back=url_for("evidence.accreditations"),
    )


@bp.get("/provider/evidence/impact")
@provider_only
def impact_list():
    organisation = _organisation()
    return render_template("evidence/impact_list.html", organisation=organisation, kinds=forms.KIND_LABELS)


def _impact_form(evidence: ImpactEvidence | None) -> Any:
    organisation = _organisation()
    form = forms.ImpactEvidenceForm(obj=evidence)
    if form.validate_on_submit():
        data = _data(form, services.IMPACT_FIELDS)
        save = partial(
            services.save_impact_evidence,
            organisation,
            user=_user(),
            data=data,
            upload=_upload(form),
            evidence=evidence,
        )
        if _saved(form, save, "Impact evidence saved"):
            return redirect(url_for("evidence.impact_list"))
    return render_template("evidence/impact_form.html", form=form, evidence=evidence)


@bp.route("/provider/evidence/impact/new", methods=["GET", "POST"])
@provider_only
def new_impact():
    return _impact_form(None)


@bp.route("/provider/evidence/impact/<int:impact_evidence_id>", methods=["GET", "POST"])
@provider_only
def edit_impact(impact_evidence_id: int):
    return _impact_form(_own(ImpactEvidence, impact_evidence_id))


@bp.route("/provider/evidence/impact/<int:impact_evidence_id>/delete", methods=["GET", "POST"])
@provider_only
def delete_impact(impact_evidence_id: int):
    evidence = _own(ImpactEvidence, impact_evidence_id)
    form = forms.ConfirmDeleteForm()
    if form.validate_on_submit():
        services.delete_record(evidence, user=_user())
        flash("Impact evidence deleted", "success")
        return redirect(url_for("evidence.impact_list"))
    return render_template(
        "evidence/confirm_delete.html",
        form=form,
        thing=f"the impact evidence “{evidence.title}”",
        document=evidence.document,
        back=url_for("evidence.impact_list"),
    )
