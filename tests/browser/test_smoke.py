"""Smoke test in headless Chromium: the home page, then each demo role signs in and sees its landing page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.elsewhere import enter_sign_in_code

pytestmark = pytest.mark.browser

DEMO_ROLES = [
    ("provider", "provider@derby-museums.example.org", "Derby Museums"),
    ("commissioner", "commissioner@derby.example.org", "Derby City Council"),
    ("pending-commissioner", "pending@leicester.example.org", "waiting for approval"),
    ("assessor", "assessor@artscouncil.example.org", "Assessments"),
    ("admin", "admin@marketplace.example.org", "Admin"),
]


def test_home_page_loads_with_styles_and_scripts_and_no_console_errors(page, live_url, console_errors, artifacts):
    page.goto(live_url + "/")
    assert page.title().startswith("Find cultural services for children and young people")
    assert page.locator("h1").inner_text() == "Find cultural services for children and young people"
    # The GOV.UK stylesheet is applied (headings use its font stack) and app.js ran (it marks the body).
    assert "arial" in page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily").lower()
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)
    assert console_errors == []


@pytest.mark.parametrize(("role", "email", "expected_text"), DEMO_ROLES, ids=[r[0] for r in DEMO_ROLES])
def test_each_demo_role_signs_in_and_sees_its_landing_page(
    page, live_app, live_url, console_errors, artifacts, role, email, expected_text
):
    page.goto(live_url + "/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(live_app.config["DEMO_PASSWORD"])
    page.get_by_role("button", name="Sign in").click()
    enter_sign_in_code(page, live_url, email)
    expect(page.locator("main")).to_contain_text(expected_text)
    assert page.get_by_role("button", name="Sign out").is_visible()
    page.screenshot(path=str(artifacts / f"landing-{role}.png"), full_page=True)
    # The pending commissioner's landing page is a 403 explaining the wait; that is the only console error allowed.
    allowed = ["Failed to load resource: the server responded with a status of 403 (FORBIDDEN)"]
    assert [error for error in console_errors if error not in allowed] == []


def test_invalid_sign_in_shows_the_error_summary(page, live_url, console_errors):
    page.goto(live_url + "/account/sign-in")
    page.get_by_role("button", name="Sign in").click()
    # Playwright's expect() waits for the new page, where a plain assert could read the old one.
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your email address")
    expect(summary).to_contain_text("Enter your password")
    assert console_errors == []
