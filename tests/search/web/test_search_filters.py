"""The search page's National Indicator, problem area and freshness filters, and a zero-result page keeping them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.core.clock import utcnow
from marketplace.directory.freshness import confirm_accurate
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from marketplace.search.presenters import confirmed_days
from tests.factories import make_published, make_user
from tests.search.web.test_search_page import count_for, result_names, synced  # noqa: F401  # fixture

MONTH = timedelta(days=31)


@pytest.fixture
def directory(synced):  # noqa: F811  # the fixture above
    indicators = terms_by_code("national_indicator")
    problems = terms_by_code("problem_area")
    now = utcnow()
    fresh = make_published("Fresh Arts", description="Drama workshops.")
    fresh.indicators.append(indicators["ni-50"])
    fresh.problem_areas.append(problems["emotional-health"])
    fresh.confirmed_at = now - timedelta(days=10)
    middling = make_published("Middling Museum", description="Drama workshops.")
    middling.indicators.append(indicators["ni-110"])
    middling.problem_areas.append(problems["teenage-pregnancy"])
    middling.confirmed_at = now - 8 * MONTH
    older = make_published("Older Library", description="Drama workshops.")
    older.problem_areas.append(problems["emotional-health"])
    older.confirmed_at = now - 11 * MONTH
    db.session.commit()
    return {"fresh": fresh, "middling": middling, "older": older}


def test_the_national_indicator_filter_keeps_providers_contributing_to_it(client, directory):
    response = client.get("/search?indicator=ni-50")

    assert result_names(response) == ["Fresh Arts"]


def test_the_problem_area_filter_keeps_providers_working_on_it_with_counts(client, directory):
    everything = client.get("/search")
    assert count_for(everything, "problem_area", "emotional-health") == 2
    assert count_for(everything, "problem_area", "teenage-pregnancy") == 1

    response = client.get("/search?problem_area=emotional-health")

    assert sorted(result_names(response)) == ["Fresh Arts", "Older Library"]


@pytest.mark.parametrize(
    ("months", "expected"),
    [("6", ["Fresh Arts"]), ("12", ["Fresh Arts", "Middling Museum", "Older Library"]), ("", None)],
)
def test_the_freshness_filter_keeps_listings_confirmed_in_the_last_months(client, directory, months, expected):
    response = client.get(f"/search?confirmed={months}")

    assert sorted(result_names(response)) == (expected or ["Fresh Arts", "Middling Museum", "Older Library"])
    assert f'id="confirmed-{months or "any"}" name="confirmed" type="radio" value="{months}" checked' in (
        response.get_data(as_text=True)
    )


def test_confirming_a_listing_brings_it_into_the_freshness_filter(client, directory):
    assert "Middling Museum" not in result_names(client.get("/search?confirmed=6"))

    confirm_accurate(directory["middling"], user=make_user(name="Ann Manager"))

    assert "Middling Museum" in result_names(client.get("/search?confirmed=6"))


def test_an_unknown_freshness_value_is_ignored(client, directory):
    response = client.get("/search?confirmed=1000")

    assert len(result_names(response)) == 3
    assert 'id="confirmed-any" name="confirmed" type="radio" value="" checked' in response.get_data(as_text=True)


def test_six_months_of_days_run_from_the_same_day_six_months_ago_to_today():
    days = confirmed_days(6)

    assert max(days) == utcnow().date().isoformat()
    assert 181 <= len(days) <= 185


def test_a_search_with_no_results_keeps_the_new_filters_usable(client, directory):
    response = client.get("/search?q=nothingmatchesthis&problem_area=teenage-pregnancy&confirmed=6&indicator=ni-50")
    html = response.get_data(as_text=True)

    assert result_names(response) == []
    assert count_for(response, "problem_area", "obesity") == 0  # every option offered, not only the chosen ones
    assert count_for(response, "indicator", "ni-111") == 0
    assert 'value="teenage-pregnancy" checked' in html and 'value="ni-50" checked' in html
    assert 'id="confirmed-6" name="confirmed" type="radio" value="6" checked' in html


def test_pagination_links_keep_the_freshness_filter(client, synced):  # noqa: F811  # the fixture above
    for number in range(25):
        make_published(f"Gallery {number:02d}")

    html = client.get("/search?confirmed=12").get_data(as_text=True)

    assert "confirmed=12" in html.split('class="govuk-pagination', 1)[1]
