"""Faults while a real gunicorn serves: the search index deleted or corrupted, a worker killed mid-request.

Each test runs ``gunicorn -c gunicorn.conf.py wsgi:app`` on a loopback port against its own SQLite site
(``scripts/load_test.py`` builds it) and checks what a user sees: never a 500, a clear message where search
cannot answer, every confirmed change kept, and ``flask search rebuild`` putting search back.
The SMTP-down fault is in ``test_smtp_down.py``; a full disk on upload in
``tests/directory/evidence/test_uploads.py`` (no row and no file left behind).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import requests

from scripts.load_test import GunicornServer, form_of, prepare_site
from tests.ops.live import UNAVAILABLE, flask, post_form, query, signed_in

# These tests build and serve their own SQLite site; the PostgreSQL run of the suite would only repeat them.


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return prepare_site(tmp_path_factory.mktemp("faults"), organisations=30, providers=2, commissioners=1)


@pytest.fixture(scope="module")
def server(site):
    with GunicornServer(site, workers=2) as running:
        yield running


def _search(server: GunicornServer, words: str) -> requests.Response:
    # A new connection each time, so the requests spread over both workers.
    return requests.get(f"{server.url}/search", params={"q": words}, headers={"Connection": "close"}, timeout=30)


def _edit_description(server: GunicornServer, site, token: str) -> int:
    email, organisation_id = site.providers[0]
    session = signed_in(server, email)
    response = post_form(session, server, "/provider/profile/basics", description=f"Family sessions {token}.")
    assert response.status_code == 302, response.status_code
    return organisation_id


def _index_root(site) -> Path:
    return Path(site.settings()["SEARCH_INDEX_DIR"])


def _assert_restored_by_rebuild(server: GunicornServer, site, token: str) -> None:
    rebuilt = flask(site, "search", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    found = _search(server, token)
    assert found.status_code == 200
    assert UNAVAILABLE not in found.text
    assert token in found.text  # the edit made while search was broken is found
    assert requests.get(f"{server.url}/health", timeout=10).json() == {
        "status": "ok",
        "database": "ok",
        "search": "ok",
    }
    checked = flask(site, "search", "check")
    assert checked.returncode == 0, checked.stdout


def test_a_deleted_index_gives_a_clear_message_never_a_500_and_rebuild_restores_it(server, site):
    assert "/organisations/" in _search(server, "museum").text
    shutil.rmtree(_index_root(site))

    pages = [_search(server, "museum") for _ in range(6)]
    health = requests.get(f"{server.url}/health", timeout=10)

    assert [page.status_code for page in pages] == [200] * 6
    assert all(UNAVAILABLE in page.text for page in pages)
    assert health.status_code == 503
    assert health.json()["search"] == "missing"

    # A profile edit while the index is gone still saves: the database change stands, the index catches up.
    organisation_id = _edit_description(server, site, "lanternfish")
    assert query(site, "SELECT description FROM organisation WHERE id = ?", organisation_id) == [
        ("Family sessions lanternfish.",)
    ]

    _assert_restored_by_rebuild(server, site, "lanternfish")


def test_a_corrupted_index_gives_a_clear_message_never_a_500_and_rebuild_restores_it(server, site):
    assert "/organisations/" in _search(server, "museum").text
    for path in _index_root(site).glob("whoosh-*/*"):
        path.write_bytes(b"\x00garbage\x00" * 8)  # the table of contents, segments and generation stamp

    pages = [_search(server, "museum") for _ in range(6)]

    assert [page.status_code for page in pages] == [200] * 6
    assert all(UNAVAILABLE in page.text for page in pages)
    assert requests.get(f"{server.url}/health", timeout=10).status_code == 503

    organisation_id = _edit_description(server, site, "ottercove")
    assert query(site, "SELECT description FROM organisation WHERE id = ?", organisation_id) == [
        ("Family sessions ottercove.",)
    ]

    _assert_restored_by_rebuild(server, site, "ottercove")


def test_an_edit_after_the_index_was_deleted_does_not_leave_a_partial_index(site):
    assert flask(site, "search", "rebuild").returncode == 0
    with GunicornServer(site, workers=1, log_name="partial.log") as server:  # workers untouched by other faults
        shutil.rmtree(_index_root(site))
        _edit_description(server, site, "partialindex")

        page = _search(server, "museum")

    assert flask(site, "search", "rebuild").returncode == 0
    assert page.status_code == 200
    assert UNAVAILABLE in page.text  # not a quietly incomplete list of results


def _framework(name: str, themes: int = 4, aims: int = 8, outcomes: int = 8, measures: int = 10) -> bytes:
    """A large outcomes framework: one import writes thousands of rows in one transaction."""
    data = {
        "name": name,
        "themes": [
            {
                "code": f"t{t}",
                "title": f"Theme {t}",
                "aims": [
                    {
                        "code": f"a{a}",
                        "title": f"Aim {t}.{a}",
                        "outcomes": [
                            {
                                "code": f"o{o}",
                                "title": f"Outcome {t}.{a}.{o}",
                                "ecm_outcomes": ["enjoy-and-achieve"],
                                "measures": [
                                    {"code": f"m{m}", "title": f"Measure {t}.{a}.{o}.{m}", "target": "Up by 10%"}
                                    for m in range(measures)
                                ],
                            }
                            for o in range(outcomes)
                        ],
                    }
                    for a in range(aims)
                ],
            }
            for t in range(themes)
        ],
    }
    return json.dumps(data).encode()


def _writer_active(database: Path) -> bool:
    """True while another connection holds SQLite's write lock (a transaction is writing)."""
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        connection.close()


