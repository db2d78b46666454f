"""Matching pages: the providers that fit a need (its body's commissioners) and a provider's opportunities."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from marketplace.commissioning.access import acts_for_body
from marketplace.commissioning.models import Need
from marketplace.commissioning.shortlists import services as shortlists
from marketplace.core.permissions import require_access, role_required
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.matching import bp as matching_bp
from marketplace.matching import ranking as matching
from marketplace.matching.forms import ShortlistMatchesForm, candidate_key

TOP = 20


def _matches_page(need: Need, form: ShortlistMatchesForm | None = None) -> str:
    results = matching.match_need(need, top=TOP)
    states = shortlists.candidate_states(need)
    form = form or ShortlistMatchesForm.for_matches(results, states)
    return render_template(
        "matching/need_matches.html",
        need=need,
        results=results,
        states=states,
        can_shortlist=shortlists.shortlist_can_change(need),
        form=form,
        candidate_key=candidate_key,
        shortlisted=len(shortlists.entries_of(need)),
    )


def _own_need(need_id: int) -> Need:
    need = db.get_or_404(Need, need_id)
    require_access(acts_for_body(current_user, need.body))
    return need


@matching_bp.get("/commissioner/needs/<int:need_id>/matches")
@role_required(Role.COMMISSIONER)
def need_matches(need_id: int):
    return _matches_page(_own_need(need_id))


# Its own path: a POST rule sharing the GET rule's path answers 405, not 404, for an id beyond the database's.
@matching_bp.post("/commissioner/needs/<int:need_id>/matches/shortlist")
@role_required(Role.COMMISSIONER)
def shortlist_matches(need_id: int):
    """Shortlist the ticked matches (or the one whose button was pressed) and stay on the matches page."""
    need = _own_need(need_id)
    form = ShortlistMatchesForm.for_matches(matching.match_need(need, top=TOP), shortlists.candidate_states(need))
    if not form.validate_on_submit():
        return _matches_page(need, form)
    try:
        entries = shortlists.add_several_to_shortlist(need, form.candidates(), actor=current_user)
    except shortlists.ShortlistError as error:
        flash(str(error), "error")
    else:
        names = ", ".join(shortlists.entry_name(entry) for entry in entries)
        link = url_for("shortlists.shortlist", need_id=need.id)
        message = '{} added to the shortlist. <a class="govuk-notification-banner__link" href="{}">{}</a>'
        banner = Markup(message).format(escape(names), link, "View the shortlist")  # nosec B704  # constant template; format escapes
        flash(banner, "success")
    return redirect(url_for("matching.need_matches", need_id=need.id))


@matching_bp.get("/provider/opportunities")
@role_required(Role.PROVIDER)
def opportunities():
    organisation = current_user.organisation
    if organisation is None:
        abort(404)
    results = matching.opportunities_for(organisation, top=TOP)
    return render_template("matching/opportunities.html", organisation=organisation, results=results)
