"""Steps outside the browser that a person does elsewhere: the second sign-in step (the demo's assessors and admins
use two-factor with DEMO_TOTP_SECRET) and following the link a registration emails."""

from __future__ import annotations

import time

from flask import Flask
from playwright.sync_api import Page

from marketplace.notifications.services import deliver_due_emails_now
from tests.client import LINK, TWO_FACTOR_STEP, fresh_code, path_of

STAFF_LOGINS = {"assessor@artscouncil.example.org", "admin@marketplace.example.org"}
LIVE_APPS: dict[str, Flask] = {}  # live URL → its app (set by the live_app fixture), to reach its database


def enter_sign_in_code(page: Page, base: str, email: str) -> None:
    """After the password page of a staff account: type a current code from the (simulated) authenticator app."""
    if email not in STAFF_LOGINS:
        return
    page.wait_for_url(f"**{TWO_FACTOR_STEP}")
    with LIVE_APPS[base].app_context():
        code = fresh_code(email)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Continue").click()


def confirmation_path(app: Flask, email: str, timeout: float = 10) -> str:
    """The path of the confirmation link emailed to ``email``. The email leaves just after the response, behind
    whatever the outbox already held (the demo's own emails), so the loop also runs the scheduler's email job."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = [message for message in app.extensions["mail_sender"].sent if message["To"] == email]
        if sent:
            return path_of(LINK.findall(sent[-1].get_content())[0])
        time.sleep(0.1)
        with app.app_context():
            deliver_due_emails_now()
    raise AssertionError(f"no confirmation email for {email}")
