"""Rate limits as a deployment sees them: behind a TLS proxy (X-Forwarded-For honoured only for configured hops),
shared between processes through Redis, keyed on what the form really validated (JSON bodies too), on the
change-password form, and audited when they refuse a request; a failed sign-in does not name its victim as actor.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, g
from sqlalchemy import select

from marketplace import create_app
from marketplace.audit.models import AuditEvent
from marketplace.extensions import db, limiter
from tests import factories
from tests.client import FormClient

WRONG = "not the right password at all"
PROXY = "10.0.0.1"


@contextmanager
def running_app(database_url: str, tmp_path, **overrides: object) -> Iterator[Flask]:
    """One app instance (one process's worth of memory: create_app gives the limiter a fresh store)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, UPLOAD_DIR=str(tmp_path / "up"), **overrides)

    @app.teardown_request
    def forget_request_globals(error: BaseException | None) -> None:
        for name in list(g):
            g.pop(name)

    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    yield
    limiter.reset()


def _client(app: Flask, remote: str, forwarded_for: str | None = None) -> FormClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = remote
    if forwarded_for:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return FormClient(client)


def _sign_in(client: FormClient, email: str, password: str = WRONG):
    return client.submit("/account/sign-in", {"email": email, "password": password}, page_url="/account/sign-in")


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


@pytest.mark.parametrize(
    ("hops", "other_client_status", "audited_address"), [(0, 429, PROXY), (1, 200, "198.51.100.2")]
)
def test_x_forwarded_for_is_honoured_only_with_trusted_hops(
    database_url, tmp_path, hops, other_client_status, audited_address
):
    with running_app(database_url, tmp_path, TRUSTED_PROXY_HOPS=hops) as app:
        for number in range(10):  # the per-address limit: 10 a minute, spent by one client behind the proxy
            assert _sign_in(_client(app, PROXY, "203.0.113.9"), f"nobody{number}@example.org").status_code == 200

        response = _sign_in(_client(app, PROXY, "198.51.100.2"), "someone@example.org")

        assert response.status_code == other_client_status
        if other_client_status == 200:
            assert _events("account.sign_in_failed")[-1].ip_address == audited_address
        else:
            assert _events("request.rate_limited")[-1].ip_address == audited_address


def test_a_forged_x_forwarded_for_is_ignored_without_a_proxy(database_url, tmp_path):
    with running_app(database_url, tmp_path) as app:
        _sign_in(_client(app, "192.0.2.50", "127.0.0.1"), "nobody@example.org")

        assert _events("account.sign_in_failed")[-1].ip_address == "192.0.2.50"


def test_two_app_processes_share_the_per_email_limit_through_redis(database_url, tmp_path, redis_url):
    with running_app(database_url, tmp_path, RATELIMIT_STORAGE_URI=redis_url) as first:
        user = factories.make_provider()
        email = user.email
        for number in range(3):
            assert _sign_in(_client(first, f"203.0.113.{number}"), email).status_code == 200

    with running_app(database_url, tmp_path, RATELIMIT_STORAGE_URI=redis_url) as second:
        for number in range(2):
            assert _sign_in(_client(second, f"198.51.100.{number}"), email).status_code == 200
        client = _client(second, "192.0.2.7")
        response = _sign_in(client, email, factories.PASSWORD)

        assert response.status_code == 429  # 3 + 2 attempts used the 5 a minute, across both processes
        assert client.get("/account/").status_code == 302


def test_a_json_sign_in_counts_against_the_email_it_names(app):
    user = factories.make_provider()
    for number in range(5):
        assert _sign_in(_client(app, f"203.0.113.{number}"), user.email).status_code == 200

    client = _client(app, "198.51.100.7")
    token = client.csrf_token("/account/sign-in")
    response = client.post(
        "/account/sign-in",
        json={"email": f"  {user.email.upper()} ", "password": factories.PASSWORD},
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 429
    assert client.get("/account/").status_code == 302  # not signed in


def test_the_change_password_form_is_rate_limited_per_account(app):
    user = factories.make_provider()
    client = _client(app, "203.0.113.1")
    client.sign_in(user.email)
    form = {"current_password": WRONG, "password": "velvet orbit lantern kestrel"}
    form["confirm_password"] = form["password"]
    for _ in range(5):
        assert client.submit("/account/", form).status_code == 200

    response = client.submit("/account/", {**form, "current_password": factories.PASSWORD})

    assert response.status_code == 429
    assert _events("account.password_changed") == []


def test_a_refused_request_is_audited_and_a_failed_sign_in_has_no_actor(app):
    user = factories.make_provider()
    for number in range(6):
        _sign_in(_client(app, f"203.0.113.{number}"), user.email)

    failed = _events("account.sign_in_failed")
    refused = _events("request.rate_limited")

    assert len(failed) == 5
    assert all(event.actor_id is None and event.object_id == str(user.id) for event in failed)
    assert len(refused) == 1
    assert refused[0].summary.startswith("POST /account/sign-in refused")
    assert refused[0].ip_address == "203.0.113.5"
