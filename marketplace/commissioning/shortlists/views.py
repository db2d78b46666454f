"""Shortlist pages: a need's shortlist, comparison, CSV export, invitations and the award.

Everything is for the need's body's approved commissioners: other commissioners get 404 (the shortlist's
existence is not leaked), pending commissioners and other roles 403 from the decorator.
"""

from __future__ import annotations

from flask import Response as HttpResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.commissioning import access
from marketplace.commissioning.models import Need, Response, ShortlistEntry
from marketplace.commissioning.needs.services import shortlistable_needs
from marketplace.commissioning.shortlists import bp, exports, forms, services
from marketplace.commissioning.shortlists.comparison import compare as build_comparison
from marketplace.core.permissions import require_access, role_required
from marketplace.core.redirects import safe_next_path
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation
from marketplace.extensions import db

commissioners_only = role_required(Role.COMMISSIONER)


def shortlistable_needs_for(organisation: Organisation) -> list[Need]:
    """The signed-in approved commissioner's needs ``organisation`` could be shortlisted for; none for others.

    The directory's profile page shows "Add to shortlist" with these; ``create_app`` hands this function to
    :mod:`marketplace.directory.profile_extras`, since the directory cannot import commissioning.
    """
    body = current_user.commissioning_body
    if not (access.acts_for_body(current_user, body) and organisation.is_published):
        return []
    return shortlistable_needs(body)


def _own_need(need_id: int | None) -> Need:
    need = db.session.get(Need, need_id) if need_id is not None else None
    require_access(need is not None and access.can_manage_need(current_user, need))
    return need


def _own_entry(entry_id: int) -> ShortlistEntry:
    entry = db.get_or_404(ShortlistEntry, entry_id)
    require_access(access.can_manage_shortlist(current_user, entry.shortlist))
    return entry


def _back_to_shortlist(entry: ShortlistEntry):
    return redirect(url_for("shortlists.shortlist", need_id=entry.shortlist.need_id))


@bp.post("/commissioner/shortlists/add")
@commissioners_only
def add():
    form = forms.AddToShortlistForm()
    if not form.validate_on_submit():
        abort(400)
    need = _own_need(form.need_id_value())
    try:
        if form.bad_ids():
            raise services.ShortlistError("That provider was not found")
        entry = services.add_to_shortlist(need, form.candidate(), actor=current_user)
        flash(f"{services.entry_name(entry)} added to the shortlist", "success")
    except services.ShortlistError as error:
        flash(str(error), "error")
    return redirect(safe_next_path(form.next.data) or url_for("shortlists.shortlist", need_id=need.id))


@bp.get("/commissioner/needs/<int:need_id>/shortlist")
@commissioners_only
def shortlist(need_id: int):
    need = _own_need(need_id)
    return render_template(
        "shortlists/shortlist.html",
        need=need,
        entries=services.entries_of(need),
        live_response=services.live_response_for_entry,
        unlisted=services.responses_not_on_shortlist(need),
        locked=need.status in services.LOCKED_STATUSES,
    )


@bp.route("/commissioner/shortlists/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@commissioners_only
def edit_entry(entry_id: int):
    entry = _own_entry(entry_id)
    form = forms.EntryForm.for_entry(entry) if request.method == "GET" else forms.EntryForm()
    if form.validate_on_submit():
        try:
            services.update_entry(entry, rank=form.rank.data, notes=form.notes.data or "", actor=current_user)
        except services.ShortlistError as error:
            flash(str(error), "error")
        else:
            flash(f"Notes and rank for {services.entry_name(entry)} saved", "success")
        return _back_to_shortlist(entry)
    return render_template("shortlists/edit_entry.html", form=form, entry=entry, name=services.entry_name(entry))


def _change(entry_id: int, change, success: str):
    entry = _own_entry(entry_id)
    name = services.entry_name(entry)
    try:
        change(entry)
    except services.ShortlistError as error:
        flash(str(error), "error")
    else:
        flash(success.format(name=name), "success")
    return _back_to_shortlist(entry)


@bp.post("/commissioner/shortlists/entries/<int:entry_id>/up")
@commissioners_only
def move_up(entry_id: int):
    return _change(entry_id, lambda e: services.move_entry(e, -1, actor=current_user), "{name} moved up")


@bp.post("/commissioner/shortlists/entries/<int:entry_id>/down")
@commissioners_only
def move_down(entry_id: int):
    return _change(entry_id, lambda e: services.move_entry(e, 1, actor=current_user), "{name} moved down")


@bp.post("/commissioner/shortlists/entries/<int:entry_id>/remove")
@commissioners_only
def remove(entry_id: int):
    return _change(
        entry_id, lambda e: services.remove_entry(e, actor=current_user), "{name} removed from the shortlist"
    )


@bp.post("/commissioner/shortlists/entries/<int:entry_id>/invite")
@commissioners_only
def invite(entry_id: int):
    return _change(entry_id, lambda e: services.invite_to_respond(e, actor=current_user), "{name} invited to respond")


@bp.get("/commissioner/needs/<int:need_id>/compare")
@commissioners_only
def compare(need_id: int):
    need = _own_need(need_id)
    return render_template("shortlists/compare.html", need=need, table=build_comparison(need))


@bp.get("/commissioner/needs/<int:need_id>/shortlist.csv")
@commissioners_only
def export_csv(need_id: int):
    need = _own_need(need_id)
    return HttpResponse(
        exports.comparison_csv(build_comparison(need)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{exports.filename(need)}"'},
    )


@bp.route("/commissioner/needs/<int:need_id>/award", methods=["GET", "POST"])
@commissioners_only
def award(need_id: int):
    need = _own_need(need_id)
    form = forms.AwardForm()
    form.set_choices(services.awardable_entries(need))
    if form.validate_on_submit():
        response = db.session.get(Response, form.response_id.data)
        try:
            if not form.is_confirmed:  # an award cannot be undone: ask first
                services.check_award(need, response)
                return render_template("shortlists/award_confirm.html", need=need, form=form, response=response)
            services.award_need(need, response, commissioner=current_user, note=form.decision_note.data)
        except services.ShortlistError as error:
            form.response_id.errors.append(str(error))
        else:
            flash(f"‘{need.title}’ awarded to {response.responder_name}", "success")
            return redirect(url_for("shortlists.shortlist", need_id=need.id))
    return render_template("shortlists/award.html", need=need, form=form)
