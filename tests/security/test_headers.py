"""Security headers on every page every role can reach (tests/core/test_security_headers.py checks a few public
pages in detail), and the session cookie's flags in the production configuration, end to end over HTTPS."""

from __future__ import annotations

import pytest

from marketplace import create_app
from marketplace.extensions import db
from tests import factories
from tests.client import FormClient
from tests.security.conftest import client_for
from tests.security.crawl import crawl

ROLES = ["anonymous", "provider_a", "commissioner", "assessor", "admin"]


def _header_problems(url: str, headers) -> list[str]:
    policy = {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in headers.get("Content-Security-Policy", "").split(";")
        if part.strip()
    }
    problems = []
    script = policy.get("script-src", policy.get("default-src", ""))
    if not script or "unsafe-inline" in script or "unsafe-eval" in script or "*" in script:
        problems.append(f"script-src {script!r}")
    if policy.get("frame-ancestors") != "'none'" and headers.get("X-Frame-Options") != "DENY":
        problems.append("framing allowed")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if not headers.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    return [f"{url}: {problem}" for problem in problems]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_sends_the_security_headers(app, security_world, role):
    client = client_for(app, security_world, role)
    found = crawl(app, client, [security_world.url_args], follow_links=False)

    problems = []
    for url in [*found.pages, *found.other]:
        response = client.get(url)
        problems += _header_problems(url, response.headers)
        response.close()  # ends a streamed body (the audit CSV) now, not when it is garbage-collected mid-test

    assert problems == []
    assert len(found.pages) >= 5


def test_production_session_cookie_is_secure_http_only_and_same_site(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-production-secret")
    app = create_app(
        "production",
        SQLALCHEMY_DATABASE_URI=database_url,
        SEARCH_INDEX_DIR=str(tmp_path / "index"),
        UPLOAD_DIR=str(tmp_path / "uploads"),
    )
    with app.app_context():
        user = factories.make_provider()
        client = FormClient(app.test_client())
        client.client.environ_base["wsgi.url_scheme"] = "https"

        response = client.submit(
            "https://localhost/account/sign-in",
            {"email": user.email, "password": factories.PASSWORD},
            headers={"Referer": "https://localhost/account/sign-in"},  # Flask-WTF checks it over HTTPS
        )
        http = app.test_client().get("http://localhost/account/sign-in")
        db.session.remove()
        db.engine.dispose()

    assert response.status_code == 302
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("marketplace_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert http.status_code in {301, 302} and http.headers["Location"].startswith("https://")
