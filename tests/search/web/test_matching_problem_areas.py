"""Problem areas (teenage pregnancy, NEET, emotional health …) as a fit signal in matching, with its reason."""

from __future__ import annotations

import pytest

from marketplace.matching.ranking import match_need, opportunities_for, possible_points
from tests.factories import make_body, make_need
from tests.search.web.test_matching import load, names, org_record, terms

UNRELATED = {"service_areas": ["positive-activities"], "target_groups": ["families"], "description": "A gallery."}


@pytest.fixture
def body():
    return make_body("Derby Children's Services")


def test_a_shared_problem_area_is_a_real_fit_with_its_reason(app, body):
    load(
        app,
        org_record("works-on", "Calm Gallery", problem_areas=["emotional-health", "obesity"], **UNRELATED),
        org_record("other", "Other Gallery", problem_areas=["neet"], **UNRELATED),
        org_record("neither", "Neither Gallery", **UNRELATED),
    )
    need = make_need(
        body, title="Zqx", summary="", description="", problem_areas=terms("problem_area", "emotional-health")
    )

    results = match_need(need)

    assert names(results) == ["Calm Gallery"]
    assert "Works on: emotional health" in results[0].reasons


def test_working_on_the_needs_problem_areas_ranks_higher_and_says_what_is_missing(app, body):
    load(
        app,
        org_record("both", "Both Arts", problem_areas=["teenage-pregnancy", "neet"]),
        org_record("one", "One Arts", problem_areas=["neet"]),
        org_record("none", "No Problem Arts"),
    )
    need = make_need(body, problem_areas=terms("problem_area", "teenage-pregnancy", "neet"))

    results = match_need(need)

    assert names(results) == ["Both Arts", "One Arts", "No Problem Arts"]
    assert "Works on: teenage pregnancy, NEET (not in education, employment or training)" in results[0].reasons
    assert "Not listed as working on: teenage pregnancy" in results[1].missing
    assert results[0].score - results[2].score == pytest.approx(1.0)


def test_a_need_with_problem_areas_can_earn_the_point_and_its_provider_sees_the_same_score(app, body):
    orgs = load(app, org_record("calm", "Calm Arts", problem_areas=["emotional-health"]))
    plain = make_need(body)
    need = make_need(body, problem_areas=terms("problem_area", "emotional-health"))

    assert possible_points(need) == possible_points(plain) + 1.0
    (match,) = match_need(need)
    opportunity = next(item for item in opportunities_for(orgs["calm"]) if item.object_id == need.id)
    assert (match.score, match.reasons) == (opportunity.score, opportunity.reasons)
