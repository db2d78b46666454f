"""gunicorn.conf.py: loopback by default, workers from the environment, a JSON access log."""

from __future__ import annotations

import json
import runpy
from datetime import timedelta
from types import SimpleNamespace

from scripts.load_test import REPO

CONFIG = str(REPO / "gunicorn.conf.py")


def test_it_binds_to_loopback_with_four_workers_by_default(monkeypatch):
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)

    settings = runpy.run_path(CONFIG)

    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["workers"] == 4
    assert settings["accesslog"] == "-"
    assert settings["control_socket_disable"] is True  # no shared $HOME/.gunicorn/gunicorn.ctl between instances


def test_workers_and_bind_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9123")

    settings = runpy.run_path(CONFIG)

    assert (settings["bind"], settings["workers"]) == ("127.0.0.1:9123", 2)


def test_an_access_record_is_json_with_the_request_id_and_no_query_string():
    settings = runpy.run_path(CONFIG)
    response = SimpleNamespace(status="200 OK", headers=[("X-Request-ID", "abc123")], sent=512)
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/search",
        "QUERY_STRING": "q=secret",
        "HTTP_USER_AGENT": 'agent "quoted"',
    }

    record = settings["access_record"](response, environ, timedelta(milliseconds=42))
    line = json.dumps(record)

    assert json.loads(line)["user_agent"] == 'agent "quoted"'
    assert record["status"] == 200
    assert record["path"] == "/search"
    assert record["duration_ms"] == 42.0
    assert record["request_id"] == "abc123"
    assert "secret" not in line