def _import(session: requests.Session, server: GunicornServer, name: str, content: bytes) -> requests.Response:
    path = "/commissioner/frameworks/import"
    form = form_of(session.get(f"{server.url}{path}", timeout=30).text, path)
    return session.post(
        f"{server.url}{path}",
        data=dict(form.values),
        files={"framework_file": ("framework.json", content, "application/json")},
        allow_redirects=False,
        timeout=120,
    )


def _counts(site, name: str) -> tuple[int, int]:
    frameworks = query(site, "SELECT count(*) FROM outcomes_framework WHERE name = ?", name)[0][0]
    measures = query(
        site,
        "SELECT count(*) FROM framework_measure m JOIN framework_outcome o ON m.outcome_id = o.id "
        "JOIN framework_aim a ON o.aim_id = a.id JOIN framework_theme t ON a.theme_id = t.id "
        "JOIN outcomes_framework f ON t.framework_id = f.id WHERE f.name = ?",
        name,
    )[0][0]
    return frameworks, measures


def test_a_worker_killed_mid_write_leaves_all_or_nothing_and_the_site_keeps_serving(site):
    name = "Killed mid-import framework"
    content = _framework(name)
    expected = 4 * 8 * 8 * 10
    with GunicornServer(site, workers=1, log_name="kill.log") as server:
        session = signed_in(server, site.commissioners[0])
        (worker,) = server.worker_pids()
        outcome: dict = {}

        def upload() -> None:
            try:
                outcome["response"] = _import(session, server, name, content)
            except requests.RequestException as error:
                outcome["error"] = error

        thread = threading.Thread(target=upload)
        thread.start()
        deadline = time.monotonic() + 60
        while not _writer_active(site.database):
            assert time.monotonic() < deadline and thread.is_alive(), f"the import never started writing: {outcome}"
            time.sleep(0.002)
        os.kill(worker, signal.SIGKILL)
        thread.join(timeout=60)

        assert "error" in outcome, f"the request finished before the kill: {outcome}"
        assert _counts(site, name) in {(0, 0), (1, expected)}  # all or nothing, never part of it
        assert _counts(site, name) == (0, 0)  # killed before its commit: nothing at all

        # The master replaces the worker; the same import then succeeds in full.
        deadline = time.monotonic() + 30
        while [pid for pid in server.worker_pids() if pid != worker] == []:
            assert time.monotonic() < deadline, "no replacement worker"
            time.sleep(0.1)
        session = signed_in(server, site.commissioners[0])
        assert _import(session, server, name, content).status_code == 302
        assert _counts(site, name) == (1, expected)


def test_gunicorn_logs_one_json_access_line_per_request_with_the_request_id(server):
    response = requests.get(f"{server.url}/organisations", headers={"X-Request-ID": "access-log-probe"}, timeout=30)
    assert response.headers["X-Request-ID"] == "access-log-probe"

    # The app's own request line is written before gunicorn's access line, so wait for the access line itself.
    deadline = time.monotonic() + 10
    access: list[dict] = []
    while not access and time.monotonic() < deadline:
        text = server.log_path.read_text(errors="replace")
        complete = text.splitlines()[:-1] if not text.endswith("\n") else text.splitlines()  # not a half-written line
        lines = [json.loads(line) for line in complete if '"access-log-probe"' in line]
        access = [line for line in lines if line.get("event") == "access"]
        time.sleep(0.1)

    assert access, "no JSON access line for the request"
    assert access[0]["method"] == "GET"
    assert access[0]["path"] == "/organisations"
    assert access[0]["status"] == 200
    assert access[0]["remote"] == "127.0.0.1"
    assert access[0]["duration_ms"] >= 0
