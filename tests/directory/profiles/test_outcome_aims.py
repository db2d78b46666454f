"""Ticking an aim on the outcomes step is enough: its parent outcome is saved with it, never asked for (issue 17)."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.directory.models import OutcomeContribution
from marketplace.extensions import db
from tests.lookups import term


def test_an_aim_ticked_alone_saves_a_contribution_to_its_outcome(signed_in, organisation):
    page = signed_in.get("/provider/profile/outcomes").get_data(as_text=True)
    assert 'name="be_healthy"' not in page and 'name="outcomes"' not in page  # no outcome box to tick first
    aims = term("ecm_outcome", "stay-safe").children[:2]

    response = signed_in.submit(
        "/provider/profile/outcomes",
        {"stay_safe_aims": [str(aim.id) for aim in aims], "stay_safe_statement": "We run road-safety workshops."},
    )

    assert response.status_code == 302
    contribution = db.session.scalar(select(OutcomeContribution))
    assert contribution.outcome.code == "stay-safe"
    assert contribution.aims == aims
