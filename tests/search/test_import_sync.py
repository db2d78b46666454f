"""A bulk import into a site whose index is live leaves the index whole (issue 15's correctness bug).

The importer writes each record in its own savepoint and commits in batches. SQLAlchemy's ``after_commit`` fires
for every savepoint released, so the sync used to run once per record — reading, in a session of its own, rows
not yet committed — and left most documents missing or stale. Both engines, and both databases
(``scripts/with_postgres.sh .venv/bin/pytest tests/search/test_import_sync.py``).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.directory.importer import files, import_directory
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.search.engines.engine import SearchQuery, engine_for
from marketplace.search.index.documents import organisation_doc_id
from marketplace.search.index.maintenance import check
from marketplace.search.index.models import IndexChange
from marketplace.search.index.sync import init_search_sync
from scripts.generate_directory import generate

COUNT = 300


@pytest.fixture(params=["whoosh", "tantivy"])
def live_index(app, request):
    app.config["SEARCH_ENGINE"] = request.param
    app.config["SEARCH_SYNC"] = True
    init_search_sync(app)
    engine = engine_for(app)
    engine.clear()  # the site's index exists (`flask search rebuild` on an empty directory)
    return engine


def test_importing_hundreds_of_organisations_into_a_live_index_leaves_it_complete(app, live_index):
    data = generate(COUNT, seed=15)
    data["organisations"][7]["postcode"] = "not a postcode"  # one rejected record must not upset the rest

    report = import_directory(data)

    assert report.organisations.created == COUNT - 1
    assert len(report.rejected) >= 1
    result = check(app)
    assert (result.missing, result.stale, result.extra) == ([], [], [])
    assert result.indexed == result.expected > COUNT // 2  # most are published, and consortia are indexed too
    assert result.queued == []


def test_reimporting_changed_records_into_a_live_index_leaves_no_stale_document(app, live_index):
    data = generate(120, seed=16)
    import_directory(data)
    for record in data["organisations"][::3]:
        record["description"] = f"Now also running puppetry clubs. {record['description']}"
        record["status"] = "draft" if record["status"] == "published" else "published"

    report = import_directory(data)

    assert report.organisations.updated == 40
    result = check(app)
    assert (result.missing, result.stale, result.extra) == ([], [], [])


def test_with_no_index_yet_an_import_queues_the_documents_for_the_rebuild(app):
    app.config["SEARCH_SYNC"] = True
    init_search_sync(app)
    engine = engine_for(app)
    assert not engine.has_index()

    import_directory(generate(60, seed=17))

    queued = check(app).queued
    published = [r for r in generate(60, seed=17)["organisations"] if r["status"] == "published"]
    assert len({doc_id for doc_id in queued if doc_id.startswith("org-")}) >= len(published)
    assert not engine.has_index()  # queued only: no document was built or written


def test_importing_several_batches_in_bulk_into_a_live_index_leaves_it_complete(app, live_index, monkeypatch):
    monkeypatch.setattr(files, "BATCH_SIZE", 100)  # three batches, each with its one index update
    data = generate(260, seed=18)
    data["organisations"][103]["postcode"] = "nowhere"  # refused in the second batch

    report = import_directory(data)

    assert report.organisations.created == 259
    result = check(app)
    assert (result.missing, result.stale, result.extra, result.queued) == ([], [], [], [])
    assert result.indexed == result.expected > 130


def test_an_unchanged_reimport_queues_nothing_and_a_changed_record_is_reindexed(app, live_index):
    data = generate(40, seed=19)
    import_directory(data)
    changes = db.session.scalar(select(func.count()).select_from(IndexChange))

    assert import_directory(data).organisations.unchanged == 40
    assert db.session.scalar(select(func.count()).select_from(IndexChange)) == changes

    record = next(r for r in data["organisations"] if r["status"] == "published")
    record["description"] = f"Now also running zeppelin workshops. {record['description']}"
    report = import_directory(data)

    assert (report.organisations.updated, report.organisations.unchanged) == (1, 39)
    result = check(app)
    assert (result.missing, result.stale, result.extra, result.queued) == ([], [], [], [])
    organisation_id = db.session.scalar(select(Organisation.id).where(Organisation.ref == record["ref"]))
    assert live_index.search(SearchQuery(text="zeppelin")).ids == [organisation_doc_id(organisation_id)]
