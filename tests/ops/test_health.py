"""``GET /health``: 200 when the database and the search index both answer, 503 naming the part that failed."""

from __future__ import annotations

import shutil

from sqlalchemy.exc import OperationalError

from marketplace.extensions import db
from marketplace.search.engines.engine import engine_for
from marketplace.search.index.maintenance import rebuild


def test_a_healthy_site_answers_ok_for_the_database_and_search(app, client):
    rebuild(app)

    response = client.get("/health")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "search": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_without_a_search_index_the_check_fails_and_says_the_index_is_missing(app, client):
    response = client.get("/health")

    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "ok", "search": "missing"}


def test_an_index_that_fails_to_answer_fails_the_search_part_only(app, client, monkeypatch):
    # Real corruption under a running gunicorn is in test_faults.py; here the engine just fails.
    rebuild(app)

    def broken(query):
        raise OSError("index corrupted")

    monkeypatch.setattr(engine_for(app), "search", broken)

    response = client.get("/health")

    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "ok", "search": "error"}
    assert "corrupted" not in response.get_data(as_text=True)


def test_a_broken_database_fails_the_database_part_without_leaking_the_error(app, client, monkeypatch):
    rebuild(app)

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("could not connect to server at db.internal:5432"))

    monkeypatch.setattr(db.session, "execute", unreachable)

    response = client.get("/health")

    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error", "search": "ok"}
    assert "db.internal" not in response.get_data(as_text=True)


def test_a_deleted_index_directory_is_reported_missing(app, client):
    rebuild(app)
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])

    assert client.get("/health").get_json()["search"] == "missing"
