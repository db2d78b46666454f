"""Helpers for tests against a real gunicorn: signed-in HTTP sessions, form posts, database and CLI look-ups."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import requests

from scripts.load_test import PASSWORD, REPO, GunicornServer, Site, form_of, with_values

UNAVAILABLE = "Search is temporarily unavailable"


def signed_in(server: GunicornServer, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{server.url}/account/sign-in", timeout=30)
    form = form_of(page.text, "/account/sign-in")
    response = session.post(
        f"{server.url}/account/sign-in",
        data=with_values(form.values, email=email, password=PASSWORD),
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, f"sign-in failed for {email}"
    return session


def post_form(session: requests.Session, server: GunicornServer, path: str, **changes) -> requests.Response:
    """GET the page, keep its form's values (CSRF token included), change some and POST it."""
    page = session.get(f"{server.url}{path}", timeout=30)
    assert page.status_code == 200, page.status_code
    data = with_values(form_of(page.text, path).values, **changes)
    return session.post(f"{server.url}{path}", data=data, allow_redirects=False, timeout=30)


def query(site: Site, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(site.database, timeout=10) as connection:
        return connection.execute(sql, params).fetchall()


def flask(site: Site, *args: str) -> subprocess.CompletedProcess:
    """A ``flask`` command against the site, as an operator would run it."""
    return subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=REPO, env=site.env(), capture_output=True, text=True, timeout=300
    )
