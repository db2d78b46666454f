"""The change feed: written in the changing transaction, applied in order from each index's own position, gaps
waited for (PostgreSQL commits out of id order), pruned once every host has passed, and an index that missed
pruned changes rebuilt rather than left silently stale."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from marketplace.core.clock import utcnow
from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from marketplace.search.engines.engine import SearchQuery, engine_for
from marketplace.search.index import outbox, position
from marketplace.search.index.maintenance import check, rebuild
from marketplace.search.index.models import IndexChange, IndexFollower
from marketplace.search.index.sync import catch_up, init_search_sync
from tests.factories import make_organisation


@pytest.fixture(params=["whoosh", "tantivy"])
def synced(app, request):
    app.config.update(SEARCH_ENGINE=request.param, SEARCH_SYNC=True, SEARCH_FOLLOWER_NAME="host-a")
    init_search_sync(app)
    engine = engine_for(app)
    rebuild(app)
    return engine


def unsaved(name: str) -> Organisation:
    """A published organisation added and flushed (it has an id) but not committed."""
    organisation = Organisation(
        name=name, status=OrganisationStatus.PUBLISHED, organisation_type=terms_by_code("organisation_type")["museum"]
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def feed() -> list[tuple[str, int]]:
    return [(row.kind, row.object_id) for row in db.session.scalars(select(IndexChange).order_by(IndexChange.id))]


def found(engine, text: str) -> list[str]:
    return engine.search(SearchQuery(text=text)).ids


def test_a_commit_writes_its_changed_documents_to_the_feed_and_a_rollback_writes_nothing(synced):
    kept = make_organisation("Kept Museum", status=OrganisationStatus.PUBLISHED)
    unsaved("Forgotten Museum")
    db.session.rollback()

    assert feed() == [("organisation", kept.id)]


def test_a_savepoint_rolled_back_takes_its_changes_out_of_the_feed(synced):
    kept = unsaved("Kept Hall")
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            unsaved("Refused Hall")
            raise RuntimeError("refused record")
    db.session.commit()

    assert feed() == [("organisation", kept.id)]


def test_the_index_position_beside_the_index_follows_the_feed(synced, app):
    make_organisation("First Gallery", status=OrganisationStatus.PUBLISHED)
    make_organisation("Second Gallery", status=OrganisationStatus.PUBLISHED)

    latest = db.session.scalar(select(func.max(IndexChange.id)))
    assert position.read(synced.live_directory()).last == latest  # applied by the commits themselves
    catch_up(app)  # the follower (or the scheduler) reports the position to the database
    assert db.session.get(IndexFollower, "host-a").last_applied_id == latest
    report = check(app)
    assert (report.applied_through, report.latest_change, report.queued) == (latest, latest, [])


def test_a_change_committed_out_of_id_order_is_still_applied(synced, app):
    """On PostgreSQL change 11 can commit after change 12: the follower waits on the gap instead of skipping it."""
    early = unsaved("Early Archive")
    late = unsaved("Late Archive")
    app.config["SEARCH_SYNC"] = False  # write the feed by hand, as two racing transactions would
    db.session.commit()
    app.config["SEARCH_SYNC"] = True
    start = position.read(synced.live_directory()).last
    now = utcnow()
    db.session.execute(
        insert(IndexChange), [{"id": start + 2, "kind": "organisation", "object_id": late.id, "created_at": now}]
    )
    db.session.commit()

    catch_up(app)
    assert found(synced, "archive") == [f"org-{late.id}"]
    assert position.read(synced.live_directory()).gaps[0][:2] == [start + 1, start + 1]

    db.session.execute(
        insert(IndexChange), [{"id": start + 1, "kind": "organisation", "object_id": early.id, "created_at": now}]
    )
    db.session.commit()
    catch_up(app)

    assert sorted(found(synced, "archive")) == sorted([f"org-{early.id}", f"org-{late.id}"])
    assert position.read(synced.live_directory()).gaps == []


def test_a_gap_never_filled_is_forgotten_after_its_wait():
    start = position.Position(last=10)
    waiting = start.advanced({12}, now=1000.0)

    assert (waiting.last, waiting.gaps) == (12, [[11, 11, 1000.0]])
    assert waiting.advanced(set(), now=1000.0 + position.GAP_WAIT_SECONDS + 1).gaps == []


def test_pruning_keeps_what_a_known_host_has_not_applied(synced, app):
    organisations = [make_organisation(f"Pruned {n}", status=OrganisationStatus.PUBLISHED) for n in range(3)]
    db.session.execute(IndexChange.__table__.update().values(created_at=utcnow() - timedelta(hours=2)))
    latest = db.session.scalar(select(func.max(IndexChange.id)))
    db.session.add(IndexFollower(name="host-b", last_applied_id=latest - 1))
    db.session.commit()
    catch_up(app)  # host A reports that it has applied everything

    removed = outbox.prune(db.session)

    assert removed == len(organisations) - 1
    assert feed() == [("organisation", organisations[-1].id)]
    assert outbox.pruned_through(db.session) == latest - 1


def test_changes_older_than_the_limit_are_pruned_even_for_a_host_that_is_behind(synced):
    make_organisation("Old Change", status=OrganisationStatus.PUBLISHED)
    db.session.execute(IndexChange.__table__.update().values(created_at=utcnow() - timedelta(days=8)))
    db.session.add(IndexFollower(name="host-b", last_applied_id=0))
    db.session.commit()

    assert outbox.prune(db.session, keep_days=7) == 1
    assert feed() == []


def test_an_index_that_missed_pruned_changes_is_rebuilt_not_left_stale(synced, app):
    behind = position.read(synced.live_directory())
    app.config["SEARCH_SYNC"] = False
    organisation = make_organisation("Missed Theatre", status=OrganisationStatus.PUBLISHED)
    app.config["SEARCH_SYNC"] = True
    latest = behind.last + 50
    outbox.report_position(db.session, "(pruned)", latest)  # changes up to here were pruned while it was away

    report = catch_up(app)

    assert report is not None and report.rebuilt
    assert found(synced, "theatre") == [f"org-{organisation.id}"]
    assert position.read(synced.live_directory()).last >= latest


def test_search_check_names_the_host_s_index_and_how_far_it_has_followed(synced, app):
    make_organisation("Checked Museum", status=OrganisationStatus.PUBLISHED)
    latest = db.session.scalar(select(func.max(IndexChange.id)))

    result = app.test_cli_runner().invoke(args=["search", "check"])

    assert result.exit_code == 0, result.output
    assert "Index host-a" in result.output
    assert f"Change feed: applied through change {latest} of {latest}" in result.output
