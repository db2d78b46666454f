"""Test helpers: a client that submits forms with their real CSRF token, and HTML inspection."""

from __future__ import annotations

import re
from html import unescape

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
