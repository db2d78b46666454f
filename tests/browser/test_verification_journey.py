"""End-to-end safeguarding verification in headless Chromium (the issue's "done when").

A provider with a complete profile sees on its readiness checklist why verification matters and asks for it; the
demo assessor takes it from the queue, declares no conflict, checks each item beside the record (two pre-assessed
by rule) and verifies it; the provider is then matched to a need requiring verified safeguarding. The provider
edits its safeguarding policy: the listing shows "Verification lapsed", matching drops it, and the re-verification
waits in the assessor's queue with what changed. The public verify page and badge follow every step.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from marketplace.commissioning.models import Need
from marketplace.extensions import db
from marketplace.matching.ranking import match_need
from tests import factories
from tests.browser.test_kitemark_journey import ASSESSOR, expect_success, new_page, sign_in
from tests.factories import PASSWORD, make_need, make_ready_organisation
from tests.lookups import term
from tests.search.web.test_matching import names

pytestmark = pytest.mark.browser


def test_verification_from_request_to_matching_and_lapse_after_an_edit(browser, live_app, live_url, artifacts):
    errors: list[str] = []
    name = f"Peak Heritage Trust {uuid.uuid4().hex[:8]}"
    with live_app.app_context():
        organisation, provider = make_ready_organisation(name, age_min=5, age_max=18)
        # A real fit for the need (its service area), so only the safeguarding requirement keeps the provider out.
        factories.make_offer(
            organisation,
            "Sensory short breaks",
            service_areas=[term("service_area", "short-breaks-for-disabled-children")],
            localities=list(organisation.localities),
        )
        need = make_need(factories.make_body(f"Derby Trust {name[-8:]}"), requires_safeguarding_verified=True)
        organisation_id, provider_email, need_id = organisation.id, provider.email, need.id
        assert name not in names(match_need(need))
        code = f"CCM{organisation_id:05d}"

    # 1. The readiness checklist says why it matters; the provider asks -----------------------------------------
    provider_page = new_page(browser, errors)
    sign_in(provider_page, live_url, provider_email, PASSWORD)
    provider_page.goto(live_url + "/provider")
    expect(provider_page.locator("#verification-why")).to_contain_text("require")
    expect(provider_page.locator("#verification-why")).to_contain_text("verified safeguarding")
    provider_page.get_by_role("link", name="Ask for your safeguarding to be verified").click()
    provider_page.get_by_label("I confirm our safeguarding record is accurate and up to date").check()
    provider_page.get_by_role("button", name="Ask for verification").click()
    expect_success(provider_page, "Your safeguarding record has been sent to the assessors")

    # 2. The assessor assigns, declares no conflict, checks each item and verifies ----------------------------------
    assessor_page = new_page(browser, errors)
    sign_in(assessor_page, live_url, ASSESSOR, live_app.config["DEMO_PASSWORD"])
    assessor_page.goto(live_url + "/assessor/verification")
    assessor_page.locator("#queue tr", has_text=name).get_by_role("link", name=name).click()
    assessor_page.get_by_role("button", name="Assign").click()
    expect_success(assessor_page, "Assigned to")
    assessor_page.get_by_label("No, I have no conflict of interest").check()
    assessor_page.get_by_role("button", name="Save declaration").click()
    expect(assessor_page.locator("#check-policy")).to_contain_text("Pre-assessed: met")
    expect(assessor_page.locator("#check-lead_training")).to_contain_text("Pre-assessed: met")
    for key in ("vetting", "documents"):
        assessor_page.locator(f"#check-{key}").get_by_label("Met", exact=True).check()
    assessor_page.get_by_label("Verified", exact=True).check()
    assessor_page.get_by_role("button", name="Record the decision").click()
    expect_success(assessor_page, "Decision recorded: verified")

    # 3. Verified: matched to the need; the verify page and badge say so ---------------------------------------------
    provider_page.goto(live_url + "/provider")
    expect(provider_page.locator("#verification")).to_be_visible()
    expect(provider_page.locator("main")).to_contain_text("Safeguarding verified until")
    with live_app.app_context():
        assert name in names(match_need(db.session.get(Need, need_id)))
    public = new_page(browser, errors)
    public.goto(f"{live_url}/verify/{code}")
    expect(public.locator("#verify-status")).to_contain_text("Safeguarding verified until")
    badge = public.request.get(f"{live_url}/verify/{code}/badge.svg")
    assert badge.ok and "Safeguarding verified" in badge.text()

    # 4. The provider edits its policy: verification lapses and goes back to the assessors ---------------------------
    provider_page.goto(live_url + "/provider/evidence/safeguarding")
    provider_page.locator("#lead_name").fill("Ben Jones")
    provider_page.get_by_role("button", name="Save safeguarding record").click()
    public.goto(f"{live_url}/organisations/{organisation_id}")
    expect(public.locator("main")).to_contain_text("Verification lapsed")
    public.screenshot(path=str(artifacts / "verification-lapsed.png"), full_page=True)
    with live_app.app_context():
        assert name not in names(match_need(db.session.get(Need, need_id)))
    assessor_page.goto(live_url + "/assessor/verification")
    waiting = assessor_page.locator("#queue tr", has_text=name)
    expect(waiting).to_contain_text("Re-verification: designated lead changed")
    assert errors == []
