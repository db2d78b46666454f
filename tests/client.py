"""How tests act as a user: a client that posts forms with their real CSRF token; what pages, JSON, emails show."""

from __future__ import annotations

import re
from email.message import EmailMessage
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class FormClient:
    """Wraps Flask's test client; ``submit`` GETs a page, takes its CSRF token and POSTs the form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def __getattr__(self, name: str):
        return getattr(self.client, name)

    def csrf_token(self, page_url: str = "/") -> str:
        response = self.client.get(page_url)
        match = CSRF_INPUT.search(response.get_data(as_text=True))
        assert match, f"no CSRF token on {page_url} ({response.status_code})"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, *, page_url: str | None = None, **kwargs):
        form = dict(data or {})
        form["csrf_token"] = self.csrf_token(page_url or url)
        return self.client.post(url, data=form, **kwargs)

    def sign_in(self, email: str, password: str = "correct horse battery staple"):
        response = self.submit("/account/sign-in", {"email": email, "password": password})
        assert response.status_code == 302, f"sign-in failed for {email}"
        return response


def text_of(response) -> str:
    """Page text without tags, whitespace collapsed: what a reader sees."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def error_summary(response) -> list[str]:
    html = response.get_data(as_text=True)
    block = re.search(r'class="govuk-error-summary".*?</ul>', html, flags=re.S)
    if not block:
        return []
    items = re.findall(r"<a [^>]*>(.*?)</a>", block.group(0))
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def page_title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), flags=re.S)
    assert match, "page has no <title>"
    return match.group(1).strip()


def new_client(app: Flask) -> FormClient:
    """A second browser: its own cookie jar."""
    return FormClient(app.test_client())


def get_json(client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def names(page: dict, key: str = "name") -> list[str]:
    """The ``key`` of every item on one page of an API list."""
    return [item[key] for item in page["contents"]]


LINK = re.compile(r"https?://\S+")


def link_in(message: EmailMessage) -> str:
    """The one link in an email, as the reader would follow it."""
    links = LINK.findall(message.get_content())
    assert len(links) == 1, f"expected one link in {message['Subject']!r}, found {links}"
    return links[0]


def path_of(link: str) -> str:
    return urlsplit(link).path
