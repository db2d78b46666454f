"""Saved searches: only their owner sees or changes them; alerts email the owner about newly matching providers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.core.roles import Role
from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from marketplace.search.engines.engine import engine_for
from marketplace.search.index.sync import init_search_sync
from marketplace.search.models import SavedSearch
from marketplace.search.saved import send_alerts
from tests.client import error_summary, text_of
from tests.factories import make_commissioner, make_organisation, make_user

PUBLISHED = OrganisationStatus.PUBLISHED


@pytest.fixture
def synced(app):
    app.config["SEARCH_SYNC"] = True
    init_search_sync(app)
    engine = engine_for(app)
    engine.clear()  # the site's index exists (`flask search rebuild`); commits keep it up to date
    return engine


@pytest.fixture
def owner(client, synced):
    make_organisation("Riverside Museum", status=PUBLISHED, description="Object handling for schools")
    user = make_commissioner(email="owner@example.org")
    client.sign_in(user.email)
    return user


def saved_search(user, **fields) -> SavedSearch:
    saved = SavedSearch(user_id=user.id, name=fields.pop("name", "Museums"), query_string="q=museum", **fields)
    db.session.add(saved)
    db.session.commit()
    return saved


def test_a_signed_in_user_saves_the_current_search(client, owner):
    page = client.get("/search?q=museum&age=9")
    assert "Save this search" in text_of(page)

    response = client.submit(
        "/search/saved", {"name": "Museums for 9s", "query_string": "q=museum&age=9"}, page_url="/search?q=museum"
    )

    assert response.status_code == 302
    saved = db.session.scalar(select(SavedSearch))
    assert (saved.user_id, saved.name, saved.query_string) == (owner.id, "Museums for 9s", "q=museum&age=9")
    listing = client.get("/search/saved")
    assert "Museums for 9s" in text_of(listing)
    assert 'href="/search?q=museum&amp;age=9"' in listing.get_data(as_text=True)


def test_anonymous_visitors_are_not_offered_saving(client, synced):
    assert "Save this search" not in text_of(client.get("/search"))


def test_saving_without_a_name_shows_an_error_and_saves_nothing(client, owner):
    response = client.submit("/search/saved", {"name": " ", "query_string": "q=museum"}, page_url="/search")

    assert response.status_code == 200
    assert error_summary(response) == ["Enter a name for the search"]
    assert db.session.scalar(select(SavedSearch)) is None


def test_junk_in_a_saved_query_string_is_dropped(client, owner):
    client.submit(
        "/search/saved",
        {"name": "Junk", "query_string": "q=museum&age=abc&outcome=%3Cscript%3E&page=-1&evil=1"},
        page_url="/search",
    )

    assert db.session.scalar(select(SavedSearch)).query_string == "q=museum"


def test_the_owner_deletes_and_toggles_alerts(client, owner):
    saved = saved_search(owner)

    client.submit(f"/search/saved/{saved.id}/alerts", page_url="/search/saved")
    db.session.refresh(saved)
    assert saved.alerts_enabled is True
    assert "Turn alerts off" in text_of(client.get("/search/saved"))

    client.submit(f"/search/saved/{saved.id}/delete", page_url="/search/saved")
    assert db.session.get(SavedSearch, saved.id) is None


def test_another_users_saved_search_is_hidden_and_unchanged(client, owner):
    other = make_user(Role.ASSESSOR, email="other@example.org")
    theirs = saved_search(other, name="Their secret search")

    assert "Their secret search" not in text_of(client.get("/search/saved"))
    for action in ("alerts", "delete"):
        response = client.submit(f"/search/saved/{theirs.id}/{action}", page_url="/search/saved")
        assert response.status_code == 404
    db.session.refresh(theirs)
    assert (theirs.name, theirs.alerts_enabled) == ("Their secret search", False)


def test_alerts_record_a_baseline_then_email_only_new_matches(app, synced, outbox):
    make_organisation("Riverside Museum", status=PUBLISHED)
    user = make_commissioner(email="alerts@example.org")
    saved = saved_search(user, alerts_enabled=True)

    assert send_alerts() == (1, 0)
    assert outbox == []
    db.session.refresh(saved)
    assert len(saved.known_result_ids) == 1 and saved.last_alerted_at is not None

    make_organisation("Hilltop Museum of Toys", status=PUBLISHED)
    make_organisation("Hilltop Theatre", status=PUBLISHED)  # the factory's type is museum, but not the words
    result = app.test_cli_runner().invoke(args=["search", "send-alerts"], catch_exceptions=False)

    assert "queued 1 emails" in result.output
    assert len(outbox) == 1
    body = outbox[0].get_content()
    assert outbox[0]["To"] == "alerts@example.org"
    assert "Hilltop Museum of Toys" in body and "Riverside Museum" not in body and "Hilltop Theatre" not in body

    assert send_alerts() == (1, 0)
    assert len(outbox) == 1


def test_searches_without_alerts_are_not_run(app, synced, outbox):
    user = make_commissioner(email="quiet@example.org")
    saved_search(user)

    assert send_alerts() == (0, 0)
