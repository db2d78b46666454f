"""The second sign-in step in the browser: the demo's assessors and admins use two-factor (DEMO_TOTP_SECRET)."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Page

from tests.client import TWO_FACTOR_STEP, fresh_code

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
