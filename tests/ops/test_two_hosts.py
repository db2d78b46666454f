"""Two real app hosts: two gunicorns on one database and one Redis, each with its own search index folder.

An edit saved through host A is found by a search on host B within a second; host B stopped during 100 edits
catches up when it starts again, with nothing lost (``flask search check`` of its index is clean). The in-process
version, which also runs on PostgreSQL, is ``tests/search/test_two_hosts.py``.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from scripts.load_test import GunicornServer, form_of, prepare_site, with_values
from tests.ops.live import signed_in
from tests.redis_server import redis_server

# These tests build and serve their own SQLite site; the PostgreSQL run of the suite would only repeat them.

EDITS = 100
_readers: dict = {}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return prepare_site(tmp_path_factory.mktemp("hosts"), organisations=30, providers=4, commissioners=1)


@pytest.fixture(scope="module")
def shared_redis(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def index_of(site, name: str) -> str:
    """The host's own index folder, built from the database as a new host would (`flask search rebuild`)."""
    from marketplace.search.index.maintenance import rebuild

    folder = str(Path(site.folder) / f"index-{name}")
    if not Path(folder).exists():
        app = site.app(SEARCH_INDEX_DIR=folder)
        with app.app_context():
            rebuild(app)
    return folder


def host(site, name: str, redis_url: str) -> GunicornServer:
    return GunicornServer(
        site,
        workers=2,
        log_name=f"server-{name}.log",
        SEARCH_INDEX_DIR=index_of(site, name),
        SEARCH_FOLLOWER_NAME=name,
        REDIS_URL=redis_url,
    )


def found(server: GunicornServer, words: str, organisation_id: int) -> bool:
    """Whether a search for ``words`` on ``server`` lists the organisation (the page always repeats the words)."""
    page = requests.get(f"{server.url}/search", params={"q": words}, headers={"Connection": "close"}, timeout=30)
    assert page.status_code == 200
    return f'href="/organisations/{organisation_id}"' in page.text


def in_index(site, name: str, words: str, organisation_id: int) -> bool:
    """Whether the host's index folder holds the organisation for ``words`` (asked directly: the host is down)."""
    from marketplace.search.engines.engine import SearchQuery, engine_for

    key = (id(site), name)
    if key not in _readers:  # one reader per index: it reopens the index when the host commits to it
        _readers[key] = engine_for(site.app(SEARCH_INDEX_DIR=index_of(site, name)))
    return f"org-{organisation_id}" in _readers[key].search(SearchQuery(text=words)).ids


def editor(server: GunicornServer, email: str):
    """A signed-in provider on ``server`` and a function saving a new description for its organisation."""
    session = signed_in(server, email)
    path = "/provider/profile/basics"
    form = form_of(session.get(f"{server.url}{path}", timeout=30).text, path)

    def save(description: str) -> None:
        data = with_values(form.values, description=description)
        response = session.post(f"{server.url}{path}", data=data, allow_redirects=False, timeout=30)
        assert response.status_code == 302, response.status_code

    return save


def test_an_edit_through_host_a_is_found_by_search_on_host_b_within_a_second(site, shared_redis):
    with host(site, "host-a", shared_redis) as a, host(site, "host-b", shared_redis) as b:
        email, organisation_id = site.providers[0]
        save = editor(a, email)
        assert not found(b, "twohostsalpha", organisation_id)
        save("Family sessions with shadow puppets twohostsalpha.")
        saved = time.monotonic()
        # Host B's index is read directly while waiting, so the time measured is the follower's, not that of a
        # search request on a busy machine; then host B's own search page must list it.
        while not in_index(site, "host-b", "twohostsalpha", organisation_id):
            assert time.monotonic() - saved < 10, "the edit never reached host B"
            time.sleep(0.02)
        seconds = time.monotonic() - saved
        print(f"edit through host A in host B's index after {seconds * 1000:.0f} ms")  # shown with pytest -s
        assert found(b, "twohostsalpha", organisation_id)

    assert seconds < 1.0, f"in host B's index after {seconds:.2f} s"


def test_host_b_stopped_during_100_edits_catches_up_on_restart_with_nothing_lost(site, shared_redis):
    from marketplace.search.index.maintenance import check

    b = host(site, "host-b2", shared_redis)  # its index is built, then it stays down during the edits
    providers = site.providers
    with host(site, "host-a2", shared_redis) as a:
        savers = [editor(a, email) for email, _ in providers]

        def edits_of(k: int) -> None:  # each provider edits its own organisation, one edit after another
            for n in range(k, EDITS, len(savers)):
                savers[k](f"Edit {n} of the programme twohostsedit{n}.")

        with ThreadPoolExecutor(len(savers)) as pool:
            list(pool.map(edits_of, range(len(savers))))
        last = {EDITS - len(savers) + k: organisation_id for k, (_, organisation_id) in enumerate(providers)}
        assert all(found(a, f"twohostsedit{n}", organisation_id) for n, organisation_id in last.items())
        assert not any(in_index(site, "host-b2", f"twohostsedit{n}", o) for n, o in last.items())  # B is down

        with b:  # host B starts again
            started = time.monotonic()
            while not all(found(b, f"twohostsedit{n}", organisation_id) for n, organisation_id in last.items()):
                assert time.monotonic() - started < 30, "host B did not catch up"
                time.sleep(0.1)

    app = site.app(SEARCH_INDEX_DIR=index_of(site, "host-b2"))
    with app.app_context():
        report = check(app)
    assert report.is_clean and report.queued == [] and report.applied_through == report.latest_change
