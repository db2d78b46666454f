"""End-to-end provider journey in headless Chromium.

A provider registers a new organisation, completes every profile step, records safeguarding, an accreditation
and impact evidence (with uploaded PDFs), links the evidence to an outcome statement, adds an offer, publishes,
and forms a consortium that a demo organisation's account manager accepts. Every step goes through the UI.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from marketplace.core import clock
from tests.browser.elsewhere import confirmation_path

pytestmark = pytest.mark.browser

PASSWORD = "lantern-orchard-velvet-42"
PARTNER_NAME = "Nottingham City Museums and Galleries"
PARTNER_EMAIL = "provider@nottingham-museums.example.org"
READINESS_KEYS = [
    "published",
    "safeguarding_policy",
    "lead_trained",
    "dbs_coverage",
    "offer",
    "outcome_evidence",
    "accreditation",
    "value_for_money",
]


def pdf(name: str) -> dict:
    """A tiny, well-formed PDF as Playwright's in-memory file payload."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return {"name": name, "mimeType": "application/pdf", "buffer": body}


def fill_date(page: Page, legend: str, day: date) -> None:
    """A GOV.UK date input: the Day, Month and Year boxes inside the fieldset named by its legend."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def success_banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner--success")


def expect_success(page: Page, text: str) -> None:
    """The page has no error summary and shows a success banner with ``text``."""
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(success_banner(page)).to_contain_text(text)


def save_step(page: Page, title: str) -> None:
    page.get_by_role("button", name="Save and return to your profile").click()
    expect_success(page, f"{title} saved")
    expect(page).to_have_url(re.compile(r"/provider/profile$"))


def step_status(page: Page, slug: str) -> Locator:
    return page.locator(f"#step-{slug}-status")


def readiness_status(page: Page, key: str) -> Locator:
    return page.locator(f"#readiness-{key}-status")


def watch_console(page: Page, errors: list[str]) -> None:
    """Collect console errors of a page opened outside the ``page`` fixture into the same list."""
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def register_provider(page, live_app, person: str, email: str, organisation: str, organisation_type: str) -> None:
    """Register a provider with a new organisation on the registration page and follow the emailed link."""
    live_url = live_app.config["LIVE_URL"]
    page.goto(live_url + "/account/register")
    page.get_by_label("Full name").fill(person)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("To list my cultural organisation and respond to needs").check()
    page.get_by_label("Organisation name").fill(organisation)
    page.get_by_label("Organisation type").select_option(label=organisation_type)
    page.get_by_role("textbox", name="Create a password").fill(PASSWORD)
    page.get_by_role("textbox", name="Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    page.goto(live_url + confirmation_path(live_app, email))  # the link emailed to confirm the address
    page.get_by_role("button", name="Create account").click()


def test_provider_goes_from_registration_to_a_published_evidenced_profile_with_offer_and_consortium(
    browser, page, live_app, live_url, console_errors, artifacts
):
    suffix = uuid.uuid4().hex[:8]
    org_name = f"Peak Stories Archive {suffix}"
    email = f"lead-{suffix}@peak-stories.example.org"
    statement = (
        f"The {org_name} contributes to Enjoy and achieve by running hands-on archive workshops "
        "where children handle original documents and make their own local histories."
    )
    evidence_title = f"Archive explorers evaluation {suffix}"
    offer_title = f"Archive explorers workshop {suffix}"
    consortium_name = f"East Midlands Heritage Learning {suffix}"
    today = clock.today()

    # 1. Register a new provider organisation, land on its first profile step, then see the readiness checklist
    register_provider(page, live_app, "Alex Peakstone", email, org_name, "Archive")

    expect_success(page, "Your account has been created")
    expect(page).to_have_url(re.compile(r"/provider/profile/basics$"))  # straight into the profile (issue 17)
    expect(page.get_by_label("Organisation name")).to_have_value(org_name)
    page.goto(live_url + "/provider")
    expect(page.locator("h1")).to_have_text(org_name)
    expect(page.locator("main")).to_contain_text("Draft")
    expect(page.locator("#readiness")).to_have_text(f"Ready for commissioners: 0 of {len(READINESS_KEYS)} done")
    for key in READINESS_KEYS:
        expect(readiness_status(page, key)).to_have_text("Missing")
    page.screenshot(path=str(artifacts / "journey-provider-01-registered.png"), full_page=True)
    organisation_href = page.get_by_role("link", name="View your profile page").get_attribute("href")
    assert organisation_href and re.fullmatch(r"/organisations/\d+", organisation_href)

    # 2. Profile steps from the task list ------------------------------------------------------------------
    page.get_by_role("link", name="Edit your profile").click()
    expect(page.locator("h1")).to_have_text("Your profile")
    expect(page.get_by_role("heading", name="Status: Draft")).to_be_visible()
    expect(step_status(page, "basics")).to_have_text("Incomplete")

    page.get_by_role("link", name="Basic details").click()
    expect(page.get_by_label("Organisation name")).to_have_value(org_name)
    expect(page.get_by_label("Organisation type").locator("option:checked")).to_have_text("Archive")
    page.get_by_label("Legal form").select_option(label="Charity")
    page.get_by_label("Charity or company registration number").fill("1234567")
    page.get_by_label("Description", exact=True).fill(
        "A county archive that opens its collections to children, young people and families across Derbyshire."
    )
    page.get_by_label("Address", exact=True).fill("1 Record Office Lane\nMatlock")
    page.get_by_label("Postcode", exact=True).fill("de4 3ag")
    page.get_by_label("Website", exact=True).fill("https://www.peak-stories.example.org")
    page.get_by_label("Contact name", exact=True).fill("Alex Peakstone")
    page.get_by_label("Contact email address").fill(email)
    page.get_by_label("Contact telephone number").fill("01632 960 001")
    save_step(page, "Basic details")
    expect(step_status(page, "basics")).to_have_text("Completed")

    page.get_by_role("link", name="Localities served").click()
    page.locator("summary", has_text="East Midlands").click()
    page.get_by_label("Derbyshire (county: includes all its districts)", exact=True).check()
    save_step(page, "Localities served")
    expect(step_status(page, "localities")).to_have_text("Completed")

    page.get_by_role("link", name="Ages and target groups").click()
    page.get_by_label("Youngest age you work with").fill("5")
    page.get_by_label("Oldest age you work with").fill("16")
    groups = page.get_by_role("group", name="Groups you work with")
    groups.get_by_label("Looked-after children and care leavers").check()
    groups.get_by_label("Families", exact=True).check()
    save_step(page, "Ages and target groups")
    expect(step_status(page, "ages-and-groups")).to_have_text("Completed")

    page.get_by_role("link", name="Outcome contributions").click()
    expect(page.locator("main")).to_contain_text("You have no impact evidence to link yet.")
    page.get_by_role("group", name="Aims of Enjoy and achieve you contribute to").get_by_label(
        "Achieve personal and social development and enjoy recreation"
    ).check()
    page.get_by_label("How you contribute to Enjoy and achieve").fill(statement)
    save_step(page, "Outcome contributions")
    expect(step_status(page, "outcomes")).to_have_text("Completed")

    page.get_by_role("link", name="Contribution to local and national frameworks").click()
    page.get_by_label("Every Child Matters", exact=True).fill(
        f"The {org_name} contributes to Every Child Matters by giving children first-hand experience of local heritage."
    )
    save_step(page, "Contribution to local and national frameworks")
    expect(step_status(page, "frameworks")).to_have_text("Completed")

    page.get_by_role("link", name="National Indicators").click()
    page.get_by_label("NI 11: Engagement in the arts").check()
    save_step(page, "National Indicators")
    expect(step_status(page, "indicators")).to_have_text("Completed")

    page.get_by_role("link", name="Value for money").click()
    page.get_by_role("group", name="Do your prices recover your full costs?").get_by_label("Yes").check()
    page.get_by_label("Typical unit cost, in pounds").fill("12.50")
    page.get_by_label("What the unit cost is for").fill("per participant per session")
    page.get_by_label("Social return on investment ratio").fill("4.2")
    page.get_by_label("Added value").fill("Free use of our searchroom and volunteer archivists.")
    save_step(page, "Value for money")
    expect(step_status(page, "value-for-money")).to_have_text("Completed")
    page.screenshot(path=str(artifacts / "journey-provider-02-profile-steps.png"), full_page=True)

    # 3. Evidence: safeguarding, accreditation, impact evidence --------------------------------------------
    page.goto(live_url + "/provider/evidence")
    expect(page.locator("h1")).to_have_text("Evidence")
    page.get_by_role("link", name="Add safeguarding record").click()
    expect(page.locator("h1")).to_have_text("Safeguarding")
    page.get_by_label("Safeguarding policy").set_input_files(files=[pdf("policy.pdf")])
    fill_date(page, "When was the policy last reviewed?", today - timedelta(days=30))
    page.get_by_label("Designated safeguarding lead", exact=True).fill("Sam Guardian")
    fill_date(
        page,
        "When did the designated safeguarding lead last complete safeguarding training?",
        today - timedelta(days=90),
    )
    page.get_by_label("Percentage of staff and volunteers with enhanced DBS checks").fill("100")
    page.get_by_label("Safeguarding training for staff and volunteers").fill("Annual level 1 training for all.")
    page.get_by_label("How concerns are reported").fill("To the designated lead, then the local authority LADO.")
    page.get_by_role("button", name="Save safeguarding record").click()
    expect_success(page, "Safeguarding record saved")
    expect(page).to_have_url(re.compile(r"/provider/evidence$"))
    expect(page.locator("main")).to_contain_text("Waiting for verification")
    expect(page.locator("main")).to_contain_text("100% of staff and volunteers")
    expect(page.get_by_role("link", name="policy.pdf").first).to_be_visible()

    page.get_by_role("link", name="Manage accreditations").click()
    page.get_by_role("button", name="Add an accreditation").click()
    expect(page.locator("h1")).to_have_text("Add an accreditation")
    page.get_by_label("Accreditation scheme").select_option(label="Arts Award centre")
    page.get_by_label("Reference or certificate number").fill(f"AAC-{suffix}")
    fill_date(page, "Date awarded", today - timedelta(days=365))
    fill_date(page, "Expiry date", today + timedelta(days=730))
    page.get_by_label("Certificate", exact=True).set_input_files(files=[pdf("certificate.pdf")])
    page.get_by_role("button", name="Save accreditation").click()
    expect_success(page, "Accreditation saved")
    expect(page.locator("h1")).to_have_text("Accreditations")
    accreditation_row = page.locator("tbody tr", has_text="Arts Award centre")
    expect(accreditation_row).to_contain_text(f"AAC-{suffix}")
    expect(accreditation_row).to_contain_text("Current")
    expect(accreditation_row.get_by_role("link", name="certificate.pdf")).to_be_visible()

    page.get_by_role("link", name="Back to evidence").click()
    page.get_by_role("link", name="Manage impact evidence").click()
    page.get_by_role("button", name="Add impact evidence").click()
    expect(page.locator("h1")).to_have_text("Add impact evidence")
    page.get_by_label("Title", exact=True).fill(evidence_title)
    page.get_by_role("group", name="What kind of evidence is it?").get_by_label("Evaluation").check()
    page.get_by_label("Every Child Matters outcome measured").select_option(label="Enjoy and achieve")
    page.get_by_label("Method", exact=True).fill("Pre and post questionnaires with participants and teachers.")
    page.get_by_label("Baseline", exact=True).fill("12% had visited an archive before.")
    page.get_by_label("Result", exact=True).fill("87% said they wanted to research their own local history.")
    page.get_by_label("Sample size").fill("64")
    fill_date(page, "Start of the period covered", today - timedelta(days=300))
    fill_date(page, "End of the period covered", today - timedelta(days=60))
    page.get_by_label("Supporting document (optional)").set_input_files(files=[pdf("evaluation.pdf")])
    page.get_by_role("button", name="Save impact evidence").click()
    expect_success(page, "Impact evidence saved")
    evidence_row = page.locator("tbody tr", has_text=evidence_title)
    expect(evidence_row).to_contain_text("Evaluation")
    expect(evidence_row).to_contain_text("Enjoy and achieve")
    expect(evidence_row.get_by_role("link", name="(document)")).to_be_visible()

    page.goto(live_url + "/provider/evidence")
    documents = page.locator("table", has=page.get_by_role("columnheader", name="Document"))
    for filename in ("policy.pdf", "certificate.pdf", "evaluation.pdf"):
        expect(documents.get_by_role("link", name=filename)).to_be_visible()
    page.screenshot(path=str(artifacts / "journey-provider-03-evidence.png"), full_page=True)

    # Back to the outcomes step: link the impact evidence to the outcome statement.
    page.goto(live_url + "/provider/profile")
    page.get_by_role("link", name="Outcome contributions").click()
    expect(page.get_by_label("How you contribute to Enjoy and achieve")).to_have_value(statement)
    page.get_by_role("group", name="Evidence for Enjoy and achieve").get_by_label(evidence_title).check()
    save_step(page, "Outcome contributions")
    page.get_by_role("link", name="Outcome contributions").click()
    expect(
        page.get_by_role("group", name="Evidence for Enjoy and achieve").get_by_label(evidence_title)
    ).to_be_checked()
    page.get_by_role("link", name="Back to your profile").click()

    # 4. An offer ------------------------------------------------------------------------------------------
    page.goto(live_url + "/provider/offers")
    expect(page.locator("main")).to_contain_text("You have not added any offers yet.")
    page.get_by_role("link", name="Add an offer").click()
    expect(page.locator("h1")).to_have_text("Add an offer")
    page.get_by_label("Title", exact=True).fill(offer_title)
    page.get_by_label("Description", exact=True).fill(
        "A half-day workshop handling original maps, letters and photographs."
    )
    page.get_by_role("group", name="How is it delivered?").get_by_label("At our venue").check()
    page.get_by_label("Venue", exact=True).fill("Peak Stories searchroom, Matlock")
    page.get_by_label("Youngest age", exact=True).fill("7")
    page.get_by_label("Oldest age", exact=True).fill("14")
    page.get_by_label("Smallest group").fill("8")
    page.get_by_label("Largest group").fill("30")
    page.get_by_label("Capacity per year").fill("1200")
    page.get_by_role("group", name="Is it suitable for children with special educational needs").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("How is it charged?").select_option(label="Per session")
    page.get_by_label("Price in pounds").fill("250")
    page.get_by_role("group", name="Every Child Matters outcomes").get_by_label("Enjoy and achieve", exact=True).check()
    page.get_by_role("group", name="Aims", exact=True).get_by_label(
        "Achieve personal and social development and enjoy recreation"
    ).check()
    page.get_by_role("group", name="Service areas").get_by_label("Schools support").check()
    localities = page.get_by_role("group", name="Where can you deliver it?")
    localities.locator("summary", has_text="East Midlands").click()
    localities.get_by_label("Derbyshire (county, including its districts)", exact=True).check()
    page.get_by_role("button", name="Save offer").click()
    expect_success(page, f"Offer ‘{offer_title}’ added")
    offer_row = page.locator("tbody tr", has_text=offer_title)
    expect(offer_row).to_contain_text("7 to 14")
    expect(offer_row).to_contain_text("£250")
    page.screenshot(path=str(artifacts / "journey-provider-04-offer.png"), full_page=True)

    # 5. Publish, then check the public page and the readiness checklist -----------------------------------
    page.goto(live_url + "/provider/profile")
    expect(page.locator(".govuk-inset-text", has_text="Before publishing")).to_have_count(0)
    page.get_by_role("button", name="Publish profile").click()
    expect_success(page, "Your profile is published: anyone can now find it in the directory")
    expect(page.get_by_role("heading", name="Status: Published")).to_be_visible()
    expect(page.get_by_role("button", name="Unpublish profile")).to_be_visible()

    page.goto(live_url + "/provider")
    expect(page.locator("#readiness")).to_have_text(
        f"Ready for commissioners: {len(READINESS_KEYS)} of {len(READINESS_KEYS)} done"
    )
    for key in READINESS_KEYS:
        expect(readiness_status(page, key)).to_have_text("Done")
    expect(page.locator("main")).to_contain_text("Your profile has everything commissioners look for.")
    page.screenshot(path=str(artifacts / "journey-provider-05-ready.png"), full_page=True)

    # The owner sees the private section on the profile page ...
    page.goto(live_url + organisation_href)
    expect(page.get_by_role("heading", name="For commissioners")).to_be_visible()
    expect(page.locator("main")).to_contain_text("100% of staff and volunteers")
    expect(page.locator("main")).to_contain_text(f"Evidence: {evidence_title}")

    # ... the public, in a fresh anonymous context, sees the profile but none of the private fields.
    anonymous = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        public = anonymous.new_page()
        public.set_default_timeout(15_000)
        watch_console(public, console_errors)
        public.goto(live_url + "/organisations")
        public.get_by_role("link", name=org_name).click()
        expect(public).to_have_url(live_url + organisation_href)
        main = public.locator("main")
        expect(public.locator("h1")).to_have_text(org_name)
        expect(main).to_contain_text(statement)
        expect(main).to_contain_text("Achieve personal and social development and enjoy recreation")
        expect(main).to_contain_text("Derbyshire")
        expect(public.get_by_role("link", name=offer_title)).to_be_visible()
        expect(public.get_by_role("heading", name="For commissioners")).to_have_count(0)
        expect(main).not_to_contain_text("% of staff and volunteers")
        expect(main).not_to_contain_text("Sam Guardian")
        expect(main).not_to_contain_text(evidence_title)
        expect(main).not_to_contain_text("Social return ratio")
        expect(public.locator("a[href^='/documents/']")).to_have_count(0)
        expect(public.get_by_role("link", name="policy.pdf")).to_have_count(0)
        public.screenshot(path=str(artifacts / "journey-provider-06-public-profile.png"), full_page=True)

        public.get_by_role("link", name=offer_title).click()
        expect(public.locator("h1")).to_have_text(offer_title)
        expect(public.locator("main")).to_contain_text("Enjoy and achieve")
    finally:
        anonymous.close()

    # 6. A consortium: create, invite a demo organisation, sign out -----------------------------------------
    page.goto(live_url + "/provider/consortia")
    expect(page.locator("main")).to_contain_text("Your organisation is not in a consortium yet.")
    page.get_by_role("link", name="Create a consortium").click()
    expect(page.locator("h1")).to_have_text("Create a consortium")
    page.get_by_label("Name of the consortium").fill(consortium_name)
    page.get_by_label("Legal form").select_option(label="Unincorporated")
    page.get_by_label("Description", exact=True).fill(
        "Archives and museums in the East Midlands offering joint learning programmes."
    )
    page.get_by_role("button", name="Create consortium").click()
    expect_success(page, f"Consortium ‘{consortium_name}’ created. Now invite the member organisations")
    expect(page.locator("h1")).to_have_text("Invite member organisations")

    page.get_by_label("Organisation to invite").select_option(label=PARTNER_NAME)
    page.get_by_role("button", name="Send invitation").click()
    expect_success(page, f"{PARTNER_NAME} has been invited to join {consortium_name}")
    members_table = page.locator("table", has_text="Organisations")
    expect(members_table.locator("tr", has_text=f"{org_name} (lead)")).to_contain_text("Accepted")
    expect(members_table.locator("tr", has_text=PARTNER_NAME)).to_contain_text("Invited")
    page.screenshot(path=str(artifacts / "journey-provider-07-consortium-invited.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    expect_success(page, "You have signed out")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # The demo organisation's account manager accepts, in a new context.
    partner_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        partner = partner_context.new_page()
        partner.set_default_timeout(15_000)
        watch_console(partner, console_errors)
        sign_in(partner, live_url, PARTNER_EMAIL, live_app.config["DEMO_PASSWORD"])
        partner.goto(live_url + "/provider/consortia")
        expect(partner.get_by_role("heading", name="Invitations waiting for an answer")).to_be_visible()
        invitation = partner.locator("tbody tr", has_text=consortium_name)
        expect(invitation).to_contain_text(org_name)
        invitation.get_by_role("button", name="Accept").click()
        expect_success(partner, f"You have joined {consortium_name}")
        membership = partner.locator("tbody tr", has_text=consortium_name)
        expect(membership).to_contain_text("Member")
        expect(partner.get_by_role("heading", name="Invitations waiting for an answer")).to_have_count(0)
        partner.screenshot(path=str(artifacts / "journey-provider-08-invitation-accepted.png"), full_page=True)
    finally:
        partner_context.close()

    # The public consortium page lists both members (seen anonymously, from the consortia directory).
    page.goto(live_url + "/consortia")
    entry = page.locator("li", has=page.get_by_role("link", name=consortium_name))
    expect(entry).to_contain_text(f"Led by {org_name}")
    expect(entry).to_contain_text("2 member organisations")
    page.get_by_role("link", name=consortium_name).click()
    expect(page.locator("h1")).to_have_text(consortium_name)
    members = page.locator("h2:has-text('Members') + ul")
    expect(members.get_by_role("listitem")).to_have_count(2)
    expect(members).to_contain_text(f"{org_name} (lead)")
    expect(members.get_by_role("link", name=PARTNER_NAME)).to_be_visible()
    expect(page.get_by_role("link", name=offer_title)).to_be_visible()
    page.screenshot(path=str(artifacts / "journey-provider-09-public-consortium.png"), full_page=True)

    assert console_errors == []
