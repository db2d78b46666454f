"""Freshness: "last confirmed accurate on", the 6-month question, 12 months out of search and matching, the sweep."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.core.clock import today
from marketplace.directory import freshness, services
from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from marketplace.notifications.models import OutboxEmail
from marketplace.search.engines.engine import SearchQuery
from marketplace.search.index.documents import all_documents, documents_for_ids
from marketplace.search.index.maintenance import engine_for
from marketplace.search.index.sync import init_search_sync
from tests import factories
from tests.client import text_of


def _confirmed(organisation, days_ago: int) -> None:
    day = today() - timedelta(days=days_ago)
    organisation.confirmed_at = datetime(day.year, day.month, day.day, 9, 0)
    db.session.commit()


def _emails(subject: str) -> list[str]:
    return list(db.session.scalars(select(OutboxEmail.to_address).where(OutboxEmail.subject == subject)))


def _indexed_ids(organisation) -> set[str]:
    """What the index should hold for the organisation (the same rule as a full rebuild)."""
    documents, _ = documents_for_ids(db.session, [f"org-{organisation.id}"])
    return {document["id"] for document in documents}


def test_six_months_asks_once_nine_reminds_twelve_leaves_search(app):
    organisation = factories.make_organisation("Old Arts", status=OrganisationStatus.PUBLISHED)
    manager = factories.make_provider(organisation)
    _confirmed(organisation, 190)

    first, again = freshness.sweep_stale(today()), freshness.sweep_stale(today())
    assert first.asked == ["Old Arts"] and again.asked == []
    assert _emails("Is your listing still accurate?") == [manager.email]

    _confirmed(organisation, 280)
    assert freshness.sweep_stale(today()).asked == ["Old Arts"]  # the 9-month reminder

    assert f"org-{organisation.id}" in _indexed_ids(organisation)
    _confirmed(organisation, 370)
    report = freshness.sweep_stale(today())

    assert report.stale == ["Old Arts"] and organisation.is_stale
    assert f"org-{organisation.id}" not in _indexed_ids(organisation)
    assert _emails("Your listing is out of date") == [manager.email]
    action = db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()))
    assert action == "organisation.marked_stale"
    assert f"org-{organisation.id}" not in {document["id"] for document in all_documents(db.session)}  # rebuilds too


def test_a_stale_listing_stays_reachable_marked_out_of_date_until_confirmed(client):
    organisation = factories.make_organisation("Old Arts", status=OrganisationStatus.PUBLISHED)
    manager = factories.make_provider(organisation)
    _confirmed(organisation, 400)
    freshness.sweep_stale(today())

    profile = text_of(client.get(f"/organisations/{organisation.id}"))
    assert "Out of date" in profile and "Last confirmed accurate on" in profile

    client.sign_in(manager.email)
    response = client.submit("/provider/confirm-accurate", {}, page_url="/provider")

    assert response.status_code == 302
    assert not organisation.is_stale and organisation.confirmed_at.date() == today()
    assert f"org-{organisation.id}" in _indexed_ids(organisation)
    assert "Out of date" not in text_of(client.get(f"/organisations/{organisation.id}"))


def test_a_member_who_is_not_the_account_manager_cannot_confirm(client):
    organisation = factories.make_organisation("Old Arts", status=OrganisationStatus.PUBLISHED)
    member = factories.make_provider(organisation, is_org_admin=False)
    _confirmed(organisation, 100)
    client.sign_in(member.email)

    response = client.submit("/provider/confirm-accurate", {}, page_url="/provider")

    assert response.status_code == 403
    assert organisation.confirmed_at.date() == today() - timedelta(days=100)


def test_flask_directory_sweep_stale_reports_what_it_did(app):
    organisation = factories.make_organisation("Old Arts", status=OrganisationStatus.PUBLISHED)
    factories.make_provider(organisation)
    _confirmed(organisation, 400)

    result = app.test_cli_runner().invoke(args=["directory", "sweep-stale"])

    assert "1 listing(s) marked out of date" in result.output and "out of date: Old Arts" in result.output


def test_months_are_added_as_calendar_months():
    from datetime import date

    assert freshness.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert freshness.add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)


def test_editing_the_profile_counts_as_confirming_it(client):
    organisation = factories.make_organisation("Old Arts", status=OrganisationStatus.PUBLISHED)
    manager = factories.make_provider(organisation)
    _confirmed(organisation, 400)
    freshness.sweep_stale(today())
    assert organisation.is_stale

    values = {"age_min": 5, "age_max": 11, "target_group_ids": []}
    services.save_profile_step(organisation, "ages-and-groups", values, actor=manager)

    assert not organisation.is_stale and organisation.confirmed_at.date() == today()
    assert f"org-{organisation.id}" in _indexed_ids(organisation)


def test_the_search_index_follows_staleness_and_confirmation(app):
    organisation = factories.make_organisation("Old Arts", status=OrganisationStatus.PUBLISHED)
    manager = factories.make_provider(organisation)
    app.config["SEARCH_SYNC"] = True
    init_search_sync(app)
    engine = engine_for(app)
    engine.clear()  # only a rebuild creates an index; updates then follow each commit
    _confirmed(organisation, 400)
    doc_id = f"org-{organisation.id}"
    assert doc_id in engine.search(SearchQuery()).ids

    freshness.sweep_stale(today())
    assert doc_id not in engine.search(SearchQuery()).ids
    freshness.confirm_accurate(organisation, user=manager)
    assert doc_id in engine.search(SearchQuery()).ids
