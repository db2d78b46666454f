"""The issue's "done when" in headless Chromium, from registration to a reviewed safeguarding edit.

A brand-new provider registers on the registration page, completes its profile (basic details, localities, ages,
safeguarding record with its policy, publishing), asks for verification; the demo assessor verifies it and the
provider appears in the matches of a need requiring verified safeguarding. The provider then edits its
safeguarding policy: the listing shows "Verification lapsed" at once, and the edit waits in review with its diff
(the approved record stays in force meanwhile); the assessor approves it from the changes queue.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.commissioning.models import Need
from marketplace.core import clock
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.matching.ranking import match_need
from tests import factories
from tests.browser.test_kitemark_journey import ASSESSOR, expect_success, new_page, sign_in
from tests.browser.test_provider_journey import fill_date, pdf, register_provider, save_step
from tests.factories import make_need
from tests.lookups import locality, term
from tests.search.web.test_matching import names

pytestmark = pytest.mark.browser
DERBYSHIRE = "E10000007"


def _need_requiring_verified_safeguarding(live_app, suffix: str) -> int:
    with live_app.app_context():
        body = factories.make_body(f"Derbyshire Children's Trust {suffix}")
        return make_need(body, localities=[locality(DERBYSHIRE)], requires_safeguarding_verified=True).id


def _matched(live_app, need_id: int) -> list[str]:
    with live_app.app_context():
        return names(match_need(db.session.get(Need, need_id)))


def _register_and_complete_profile(page, live_app, live_url: str, name: str, email: str) -> None:
    today = clock.today()
    register_provider(page, live_app, "Robin Dale", email, name, "Museum")
    expect_success(page, "Your account has been created")

    page.goto(live_url + "/provider/profile/basics")
    page.get_by_label("Legal form").select_option(label="Charity")
    page.get_by_label("Charity or company registration number").fill("1234567")
    page.get_by_label("Description", exact=True).fill("Sensory short breaks for disabled children in Derbyshire.")
    page.get_by_label("Postcode", exact=True).fill("de4 3ag")
    page.get_by_label("Contact email address").fill(email)
    save_step(page, "Basic details")
    page.get_by_role("link", name="Localities served").click()
    page.locator("summary", has_text="East Midlands").click()
    page.get_by_label("Derbyshire (county: includes all its districts)", exact=True).check()
    save_step(page, "Localities served")
    page.get_by_role("link", name="Ages and target groups").click()
    page.get_by_label("Youngest age you work with").fill("5")
    page.get_by_label("Oldest age you work with").fill("18")
    save_step(page, "Ages and target groups")
    page.get_by_role("button", name="Publish profile").click()
    expect_success(page, "Your profile is published")

    page.goto(live_url + "/provider/evidence/safeguarding")
    page.get_by_label("Safeguarding policy").set_input_files(files=[pdf("policy.pdf")])
    fill_date(page, "When was the policy last reviewed?", today - timedelta(days=30))
    page.get_by_label("Designated safeguarding lead", exact=True).fill("Sam Guardian")
    fill_date(
        page,
        "When did the designated safeguarding lead last complete safeguarding training?",
        today - timedelta(days=90),
    )
    page.get_by_label("Percentage of staff and volunteers with enhanced DBS checks").fill("100")
    page.get_by_label("How concerns are reported").fill("To the designated lead, then the local authority LADO.")
    page.get_by_role("button", name="Save safeguarding record").click()
    expect_success(page, "Safeguarding record saved")


def _verify(assessor_page, live_url: str, name: str) -> None:
    assessor_page.goto(live_url + "/assessor/verification")
    assessor_page.locator("#queue tr", has_text=name).get_by_role("link", name=name).click()
    assessor_page.get_by_role("button", name="Assign").click()
    expect_success(assessor_page, "Assigned to")
    assessor_page.get_by_label("No, I have no conflict of interest").check()
    assessor_page.get_by_role("button", name="Save declaration").click()
    for key in ("vetting", "documents"):
        assessor_page.locator(f"#check-{key}").get_by_label("Met", exact=True).check()
    assessor_page.get_by_label("Verified", exact=True).check()
    assessor_page.get_by_role("button", name="Record the decision").click()
    expect_success(assessor_page, "Decision recorded: verified")


def test_a_new_provider_is_verified_matched_and_its_safeguarding_edit_is_reviewed(
    browser, live_app, live_url, artifacts
):
    errors: list[str] = []
    suffix = uuid.uuid4().hex[:8]
    name, email = f"Dale Sensory Museum {suffix}", f"robin-{suffix}@dale-museum.example.org"
    need_id = _need_requiring_verified_safeguarding(live_app, suffix)

    # 1. Registration and the profile, all in the browser --------------------------------------------------------
    provider = new_page(browser, errors)
    _register_and_complete_profile(provider, live_app, live_url, name, email)
    with live_app.app_context():
        organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == name))
        organisation_id = organisation.id
        # Its offer fits the need's service area, so only the safeguarding requirement keeps it out of the matches.
        factories.make_offer(
            organisation,
            "Sensory short breaks",
            service_areas=[term("service_area", "short-breaks-for-disabled-children")],
            localities=list(organisation.localities),
        )
    assert name not in _matched(live_app, need_id)

    # 2. The provider asks for verification; the assessor verifies; the provider is matched --------------------------
    provider.goto(live_url + "/provider")
    provider.get_by_role("link", name="Ask for your safeguarding to be verified").click()
    provider.get_by_label("I confirm our safeguarding record is accurate and up to date").check()
    provider.get_by_role("button", name="Ask for verification").click()
    expect_success(provider, "Your safeguarding record has been sent to the assessors")
    assessor = new_page(browser, errors)
    sign_in(assessor, live_url, ASSESSOR, live_app.config["DEMO_PASSWORD"])
    _verify(assessor, live_url, name)
    assert name in _matched(live_app, need_id)

    # 3. The provider edits its policy: verification lapses, the edit waits in review with its diff -----------------
    provider.goto(live_url + "/provider/evidence/safeguarding")
    provider.get_by_label("Designated safeguarding lead", exact=True).fill("Ben Jones")
    provider.get_by_label("Safeguarding policy").set_input_files(files=[pdf("policy-2027.pdf")])
    provider.get_by_role("button", name="Save safeguarding record").click()
    expect_success(provider, "Your change is waiting for review")
    pending = provider.locator("#pending-changes")
    expect(pending).to_contain_text("Your change is waiting for review")
    expect(pending.locator("tr", has_text="Designated lead")).to_contain_text("Sam Guardian")
    expect(pending.locator("tr", has_text="Designated lead")).to_contain_text("Ben Jones")
    expect(pending.locator("tr", has_text="Policy document")).to_contain_text("policy-2027.pdf")
    public = new_page(browser, errors)
    public.goto(f"{live_url}/organisations/{organisation_id}")
    expect(public.locator("main")).to_contain_text("Verification lapsed")
    provider.screenshot(path=str(artifacts / "trust-change-waiting.png"), full_page=True)
    assert name not in _matched(live_app, need_id)
    with live_app.app_context():
        assert db.session.get(Organisation, organisation_id).safeguarding.lead_name == "Sam Guardian"

    # 4. The assessor reviews the diff and approves: the change goes live, re-verification waits ---------------------
    assessor.goto(live_url + "/assessor/changes")
    assessor.locator("#queue tr", has_text=name).get_by_role("link", name=name).click()
    expect(assessor.locator("#diff tr", has_text="Designated lead")).to_contain_text("Ben Jones")
    assessor.screenshot(path=str(artifacts / "trust-change-review.png"), full_page=True)
    assessor.get_by_label("I have no conflict of interest with this organisation").check()
    assessor.get_by_label("Approve and publish the change").check()
    assessor.get_by_role("button", name="Record the decision").click()
    expect_success(assessor, "Decision recorded: approved")
    with live_app.app_context():
        record = db.session.get(Organisation, organisation_id).safeguarding
        assert record.lead_name == "Ben Jones" and record.policy_document.original_filename == "policy-2027.pdf"
    assessor.goto(live_url + "/assessor/verification")
    expect(assessor.locator("#queue tr", has_text=name)).to_contain_text("Re-verification")
    provider.goto(live_url + "/provider/changes")
    expect(provider.locator("#decided")).to_contain_text("approved")
    expect(provider.locator("main")).not_to_contain_text(re.compile("Sam Guardian"))
    assert errors == []
