"""Reviewed-edit pages: the provider's changes waiting (with withdraw), the assessors' queue, review and feed.

Providers reach only their own organisation's changes (another's answers 404, so its existence does not leak);
assessors see every change, and the services refuse one who is a member of the organisation.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.core.permissions import require_access, role_required
from marketplace.core.roles import Role
from marketplace.directory import access
from marketplace.extensions import db
from marketplace.kitemark.assessing import is_member_of
from marketplace.kitemark.listing import age_text
from marketplace.kitemark.view_helpers import own_organisation, refused, signed_in_user
from marketplace.revisions import bp, forms, queries, services
from marketplace.revisions.models import ProfileRevision

assessors_only = role_required(Role.ASSESSOR)
providers_only = role_required(Role.PROVIDER)


@bp.app_context_processor
def revision_helpers() -> dict:
    """The provider's profile and evidence pages show its changes waiting for review (``_pending.html``)."""
    return {"pending_changes": services.pending_for}


# --- Provider ------------------------------------------------------------------------------------------------


@bp.get("/provider/changes")
@providers_only
def provider_changes():
    organisation = own_organisation()
    return render_template(
        "revisions/provider.html",
        organisation=organisation,
        history=services.history_for(organisation),
        withdraw_form=forms.WithdrawForm(),
    )


@bp.post("/provider/changes/<int:revision_id>/withdraw")
@providers_only
def withdraw(revision_id: int):
    revision = db.get_or_404(ProfileRevision, revision_id)
    require_access(access.can_edit_organisation(current_user, revision.organisation))
    if not forms.WithdrawForm().validate_on_submit():
        flash("Your change could not be withdrawn: try again", "error")
        return redirect(url_for("revisions.provider_changes"))
    try:
        services.withdraw_revision(revision, user=signed_in_user())
    except services.RevisionError as error:
        return refused(error, "revisions.provider_changes")
    flash("Your change has been withdrawn: your approved details are unchanged", "success")
    return redirect(url_for("revisions.provider_changes"))


# --- Assessor ------------------------------------------------------------------------------------------------


@bp.get("/assessor/changes")
@assessors_only
def queue():
    return render_template(
        "revisions/queue.html", waiting=queries.waiting(), recent=queries.recently_decided(), age_text=age_text
    )


@bp.get("/assessor/changes/feed")
@assessors_only
def feed():
    return render_template("revisions/feed.html", pagination=queries.feed_page(request.args.get("page", 1, type=int)))


def _review_page(revision: ProfileRevision, form: forms.DecisionForm | None = None, status: int = 200):
    return render_template(
        "revisions/review.html",
        revision=revision,
        organisation=revision.organisation,
        form=form or forms.DecisionForm(),
        is_member=is_member_of(signed_in_user(), revision.organisation),
    ), status


@bp.get("/assessor/changes/<int:revision_id>")
@assessors_only
def review(revision_id: int):
    return _review_page(db.get_or_404(ProfileRevision, revision_id))


@bp.post("/assessor/changes/<int:revision_id>/decision")
@assessors_only
def decide(revision_id: int):
    revision = db.get_or_404(ProfileRevision, revision_id)
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        return _review_page(revision, form, 400)
    try:
        if form.decision.data == forms.APPROVE:
            services.approve_revision(revision, assessor=signed_in_user(), no_conflict=form.no_conflict.data)
        else:
            services.reject_revision(
                revision, assessor=signed_in_user(), no_conflict=form.no_conflict.data, reasons=form.reasons.data
            )
    except services.RevisionError as error:
        return refused(error, "revisions.review", revision_id=revision.id)
    flash(f"Decision recorded: {revision.status_label.lower()}. The provider has been told.", "success")
    return redirect(url_for("revisions.queue"))
