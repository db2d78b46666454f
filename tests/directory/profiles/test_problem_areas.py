"""A provider says which problem areas it works on (on the National Indicators step); the profile shows them."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.directory.services import profile_steps
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from tests.client import error_summary, text_of
from tests.factories import make_published
from tests.lookups import term


def test_problem_areas_are_saved_with_the_indicators_and_audited(signed_in, organisation):
    emotional, neet = term("problem_area", "emotional-health"), term("problem_area", "neet")

    response = signed_in.submit("/provider/profile/indicators", {"problem_areas": [str(emotional.id), str(neet.id)]})

    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.problem_areas == [neet, emotional]  # in the vocabulary's order
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.after["problem_areas"] == ["emotional-health", "neet"]
    assert event.before["problem_areas"] == []


def test_a_tampered_problem_area_is_refused_keeping_what_was_stored(signed_in, organisation):
    organisation.problem_areas = [term("problem_area", "obesity")]
    db.session.commit()

    response = signed_in.submit(
        "/provider/profile/indicators", {"problem_areas": [str(term("national_indicator", "ni-1").id)]}
    )

    assert error_summary(response) == ["Select problem areas from the list"]
    db.session.refresh(organisation)
    assert organisation.problem_areas == [term("problem_area", "obesity")]


def test_the_step_offers_every_problem_area_and_ticks_the_saved_ones(signed_in, organisation):
    organisation.problem_areas = [term("problem_area", "youth-offending")]
    db.session.commit()

    html = signed_in.get("/provider/profile/indicators").get_data(as_text=True)

    assert "Problem areas you work on" in html
    for problem in terms_by_code("problem_area").values():
        assert problem.label in html
    youth = term("problem_area", "youth-offending")
    assert f'value="{youth.id}" checked' in html


def test_problem_areas_alone_complete_the_step(signed_in, organisation):
    signed_in.submit("/provider/profile/indicators", {"problem_areas": [str(term("problem_area", "obesity").id)]})

    db.session.refresh(organisation)
    step = next(step for step in profile_steps(organisation) if step.slug == "indicators")
    assert step.completed


def test_the_public_profile_says_which_problem_areas_the_organisation_works_on(client):
    published = make_published("Calm Gallery", problem_areas=[term("problem_area", "emotional-health")])
    plain = make_published("Plain Gallery")

    assert "Works on Emotional health" in text_of(client.get(f"/organisations/{published.id}"))
    assert "Works on" not in text_of(client.get(f"/organisations/{plain.id}"))
