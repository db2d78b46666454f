"""gunicorn.conf.py: loopback by default, workers from the environment, a JSON access log."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
from datetime import timedelta
from types import SimpleNamespace

import config
from scripts.load_test import REPO
from tests.redis_server import free_port

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


def test_gunicorn_refuses_to_start_with_the_development_secret_key():
    """``make serve`` without SECRET_KEY: development settings, whose key anyone can read. gunicorn must stop."""
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "APP_ENV"}}
    env.update(GUNICORN_BIND=f"127.0.0.1:{free_port()}", WEB_CONCURRENCY="1")
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", CONFIG, "wsgi:app"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "Refusing to start: SECRET_KEY is a development key" in result.stderr


def test_production_refuses_several_workers_with_per_process_rate_limits():
    class Production(config.ProductionConfig):
        SECRET_KEY = "a-real-secret-from-the-environment"
        RATELIMIT_STORAGE_URI = "memory://"

    class Development(config.DevelopmentConfig):
        SECRET_KEY = "a-real-secret-from-the-environment"

    refusals, _ = config.serving_problems(Production, workers=4)
    _, warnings = config.serving_problems(Development, workers=4)
    shared = type("Shared", (Production,), {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"})

    assert any("REDIS_URL" in refusal for refusal in refusals)
    assert any("REDIS_URL" in warning for warning in warnings)
    assert config.serving_problems(shared, workers=4) == ([], [])
    assert config.serving_problems(Production, workers=1) == ([], [])


def test_rate_limit_storage_comes_from_redis_url(monkeypatch):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6390/2")

    settings = runpy.run_path(str(REPO / "config.py"))

    assert settings["Config"].RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6390/2"


def test_a_real_secret_key_from_the_environment_is_accepted(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-from-the-environment")

    settings = runpy.run_path(str(REPO / "config.py"))

    assert settings["serving_problems"](settings["DevelopmentConfig"], workers=1) == ([], [])
