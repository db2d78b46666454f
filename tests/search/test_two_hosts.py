"""Two app hosts on one database, each with its own index folder and its own follower: an edit on host A is found
by search on host B within a second, and host B stopped during 100 edits catches up on restart with nothing lost.

Runs on SQLite and, under ``make test-postgres``, on PostgreSQL (the suite's database either way).
"""

from __future__ import annotations

import time

import pytest

from marketplace import create_app
from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from marketplace.search.engines.engine import SearchQuery, engine_for
from marketplace.search.index.follower import Follower
from marketplace.search.index.maintenance import check, rebuild
from marketplace.search.index.sync import init_search_sync
from tests.factories import make_organisation

VISIBLE_WITHIN = 1.0


@pytest.fixture(params=["whoosh", "tantivy"])
def host_a(app, request):
    app.config.update(SEARCH_ENGINE=request.param, SEARCH_SYNC=True, SEARCH_FOLLOWER_NAME="host-a")
    init_search_sync(app)
    rebuild(app)
    return app


@pytest.fixture
def host_b(host_a, database_url, tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        SEARCH_INDEX_DIR=str(tmp_path / "host-b-index"),
        SEARCH_ENGINE=host_a.config["SEARCH_ENGINE"],
        SEARCH_SYNC=True,
        SEARCH_FOLLOWER_NAME="host-b",
    )
    with app.app_context():  # pushed only while needed: the test itself runs in host A's context
        rebuild(app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def follower_b(host_b):
    follower = Follower(host_b).start()
    yield follower
    follower.stop()


def found_on(host, text: str) -> list[str]:
    return engine_for(host).search(SearchQuery(text=text, page_size=200)).ids


def wait_until_found(host, text: str, doc_id: str, *, limit: float = 10.0) -> float:
    started = time.monotonic()
    while doc_id not in found_on(host, text):
        assert time.monotonic() - started < limit, f"{doc_id} never reached the other host"
        time.sleep(0.02)
    return time.monotonic() - started


def test_an_edit_on_host_a_is_found_by_search_on_host_b_within_a_second(host_a, host_b, follower_b):
    organisation = make_organisation("Harbour Gallery", status=OrganisationStatus.PUBLISHED)
    assert found_on(host_a, "harbour") == [f"org-{organisation.id}"]  # the editing host at once
    organisation.description = "Now running lantern-making workshops"
    db.session.commit()
    doc_id = f"org-{organisation.id}"

    seconds = wait_until_found(host_b, "lantern", doc_id)
    print(f"edit on host A found on host B after {seconds * 1000:.0f} ms")  # shown with pytest -s

    assert seconds < VISIBLE_WITHIN, f"found on host B after {seconds:.2f} s"


def test_host_b_stopped_during_100_edits_catches_up_on_restart_with_nothing_lost(host_a, host_b):
    organisations = [make_organisation(f"Venue {n}", status=OrganisationStatus.PUBLISHED) for n in range(20)]
    for round_number in range(5):  # 100 edits, host B down throughout
        for organisation in organisations:
            organisation.description = f"Programme round{round_number} for {organisation.name}"
            db.session.commit()
    assert found_on(host_b, "round4") == []

    follower = Follower(host_b).start()  # host B starts again
    try:
        seconds = wait_until_found(host_b, "round4", f"org-{organisations[-1].id}", limit=30)
        print(f"host B caught up on 100 edits in {seconds * 1000:.0f} ms")
    finally:
        follower.stop()

    assert len(found_on(host_b, "round4")) == len(organisations)
    assert found_on(host_b, "round3") == []
    with host_b.app_context():
        report = check(host_b)
    assert report.is_clean and report.queued == [] and report.applied_through == report.latest_change


def test_only_one_process_per_host_follows(host_b, follower_b):
    second = Follower(host_b).start()  # another gunicorn worker of the same host
    try:
        deadline = time.monotonic() + 10
        while follower_b._fd is None and second._fd is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)
        holders = [follower for follower in (follower_b, second) if follower._fd is not None]
        assert len(holders) == 1
    finally:
        second.stop()


def test_a_follower_that_keeps_failing_waits_longer_between_rounds(host_b, monkeypatch):
    from marketplace.search.index import follower as module

    monkeypatch.setattr(module, "is_behind", lambda app: True)
    monkeypatch.setattr(module, "catch_up", lambda app, **kwargs: None)  # e.g. a corrupted index
    follower = Follower(host_b, interval=0.01)
    waits = []
    monkeypatch.setattr(follower.stopped, "wait", lambda seconds: waits.append(seconds) or len(waits) >= 12)
    monkeypatch.setattr(follower.stopped, "is_set", lambda: len(waits) >= 12)

    follower.run()

    assert waits[0] == 0.02 and waits[-1] == module.MAX_WAIT_SECONDS  # not four log lines a second for ever
