"""A worker keeps a need's ranked matches until anything the ranking reads changes (issue 15's last step)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.core.clock import shifted
from marketplace.extensions import db
from marketplace.matching import ranking
from marketplace.matching.ranking import match_need
from tests.factories import make_body, make_need
from tests.search.web.test_matching import load, org_record


@pytest.fixture
def rankings(app, monkeypatch):
    """Counts the rankings actually worked out (not answered from the cache)."""
    app.config["SEARCH_SYNC"] = True  # the change feed is recorded, as in production
    worked: list[int] = []
    original = ranking._two_passes

    def counted(need, top):
        worked.append(need.id)
        return original(need, top)

    monkeypatch.setattr(ranking, "_two_passes", counted)
    return worked


def names(results) -> list[str]:
    return [result.name for result in results]


def test_the_same_need_is_ranked_once_and_each_caller_gets_its_own_copy(app, rankings):
    load(app, org_record("one", "One Arts"), org_record("two", "Two Arts"))
    need = make_need(make_body("Derby Children's Services"))
    first = match_need(need)
    first[0].reasons.append("changed by the caller")
    second = match_need(need)
    assert len(rankings) == 1
    assert sorted(names(second)) == ["One Arts", "Two Arts"]
    assert "changed by the caller" not in second[0].reasons


def test_a_change_to_a_provider_is_shown_at_once(app, rankings):
    organisations = load(app, org_record("one", "One Arts"), org_record("two", "Two Arts"))
    need = make_need(make_body("Derby Children's Services"))
    match_need(need)
    organisations["one"].name = "Renamed Arts"
    db.session.commit()  # the change feed records it in the same transaction
    assert sorted(names(match_need(need))) == ["Renamed Arts", "Two Arts"]
    assert len(rankings) == 2


def test_a_change_to_the_need_is_ranked_afresh(app, rankings):
    load(app, org_record("young", "Young Arts", age_min=5, age_max=11), org_record("older", "Older Arts", age_min=14))
    need = make_need(make_body("Derby Children's Services"), age_min=5, age_max=10)
    assert names(match_need(need)) == ["Young Arts"]
    need.age_min, need.age_max = 15, 17
    db.session.commit()
    assert names(match_need(need)) == ["Older Arts"]
    assert len(rankings) == 2


def test_the_next_day_is_ranked_afresh(app, rankings):
    load(app, org_record("one", "One Arts"))
    need = make_need(make_body("Derby Children's Services"))
    match_need(need)
    with shifted(timedelta(days=1)):  # kitemarks and accreditations lapse by date
        match_need(need)
    assert len(rankings) == 2


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("SEARCH_SYNC", False),  # nothing records changes: nothing to key a cache on
        ("MATCH_CACHE_SIZE", 0),  # switched off
    ],
)
def test_without_the_change_feed_or_with_a_cache_size_of_0_every_request_is_ranked(app, rankings, setting, value):
    app.config[setting] = value
    load(app, org_record("one", "One Arts"))
    need = make_need(make_body("Derby Children's Services"))
    match_need(need)
    match_need(need)
    assert len(rankings) == 2


def test_the_cache_keeps_the_most_recently_used_needs(app, rankings):
    app.config["MATCH_CACHE_SIZE"] = 2
    load(app, org_record("one", "One Arts"))
    body = make_body("Derby Children's Services")
    first, second, third = (make_need(body) for _ in range(3))
    for need in (first, second, first, third, first, second):  # the third pushes out the second, not the first
        match_need(need)
    assert rankings == [first.id, second.id, third.id, second.id]
