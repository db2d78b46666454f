"""The home page, provider dashboard, profile editing in steps, publishing, and organisation pages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.core.permissions import public, require_access, role_required
from marketplace.core.roles import Role
from marketplace.directory import access, bp, forms, freshness, profile_flow, readiness, services
from marketplace.directory.home import home_figures
from marketplace.directory.models import Organisation
from marketplace.directory.profile_extras import profile_extras, profile_sections
from marketplace.extensions import db


def _own_organisation() -> Organisation:
    """The signed-in provider's organisation; a provider without one has nothing to edit."""
    organisation = current_user.organisation
    require_access(organisation is not None and access.can_edit_organisation(current_user, organisation))
    return organisation


@bp.get("/")
@public
def home():
    """The service's front page: what is on offer, counted from the directory, each figure linking to a search."""
    return render_template("directory/home.html", **home_figures())


@bp.get("/provider")
@role_required(Role.PROVIDER)
def dashboard():
    organisation = current_user.organisation
    items = readiness.readiness(organisation) if organisation is not None else []
    return render_template("directory/dashboard.html", organisation=organisation, readiness_items=items)


@bp.post("/provider/confirm-accurate")
@role_required(Role.PROVIDER)
def confirm_accurate():
    """One click: the account manager confirms the listing is still accurate (CSRF checked centrally)."""
    organisation = _own_organisation()
    require_access(access.is_org_admin(current_user, organisation), hide=False)
    freshness.confirm_accurate(organisation, user=current_user._get_current_object())
    flash("Thank you: your listing is confirmed accurate", "success")
    return redirect(url_for("directory.dashboard"))


@bp.get("/provider/profile")
@role_required(Role.PROVIDER)
def profile():
    organisation = _own_organisation()
    return render_template(
        "directory/profile.html",
        organisation=organisation,
        task_groups=profile_flow.task_groups(organisation),
        missing=services.missing_for_publishing(organisation),
        can_publish=access.is_org_admin(current_user, organisation),
    )


# The basics ask for the localities served too (one page fewer on the way to a published profile).
LOCALITY_STEPS = ("basics", "localities")
HELD_FOR_REVIEW = (
    ". Your change to the name, legal form or registration number is waiting for review: commissioners see your"
    " approved details until an assessor approves it"
)


@bp.route("/provider/profile/<step>", methods=["GET", "POST"])
@role_required(Role.PROVIDER)
def profile_step(step: str):
    organisation = _own_organisation()
    if step not in services.STEPS:
        abort(404)
    form = forms.step_form(step, organisation)
    if form.validate_on_submit():
        try:
            held = profile_flow.save_step(organisation, step, form.values(), actor=current_user._get_current_object())
        except services.ProfileError as error:
            flash(error.problems[0], "error")
        else:
            flash(f"{services.STEPS[step]} saved" + (HELD_FOR_REVIEW if held is not None else ""), "success")
            return redirect(_after_step(organisation, step))
    return render_template(
        "directory/profile_step.html",
        organisation=organisation,
        form=form,
        step=step,
        title=services.STEPS[step],
        regions=services.localities_by_region() if step in LOCALITY_STEPS else [],
        implied_districts=services.implied_districts(organisation) if step in LOCALITY_STEPS else [],
    )


def _after_step(organisation: Organisation, step: str) -> str:
    """ "Save and continue" goes to the next unfinished step (see ``profile_flow``: the profile, with Publish, when
    none is left); "Save and return to your profile" to the task list."""
    if request.form.get("then") != "continue":
        return url_for("directory.profile")
    return profile_flow.step_url(profile_flow.next_step(organisation, step))


def _org_admin_organisation() -> Organisation:
    organisation = _own_organisation()
    require_access(access.is_org_admin(current_user, organisation), hide=False)
    return organisation


@bp.post("/provider/profile/publish")
@role_required(Role.PROVIDER)
def publish():
    organisation = _org_admin_organisation()
    try:
        services.publish_organisation(organisation, actor=current_user._get_current_object())
    except services.ProfileError as error:
        flash(profile_flow.NOT_READY + "; ".join(error.problems), "error")
    else:
        flash(profile_flow.published_banner(organisation), "success")
    return redirect(url_for("directory.profile"))


@bp.post("/provider/profile/unpublish")
@role_required(Role.PROVIDER)
def unpublish():
    organisation = _org_admin_organisation()
    try:
        services.unpublish_organisation(organisation, actor=current_user._get_current_object())
    except services.ProfileError as error:
        flash(error.problems[0], "error")
    else:
        flash("Your profile is unpublished: only your team can see it now", "success")
    return redirect(url_for("directory.profile"))


@bp.get("/organisations")
@public
def organisation_list():
    return render_template("directory/organisation_list.html", organisations=services.published_organisations())


@bp.get("/organisations/<int:organisation_id>")
@public
def organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    require_access(access.can_view_organisation(current_user, organisation))
    show_private = access.can_view_private(current_user, organisation)
    return render_template(
        "directory/organisation.html",
        organisation=organisation,
        page=services.profile_page(organisation, show_private=show_private),
        is_member=access.is_member(current_user, organisation),
        **profile_extras(organisation),
        **profile_sections(organisation),
    )
