"""End-to-end kitemark journey in headless Chromium.

A ready provider applies; the demo assessor takes the application from the queue, declares no conflict,
fails one checklist item and requests changes; the provider sees what to fix, fixes it and resubmits; the
assessor awards the kitemark; the badge shows in search results; a suspension removes the organisation from the
public kitemarked list and the open-data API. The audit log (read from the database) holds every step.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.core.templating import format_date
from marketplace.extensions import db
from marketplace.kitemark.models import Kitemark, KitemarkApplication
from marketplace.search.index.maintenance import rebuild
from tests.browser.elsewhere import enter_sign_in_code
from tests.factories import PASSWORD, make_ready_organisation

pytestmark = pytest.mark.browser

ASSESSOR = "assessor@artscouncil.example.org"
CHECKS = [
    "safeguarding_policy",
    "lead_trained",
    "dbs_coverage",
    "accreditations",
    "outcome_evidence",
    "governance",
    "value_for_money",
]


def new_page(browser: Browser, errors: list[str]) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    enter_sign_in_code(page, base, email)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def expect_success(page: Page, text: str) -> None:
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def review(page: Page, failed: dict[str, str], decision: str, reasons: str) -> None:
    for key in CHECKS:
        item = page.locator(f"#check-{key}")
        if key in failed:
            item.get_by_label("Failed").check()
            item.get_by_role("textbox").fill(failed[key])
        else:
            item.get_by_label("Verified").check()
    page.get_by_label(decision).check()
    page.get_by_label("Reasons for your decision").fill(reasons)
    page.get_by_role("button", name="Record the decision").click()


def test_kitemark_from_application_to_award_badge_and_suspension(browser, live_app, live_url, artifacts):
    errors: list[str] = []
    name = f"Peak Heritage Trust {uuid.uuid4().hex[:8]}"
    live_app.config["SEARCH_SYNC"] = True
    with live_app.app_context():
        organisation, provider = make_ready_organisation(name, registration_number="1111111")
        organisation_id, provider_email = organisation.id, provider.email
        rebuild(live_app)
    demo_password = live_app.config["DEMO_PASSWORD"]

    # 1. The provider applies -----------------------------------------------------------------------------------
    provider_page = new_page(browser, errors)
    sign_in(provider_page, live_url, provider_email, PASSWORD)
    provider_page.get_by_role("link", name="Kitemark", exact=True).click()
    provider_page.get_by_label("I confirm the evidence in our profile is accurate and up to date").check()
    provider_page.get_by_role("button", name="Apply for the kitemark").click()
    expect_success(provider_page, "Your kitemark application has been sent to the assessors")
    expect(provider_page.locator("#application-status")).to_contain_text("Waiting for an assessor")

    # 2. The assessor takes it from the queue, declares no conflict and requests changes -----------------------
    assessor_page = new_page(browser, errors)
    sign_in(assessor_page, live_url, ASSESSOR, demo_password)
    assessor_page.get_by_role("button", name="Go to the application queue").click()
    row = assessor_page.locator("#queue tr", has_text=name)
    expect(row).to_contain_text("Today")
    row.get_by_role("link", name=name).click()
    assessor_page.get_by_role("button", name="Assign").click()
    expect_success(assessor_page, "Assigned to")
    assessor_page.get_by_label("No, I have no conflict of interest").check()
    assessor_page.get_by_role("button", name="Save declaration").click()
    expect_success(assessor_page, "Your declaration has been recorded")
    policy_link = assessor_page.get_by_role("link", name=re.compile("safeguarding-policy.pdf"))
    document = assessor_page.request.get(live_url + policy_link.get_attribute("href"))
    assert document.ok and document.headers["content-disposition"].startswith("inline")
    review(
        assessor_page,
        {"governance": "The registration number does not match the register: correct it"},
        "Request changes",
        "Nearly there: one governance detail to correct.",
    )
    expect_success(assessor_page, "Decision recorded: changes requested")

    # 3. The provider sees what to fix, fixes it and resubmits ------------------------------------------------
    provider_page.reload()
    fix = provider_page.locator("#changes-requested")
    expect(fix).to_contain_text("The registration number does not match the register: correct it")
    expect(fix).to_contain_text("Nearly there: one governance detail to correct.")
    provider_page.goto(live_url + "/provider/profile/basics")
    provider_page.get_by_label("Charity or company registration number").fill("1111112")
    provider_page.get_by_role("button", name="Save and return to your profile").click()
    provider_page.goto(live_url + "/provider/kitemark")
    provider_page.get_by_label("I confirm the evidence in our profile is accurate and up to date").check()
    provider_page.get_by_role("button", name="Resubmit the application").click()
    expect_success(provider_page, "Your application has been resubmitted")

    # 4. The assessor sees the new evidence and awards the kitemark --------------------------------------------
    assessor_page.reload()
    expect(assessor_page.locator("#queue tr", has_text=name)).to_contain_text("In review")
    assessor_page.get_by_role("link", name=name).click()
    expect(assessor_page.locator("#snapshot-registration-number")).to_have_text("1111112")
    review(assessor_page, {}, "Award the kitemark", "Every item verified against the resubmitted evidence.")
    expect_success(assessor_page, "Decision recorded: awarded")
    with live_app.app_context():
        kitemark = db.session.scalar(select(Kitemark).where(Kitemark.organisation_id == organisation_id))
        badge = f"Kitemarked: awarded {format_date(kitemark.awarded_on)}, expires {format_date(kitemark.expires_on)}"

    # 5. The badge shows in search results; the public list and the API list the organisation ----------------
    public = new_page(browser, errors)
    public.goto(f"{live_url}/search?q={name.split()[-1]}&kitemarked=1")
    expect(public.locator("main")).to_contain_text(name)
    expect(public.locator("main")).to_contain_text(badge)
    public.screenshot(path=str(artifacts / "kitemark-search-badge.png"), full_page=True)
    public.goto(f"{live_url}/kitemarked")
    expect(public.locator("#kitemarked")).to_contain_text(name)
    listed = public.request.get(f"{live_url}/api/v1/kitemarked")
    assert listed.ok and name in listed.text()

    # 6. Suspension takes it off the kitemarked list and out of the API at once ----------------------------------
    assessor_page.get_by_role("link", name="Kitemarks", exact=True).click()
    assessor_page.get_by_role("link", name=name).click()
    assessor_page.get_by_label("Reasons for suspending").fill("Safeguarding complaint under investigation.")
    assessor_page.get_by_role("button", name="Suspend the kitemark").click()
    expect_success(assessor_page, "Kitemark suspended")
    public.goto(f"{live_url}/kitemarked")
    expect(public.locator("main")).not_to_contain_text(name)
    public.goto(f"{live_url}/organisations/{organisation_id}")
    expect(public.locator("#kitemark-badge")).to_have_count(0)
    api = public.request.get(f"{live_url}/api/v1/kitemarked")
    assert api.ok and api.headers["content-type"].startswith("application/json")
    assert name not in api.text()

    # 7. The audit log holds each step --------------------------------------------------------------------------
    with live_app.app_context():
        application = db.session.scalar(
            select(KitemarkApplication).where(KitemarkApplication.organisation_id == organisation_id)
        )
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.like("kitemark.%"))
            .where(
                ((AuditEvent.object_type == "KitemarkApplication") & (AuditEvent.object_id == str(application.id)))
                | ((AuditEvent.object_type == "Kitemark") & (AuditEvent.object_id == str(kitemark.id)))
            )
            .order_by(AuditEvent.id)
        ).all()
        assert [event.action for event in events] == [
            "kitemark.applied",
            "kitemark.assigned",
            "kitemark.no_conflict_declared",
            "kitemark.changes_requested",
            "kitemark.resubmitted",
            "kitemark.awarded",
            "kitemark.suspended",
        ]
        assert {event.actor_email for event in events} == {provider_email, ASSESSOR}
    assert errors == []
