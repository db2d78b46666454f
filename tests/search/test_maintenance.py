"""Rebuild swaps in a complete new index; check compares the index with the database."""

from __future__ import annotations

import pytest

from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from marketplace.search.cli import search_cli
from marketplace.search.engines.engine import SearchQuery, engine_for
from marketplace.search.index import maintenance
from marketplace.search.index.documents import organisation_document
from tests.factories import make_organisation


@pytest.fixture(params=["whoosh", "tantivy"])
def engine(app, request):
    app.config["SEARCH_ENGINE"] = request.param
    engine = engine_for(app)
    engine.clear()  # only a rebuild creates an index; writes need one
    return engine


def published(count: int) -> list:
    return [make_organisation(f"Gallery {n}", status=OrganisationStatus.PUBLISHED) for n in range(count)]


def test_rebuild_swaps_in_a_complete_index_and_check_is_clean(app, engine):
    organisations = published(3)
    make_organisation("Draft Gallery")
    engine.index([{"id": "org-9999", "name": "Ghost", "kind": "organisation", "version": "x"}])
    old_directory = engine.live_directory()

    report = maintenance.rebuild(app)

    assert report.documents == 3
    assert engine.live_directory() != old_directory and not old_directory.exists()
    assert set(engine.search(SearchQuery(text="gallery")).ids) == {f"org-{o.id}" for o in organisations}
    assert maintenance.check(app).is_clean


def test_check_reports_missing_stale_and_extra(app, engine):
    first, second, third = published(3)
    maintenance.rebuild(app)
    engine.delete([f"org-{first.id}"])
    stale = organisation_document(second)
    engine.index([{**stale, "name": "Tampered", "version": "old"}])
    engine.index([{"id": "org-424242", "name": "Ghost", "kind": "organisation", "version": "x"}])

    report = maintenance.check(app)

    assert report.missing == [f"org-{first.id}"]
    assert report.stale == [f"org-{second.id}"]
    assert report.extra == ["org-424242"]
    assert not report.is_clean


def test_check_sees_a_database_change_the_index_missed(app, engine):
    [organisation] = published(1)
    maintenance.rebuild(app)
    organisation.description = "Now with a cafe"
    db.session.commit()  # sync is not wired in this test: the index is now stale

    assert maintenance.check(app).stale == [f"org-{organisation.id}"]


def test_cli_rebuild_check_and_process_queue(app, engine):
    published(2)
    runner = app.test_cli_runner()

    failing = runner.invoke(search_cli, ["check"])
    rebuilt = runner.invoke(search_cli, ["rebuild"])
    clean = runner.invoke(search_cli, ["check"])
    queue = runner.invoke(search_cli, ["process-queue"])

    assert failing.exit_code == 1 and "Missing: 2" in failing.output
    assert rebuilt.exit_code == 0 and "2 documents" in rebuilt.output and "docs/s" in rebuilt.output
    assert clean.exit_code == 0 and "matches the database" in clean.output
    assert queue.exit_code == 0 and "Applied 0 changes" in queue.output
