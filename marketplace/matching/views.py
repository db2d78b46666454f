"""Matching pages: the providers that fit a need (its body's commissioners) and a provider's opportunities."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from marketplace.commissioning.access import acts_for_body
from marketplace.commissioning.models import Need
from marketplace.commissioning.shortlists import services as shortlists
from marketplace.core.permissions import require_access, role_required
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.matching import bp as matching_bp
from marketplace.matching import ranking as matching

TOP = 20


@matching_bp.get("/commissioner/needs/<int:need_id>/matches")
@role_required(Role.COMMISSIONER)
def need_matches(need_id: int):
    need = db.get_or_404(Need, need_id)
    require_access(acts_for_body(current_user, need.body))
    return render_template(
        "matching/need_matches.html",
        need=need,
        results=matching.match_need(need, top=TOP),
        states=shortlists.candidate_states(need),
        can_shortlist=shortlists.shortlist_can_change(need),
    )


@matching_bp.get("/provider/opportunities")
@role_required(Role.PROVIDER)
def opportunities():
    organisation = current_user.organisation
    if organisation is None:
        abort(404)
    results = matching.opportunities_for(organisation, top=TOP)
    return render_template("matching/opportunities.html", organisation=organisation, results=results)
