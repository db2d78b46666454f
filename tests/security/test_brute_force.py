"""Brute force on sign-in: throttled per account (whatever the IP) and per IP (whatever the account); a correct
password during the lockout does not sign in; the lock lifts when the window has passed.

tests/accounts/test_sign_in.py covers the styled 429 page and that other accounts stay usable."""

from __future__ import annotations

import time

import limits.storage.memory
import pytest

from tests import factories
from tests.client import FormClient

WRONG = "not the right password at all"


class Clock:
    """The rate limiter's clock, moved forward by the test."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset


@pytest.fixture
def limiter_clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    return clock


def _from_ip(app, address: str) -> FormClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return FormClient(client)


def _attempt(client: FormClient, email: str, password: str = WRONG):
    return client.submit("/account/sign-in", {"email": email, "password": password}, page_url="/account/sign-in")


def _signed_in(client: FormClient) -> bool:
    return client.get("/account/").status_code == 200


def test_one_account_is_locked_whichever_ip_the_attempts_come_from(app, limiter_clock):
    user = factories.make_provider()
    for number in range(5):
        assert _attempt(_from_ip(app, f"203.0.113.{number}"), user.email).status_code == 200

    client = _from_ip(app, "198.51.100.7")
    response = _attempt(client, user.email, factories.PASSWORD)

    assert response.status_code == 429
    assert not _signed_in(client)


def test_one_ip_is_throttled_whichever_accounts_it_tries(app, limiter_clock):
    user = factories.make_provider()
    client = _from_ip(app, "203.0.113.50")
    for number in range(10):
        assert _attempt(client, f"guess{number}@example.org").status_code == 200

    response = _attempt(client, user.email, factories.PASSWORD)

    assert response.status_code == 429
    assert not _signed_in(client)


def test_the_lock_lifts_when_the_window_has_passed(app, limiter_clock):
    user = factories.make_provider()
    client = _from_ip(app, "203.0.113.60")
    for _ in range(5):
        _attempt(client, user.email)
    assert _attempt(client, user.email, factories.PASSWORD).status_code == 429

    limiter_clock.offset = 61

    assert _attempt(client, user.email, factories.PASSWORD).status_code == 302
    assert _signed_in(client)


def test_the_hourly_limit_holds_across_minutes(app, limiter_clock):
    user = factories.make_provider()
    for minute in range(4):
        limiter_clock.offset = minute * 61
        for number in range(5):
            _attempt(_from_ip(app, f"203.0.113.{minute * 10 + number}"), user.email)
    limiter_clock.offset = 4 * 61

    response = _attempt(_from_ip(app, "198.51.100.9"), user.email, factories.PASSWORD)

    assert response.status_code == 429
