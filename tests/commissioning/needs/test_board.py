"""The public opportunities board: open needs only, filters in the query string, pagination."""

from __future__ import annotations

import re

import pytest

from marketplace.commissioning.models import NeedStatus
from marketplace.reference.services import terms_by_code
from tests.client import text_of
from tests.factories import make_body, make_need
from tests.lookups import locality


def _titles(client, query: str = "") -> list[str]:
    html = client.get(f"/needs{query}").get_data(as_text=True)
    return re.findall(r'<a class="govuk-link" href="/needs/\d+">([^<]+)</a>', html)


@pytest.fixture
def needs(app):
    body = make_body()
    ecm = terms_by_code("ecm_outcome")
    kinds = terms_by_code("need_kind")
    return {
        "county": make_need(
            body,
            title="Derbyshire wide",
            localities=[locality("E10000007")],
            deadline_days=40,
            outcomes=[ecm["be-healthy"]],
            age_min=0,
            age_max=5,
        ),
        "district": make_need(
            body,
            title="High Peak only",
            localities=[locality("E07000037")],
            deadline_days=30,
            kind=kinds["spot-purchase"],
            summary="A mentoring package",
        ),
        "city": make_need(
            body, title="Derby city", localities=[locality("E06000015")], deadline_days=20, age_min=14, age_max=19
        ),
        "draft": make_need(body, title="Draft plan", status=NeedStatus.DRAFT),
        "closed": make_need(body, title="Closed one", status=NeedStatus.CLOSED),
    }


def test_only_open_needs_are_listed_latest_deadline_first(client, needs):
    assert _titles(client) == ["Derbyshire wide", "High Peak only", "Derby city"]


def test_a_county_filter_shows_needs_in_its_districts(client, needs):
    assert _titles(client, "?locality=E10000007") == ["Derbyshire wide", "High Peak only"]


def test_a_district_filter_shows_needs_for_its_county(client, needs):
    assert _titles(client, "?locality=E07000037") == ["Derbyshire wide", "High Peak only"]
    assert _titles(client, "?locality=E07000032") == ["Derbyshire wide"]  # Amber Valley, another district


def test_kind_outcome_age_and_text_filters(client, needs):
    assert _titles(client, "?kind=spot-purchase") == ["High Peak only"]
    assert _titles(client, "?outcome=be-healthy") == ["Derbyshire wide"]
    assert _titles(client, "?age=15") == ["High Peak only", "Derby city"]
    assert _titles(client, "?age=3") == ["Derbyshire wide"]
    assert _titles(client, "?text=MENTORING") == ["High Peak only"]
    assert _titles(client, "?text=mentoring&locality=E06000015") == []


def test_filters_combine_and_are_kept_in_the_form(client, needs):
    html = client.get("/needs?kind=spot-purchase&locality=E10000007").get_data(as_text=True)
    assert 'value="spot-purchase" selected' in html
    assert 'value="E10000007" selected' in html


@pytest.mark.parametrize(
    "query",
    [
        "?age=old",
        "?age=999",
        "?kind=nonsense",
        "?locality=<script>",
        "?page=-1",
        "?page=abc",
        "?outcome=%00",
        "?text=" + "x" * 5000,
        "?locality=E99999999&page=999999999999999",
    ],
)
def test_junk_filters_are_ignored_never_an_error(client, needs, query):
    response = client.get(f"/needs{query}")
    assert response.status_code == 200
    if "page" not in query and "text" not in query:
        assert len(_titles(client, query)) == 3


def test_the_board_pages_twenty_at_a_time_and_keeps_filters_in_page_links(client, app):
    body = make_body()
    kind = terms_by_code("need_kind")["grant"]
    for number in range(25):
        make_need(body, title=f"Grant {number:02d}", kind=kind, deadline_days=10 + number)
    assert len(_titles(client, "?kind=grant")) == 20
    assert _titles(client, "?kind=grant&page=2") == [f"Grant {number:02d}" for number in range(4, -1, -1)]
    html = client.get("/needs?kind=grant").get_data(as_text=True)
    assert "/needs?page=2&amp;kind=grant" in html
    assert "25 open needs" in text_of(client.get("/needs?kind=grant"))
