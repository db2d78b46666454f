"""How tests act as a user: a client that posts forms with their real CSRF token; what pages, JSON, emails show."""

from __future__ import annotations

import re
from email.message import EmailMessage
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pyotp
from flask import Flask, current_app
from flask.testing import FlaskClient

from marketplace.accounts.services import find_user_by_email
from marketplace.extensions import db

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

    def register(self, data: dict, **kwargs):
        """Fill in the registration form, then follow the confirmation link emailed to the address and create the
        account, as a person does. Returns the form's answer if it was refused, else the confirmation's."""
        response = self.submit("/account/register", data)
        response.close()  # the email leaves once the response has been sent
        if response.headers.get("Location") != "/account/register/check-email":
            return response  # refused: the form with its errors
        sent = current_app.extensions["mail_sender"].sent
        email = str(data.get("email", "")).strip().lower()
        confirmations = [message for message in sent if message["To"] == email and "Confirm" in message["Subject"]]
        assert confirmations, f"no confirmation email for {email}"
        return self.submit(path_of(link_in(confirmations[-1])), {}, **kwargs)

    def sign_in(self, email: str, password: str = "correct horse battery staple"):
        """Sign in; for an account with two-factor, also complete the second step with a current code."""
        response = self.submit("/account/sign-in", {"email": email, "password": password})
        assert response.status_code == 302, f"sign-in failed for {email}"
        if response.headers["Location"] == TWO_FACTOR_STEP:
            response = self.submit(TWO_FACTOR_STEP, {"code": fresh_code(email)})
            assert response.status_code == 302, f"two-factor step failed for {email}"
        return response


TWO_FACTOR_STEP = "/account/sign-in/two-factor"
TWO_FACTOR_SETUP = "/account/two-factor"
SECRET_ON_PAGE = re.compile(r'id="two-factor-secret">([A-Z2-7]+)<')
RECOVERY_CODE_ON_PAGE = re.compile(r'<code class="app-code">([a-z2-9]{5}-[a-z2-9]{5})</code>')


def set_up_two_factor(client: FormClient) -> tuple[str, list[str]]:
    """Do what a person does on the set-up page: read the key into an app, enter its code. Returns the key and
    the recovery codes shown (once) on the next page."""
    page = client.get(TWO_FACTOR_SETUP)
    match = SECRET_ON_PAGE.search(page.get_data(as_text=True))
    assert match, f"no authenticator key on the set-up page ({page.status_code})"
    secret = match.group(1)
    response = client.submit(TWO_FACTOR_SETUP, {"code": pyotp.TOTP(secret).now()})
    codes = RECOVERY_CODE_ON_PAGE.findall(response.get_data(as_text=True))
    assert response.status_code == 200 and len(codes) == 10, "two-factor set-up failed"
    return secret, codes


def fresh_code(email: str) -> str:
    """A current authenticator code for ``email`` (needs the test's app context). Tests sign the same account in
    many times within one 30-second step, which a person cannot: the record of the last step used is cleared
    first, so the code is not refused as a replay (tests of the replay rule use the service directly)."""
    user = find_user_by_email(email)
    assert user is not None and user.totp_secret, f"{email} has no two-factor"
    user.totp_last_counter = None
    db.session.commit()
    return pyotp.TOTP(user.totp_secret).now()


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
