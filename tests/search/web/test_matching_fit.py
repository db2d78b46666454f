"""What makes a real fit: ages that exclude, adults-only providers, the relevance floor, labels, one pair score."""

from __future__ import annotations

import pytest

from marketplace.matching.ages import ranges_overlap
from marketplace.matching.ranking import match_need, opportunities_for
from tests.factories import make_body, make_need
from tests.search.web.test_matching import load, names, org_record, terms


@pytest.fixture
def body():
    return make_body("Derby Children's Services")


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((12, 18), (18, None), False),  # a youth range and an adult one only touch at 18
        ((0, 5), (5, 11), False),
        ((12, 18), (16, 25), True),
        ((5, 5), (0, 5), True),  # a single year inside the other range
        ((None, None), (65, None), True),
        ((0, 4), (65, None), False),
    ],
)
def test_age_ranges_overlap_only_when_they_share_more_than_a_boundary_year(a, b, overlap):
    assert ranges_overlap(a, b) is overlap
    assert ranges_overlap(b, a) is overlap


def test_providers_that_work_with_none_of_the_needs_ages_never_match(app, body):
    load(
        app,
        org_record("tots", "Tots Arts", age_min=0, age_max=5),
        org_record("adults", "Adult Arts", age_min=None, age_max=None, adults_only=True),
        org_record("older", "Older People's Arts", age_min=65, age_max=110),
        org_record("anyone", "Anyone Arts", age_min=None, age_max=None),
    )
    under_fives = match_need(make_need(body, age_min=0, age_max=4))
    assert sorted(names(under_fives)) == ["Anyone Arts", "Tots Arts"]
    teens = match_need(make_need(body, age_min=12, age_max=18))
    assert names(teens) == ["Anyone Arts"]
    assert "Works with all ages" in teens[0].reasons


def test_one_shared_generic_word_is_not_a_fit(app, body):
    load(
        app,
        org_record(
            "decoy",
            "Garden Centre Café",
            description="No provision for children. Plants and people, coffee and cake.",
            service_areas=["positive-activities"],
            target_groups=["families"],
            outcomes_codes=["achieve-economic-well-being"],
        ),
        org_record("fits", "Fitting Arts"),
    )
    need = make_need(body, target_groups=terms("target_group", "disabled-children-send"))
    assert names(match_need(need)) == ["Fitting Arts"]


def test_a_pair_scores_the_same_on_both_sides_with_a_plain_label(app, body):
    orgs = load(app, org_record("fits", "Fitting Arts"))
    need = make_need(body, outcomes=terms("ecm_outcome", "enjoy-and-achieve"))
    (match,) = match_need(need)
    (opportunity,) = opportunities_for(orgs["fits"])
    assert match.score == opportunity.score and match.label == opportunity.label
    assert match.label in {"Strong", "Good", "Partial"}
    assert match.reasons == opportunity.reasons


def test_price_fit_comes_from_the_offers_relevant_to_the_need(app, body):
    record = org_record("mixed", "Mixed Arts", price_pence=900_000)
    record["offers"].append(
        {
            "ref": "mixed-cafe",
            "title": "Café vouchers",
            "description": "Vouchers for the café.",
            "price_pence": 0,
            "outcomes": ["achieve-economic-well-being"],
            "service_areas": ["positive-activities"],
        }
    )
    load(app, record)
    (match,) = match_need(make_need(body, budget_max_pence=500_000))
    assert "No offers like this within budget" in match.missing
    assert not any(reason.startswith("Price £0") for reason in match.reasons)


def test_the_directory_import_takes_adults_only_and_any_age_range_and_refuses_a_non_boolean(app):
    from marketplace.directory.importer import import_directory

    good = org_record("older", "Older People's Arts", age_min=65, age_max=110, adults_only=True)
    bad = org_record("bad", "Bad Arts", adults_only="yes")
    report = import_directory({"organisations": [good, bad], "consortia": []})
    assert report.organisations.created == 1
    assert "adults_only" in str(report.rejected[0])


def test_framework_statements_and_national_indicators_count_as_fit(app, body):
    unrelated = {"service_areas": ["positive-activities"], "target_groups": ["families"], "description": "A gallery."}
    load(
        app,
        org_record(
            "statement",
            "Statement Gallery",
            framework_statements=[
                {"framework": "children-and-young-peoples-plan", "statement": "Our sensory respite programme."}
            ],
            **unrelated,
        ),
        org_record("indicator", "Indicator Gallery", indicators=["ni-50"], **unrelated),
        org_record("neither", "Neither Gallery", **unrelated),
    )
    need = make_need(
        body,
        title="Sensory respite programme",
        summary="",
        description="",
        indicators=terms("national_indicator", "ni-50"),
    )
    results = {result.name: result for result in match_need(need)}
    assert set(results) == {"Statement Gallery", "Indicator Gallery"}
    assert any(reason.startswith("Contributes to NI 50") for reason in results["Indicator Gallery"].reasons)
