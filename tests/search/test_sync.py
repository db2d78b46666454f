"""The index follows the database after each commit, and a failed index write stays in the change feed, never lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.core.clock import utcnow
from marketplace.directory.models import (
    Accreditation,
    Consortium,
    ConsortiumMembership,
    MembershipStatus,
    Offer,
    OrganisationStatus,
    OutcomeContribution,
    SafeguardingRecord,
)
from marketplace.extensions import db
from marketplace.reference.models import Locality
from marketplace.reference.services import terms_by_code
from marketplace.search.engines.engine import SearchQuery, engine_for
from marketplace.search.index.documents import organisation_document
from marketplace.search.index.maintenance import check, rebuild
from marketplace.search.index.sync import init_search_sync, process_queue
from tests.factories import make_organisation


@pytest.fixture(params=["whoosh", "tantivy"])
def synced(app, request):
    app.config["SEARCH_ENGINE"] = request.param
    app.config["SEARCH_SYNC"] = True
    init_search_sync(app)
    engine = engine_for(app)
    engine.clear()  # the site's index exists (`flask search rebuild`); commits keep it up to date
    return engine


def search_ids(engine, text: str = "", **kwargs) -> list[str]:
    return engine.search(SearchQuery(text=text, **kwargs)).ids


def test_committing_a_published_organisation_makes_it_searchable(synced):
    organisation = make_organisation("Riverside Museum", status=OrganisationStatus.PUBLISHED)

    assert search_ids(synced, "museums") == [f"org-{organisation.id}"]


def test_drafts_are_not_indexed_and_write_nothing(synced, app):
    generation = (synced.live_directory() / "GENERATION").read_text()
    make_organisation("Draft Museum")

    assert search_ids(synced, "museum") == []
    assert (synced.live_directory() / "GENERATION").read_text() == generation  # no commit to the index


def test_changes_to_child_rows_reach_the_index(synced):
    organisation = make_organisation("Hall", status=OrganisationStatus.PUBLISHED)
    outcome = terms_by_code("ecm_outcome")["enjoy-and-achieve"]
    db.session.add(Offer(organisation=organisation, title="Puppetry workshops", price_pence=1500))
    db.session.add(OutcomeContribution(organisation=organisation, outcome=outcome, statement="Creative confidence"))
    db.session.add(SafeguardingRecord(organisation=organisation, verified_at=utcnow()))
    db.session.commit()

    results = synced.search(SearchQuery(text="puppetry", facets=("outcome", "safeguarding_verified")))
    assert results.ids == [f"org-{organisation.id}"]
    assert results.facets["outcome"] == {"enjoy-and-achieve": 1}
    assert results.facets["safeguarding_verified"] == {"true": 1}


def test_unpublishing_and_deleting_remove_from_the_index(synced):
    kept = make_organisation("Kept Gallery", status=OrganisationStatus.PUBLISHED)
    hidden = make_organisation("Hidden Gallery", status=OrganisationStatus.PUBLISHED)
    gone = make_organisation("Gone Gallery", status=OrganisationStatus.PUBLISHED)

    hidden.status = OrganisationStatus.SUSPENDED
    db.session.delete(gone)
    db.session.commit()

    assert search_ids(synced, "gallery") == [f"org-{kept.id}"]


def test_a_rollback_writes_nothing(synced):
    make_organisation("Before", status=OrganisationStatus.PUBLISHED)
    organisation = make_organisation("Unsaved Theatre")
    organisation.status = OrganisationStatus.PUBLISHED
    db.session.flush()
    db.session.rollback()

    assert search_ids(synced, "theatre") == []


def test_a_failed_index_write_keeps_the_commit_and_the_change_stays_in_the_feed(synced, app, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(type(synced), "update", broken)
    organisation = make_organisation("Queued Archive", status=OrganisationStatus.PUBLISHED)

    doc_id = f"org-{organisation.id}"
    assert db.session.get(type(organisation), organisation.id) is not None
    assert check(app).queued == [doc_id]

    monkeypatch.undo()
    assert process_queue(app) == 1
    assert search_ids(synced, "archive") == [doc_id]
    assert check(app).queued == []


def test_a_change_missed_earlier_is_applied_by_the_next_commit(synced, app, monkeypatch):
    monkeypatch.setattr(type(synced), "update", lambda *args, **kwargs: (_ for _ in ()).throw(OSError("disk full")))
    make_organisation("Library One", status=OrganisationStatus.PUBLISHED)
    monkeypatch.undo()

    make_organisation("Library Two", status=OrganisationStatus.PUBLISHED)

    assert len(search_ids(synced, "library")) == 2
    assert check(app).queued == []


def test_sync_switched_off_does_nothing(app):
    app.config["SEARCH_SYNC"] = False
    init_search_sync(app)
    make_organisation("Silent Museum", status=OrganisationStatus.PUBLISHED)

    assert search_ids(engine_for(app), "museum") == []


def test_document_serves_county_districts_and_unexpired_accreditations(app):
    county = db.session.scalars(select(Locality).where(Locality.districts.any())).first()
    organisation = make_organisation("County Museum", status=OrganisationStatus.PUBLISHED, age_min=8)
    organisation.localities.append(county)
    schemes = terms_by_code("accreditation_scheme")
    db.session.add(Accreditation(organisation=organisation, scheme=schemes["museum-accreditation"]))
    db.session.add(
        Accreditation(
            organisation=organisation,
            scheme=schemes["investors-in-people"],
            expires_on=utcnow().date().replace(year=2000),
        )
    )
    db.session.add(Offer(organisation=organisation, title="Tours", age_min=5, age_max=16, price_pence=300))
    db.session.commit()

    document = organisation_document(organisation)

    assert county.ons_code in document["locality"]
    assert {d.ons_code for d in county.districts} <= set(document["locality"])
    assert document["accreditation"] == ["museum-accreditation"]
    assert (document["age_min"], document["age_max"], document["min_price_pence"]) == (5, 16, 300)
    assert document["organisation_type"] == ["museum"] and document["kitemarked"] is False


def test_consortium_membership_sets_in_consortium_and_indexes_the_consortium(synced):
    lead = make_organisation("Lead Museum", status=OrganisationStatus.PUBLISHED)
    member = make_organisation("Member Library", status=OrganisationStatus.PUBLISHED)
    consortium = Consortium(name="Culture Partnership", lead_organisation=lead)
    db.session.add(consortium)
    db.session.add(ConsortiumMembership(consortium=consortium, organisation=member, status=MembershipStatus.ACCEPTED))
    db.session.commit()

    results = synced.search(SearchQuery(filters={"in_consortium": [True]}, facets=("kind",)))
    assert set(results.ids) == {f"org-{lead.id}", f"org-{member.id}", f"consortium-{consortium.id}"}
    assert results.facets["kind"] == {"organisation": 2, "consortium": 1}


def test_a_writer_busy_in_another_process_leaves_the_change_in_the_feed_not_lost(synced, app):
    import fcntl
    import os

    root = app.config["SEARCH_INDEX_DIR"]
    os.makedirs(root, exist_ok=True)
    app.config["SEARCH_LOCK_TIMEOUT"] = 0.05
    held = os.open(os.path.join(root, "write.lock"), os.O_RDWR | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX)  # another open file description: just like another worker
    try:
        organisation = make_organisation("Busy Museum", status=OrganisationStatus.PUBLISHED)
        assert search_ids(synced, "museum") == []  # readers are never blocked by the writer lock
    finally:
        fcntl.flock(held, fcntl.LOCK_UN)
        os.close(held)

    assert check(app).queued == [f"org-{organisation.id}"]
    assert process_queue(app) == 1
    assert search_ids(synced, "museum") == [f"org-{organisation.id}"]


@pytest.mark.parametrize("kind", ["whoosh", "tantivy"])
def test_an_edit_without_an_index_is_queued_and_only_rebuild_creates_the_index(app, kind):
    app.config.update(SEARCH_ENGINE=kind, SEARCH_SYNC=True)
    init_search_sync(app)
    engine = engine_for(app)
    earlier = make_organisation("Earlier Museum", status=OrganisationStatus.PUBLISHED)

    edited = make_organisation("Edited Museum", status=OrganisationStatus.PUBLISHED)

    assert engine.live_directory() is None  # no index holding just the latest edits
    assert {f"org-{earlier.id}", f"org-{edited.id}"} <= set(check(app).queued)
    assert search_ids(engine, "museum") == []

    rebuild(app)

    assert set(search_ids(engine, "museum")) == {f"org-{earlier.id}", f"org-{edited.id}"}
    assert check(app).queued == []
