"""CSRF: every state-changing route refuses a request without a valid token (400), with the app configured as in
production, and nothing changes. Generic over the url map; the role used is one the walk's tables allow."""

from __future__ import annotations

import pytest

from tests.security.conftest import build_url, client_for, routes
from tests.security.snapshot import changed_tables, database_snapshot
from tests.test_permissions import EXPECTED

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _allowed_role(endpoint: str, method: str) -> str | None:
    """A role the walk expects to reach the CSRF check (its token-less answer is 400)."""
    expected = EXPECTED.get((endpoint, method), {})
    return next((role for role, status in expected.items() if status == 400), None)


def test_production_keeps_csrf_protection_on(monkeypatch, tmp_path):
    from marketplace import create_app

    monkeypatch.setenv("SECRET_KEY", "a-real-production-secret")
    app = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.db'}")

    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert app.config.get("WTF_CSRF_CHECK_DEFAULT", True) is True


def test_every_unsafe_route_refuses_a_request_without_a_token_and_changes_nothing(app, security_world):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    problems, probed = [], 0
    for rule, method in routes(app, UNSAFE):
        role = _allowed_role(rule.endpoint, method)
        if role is None:
            problems.append(f"{method} {rule.rule}: no role in the permission tables reaches it")
            continue
        client = client_for(app, security_world, role)
        url = build_url(rule, security_world.url_args)
        before = database_snapshot()
        # A plausible form body, as a cross-site page would send it: everything but the token.
        response = client.open(url, method=method, data={"name": "Forged", "email": "forged@example.org"})
        changed = changed_tables(before, database_snapshot())
        probed += 1
        if response.status_code != 400 or changed:
            problems.append(f"{method} {url} as {role}: {response.status_code}, changed {changed}")

    assert problems == []
    assert probed >= 40


@pytest.mark.parametrize("token_from", ["another session", "a tampered token"])
def test_a_token_that_is_not_this_sessions_own_is_refused(app, security_world, token_from):
    owner = client_for(app, security_world, "provider_a")
    other = client_for(app, security_world, "provider_b")
    token = other.csrf_token("/provider/offers/new")
    if token_from == "a tampered token":
        token = owner.csrf_token("/provider/offers/new")[:-2] + "xx"
    before = database_snapshot()

    response = owner.post("/provider/offers/new", data={"csrf_token": token, "title": "Forged offer"})

    assert response.status_code == 400
    assert changed_tables(before, database_snapshot()) == []
