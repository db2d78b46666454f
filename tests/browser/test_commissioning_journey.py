"""End-to-end commissioning journey in headless Chromium (issue 4).

A commissioner imports a framework, posts a short-breaks need in a district, a provider responds, the
commissioner shortlists, compares, exports CSV and awards; notifications and emails reach both sides.
Everything is done through the browser UI, as the two users would do it, in two browser contexts.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from marketplace.core import clock

pytestmark = pytest.mark.browser

COMMISSIONER = "commissioner@derby.example.org"
PROVIDER = "provider@derby-museums.example.org"
PROVIDER_NAME = "Derby Museums"
SECOND_PROVIDER = "Nottingham City Museums and Galleries"
BODY_NAME = "Derby City Council Children and Young People's Services"
FRAMEWORK_CSV = Path(__file__).resolve().parents[2] / "marketplace" / "demo" / "data" / "framework_council.csv"
FRAMEWORK_NAME = "Derby children and young people's plan (CSV import)"
FRAMEWORK_OUTCOME = "Children have the right help at the right time"
FRAMEWORK_MEASURE = "% of initial assessments completed according to timescales (currently 10 working days)"
NEED_TITLE = "Sensory-friendly short breaks in Amber Valley"
PRICE = "18500"


def sign_in(page: Page, live_url: str, email: str, password: str) -> None:
    page.goto(live_url + "/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def fieldset(page: Page, legend: str):
    """The GOV.UK fieldset whose legend says ``legend``."""
    return page.locator("fieldset").filter(has=page.locator("legend", has_text=legend))


def fill_date(page: Page, legend: str, value: date) -> None:
    group = fieldset(page, legend)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def tick_folded(checkbox) -> None:
    """Open the GOV.UK details the checkbox is folded into (if closed), then tick it."""
    details = checkbox.locator("xpath=ancestor::details[1]")
    if details.count() and details.get_attribute("open") is None:
        details.locator("summary").click()
    checkbox.check()


def summary_value(page: Page, key: str):
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    )
    return row.first.locator(".govuk-summary-list__value")


def test_commissioner_imports_posts_shortlists_compares_exports_and_awards_to_a_responder(
    browser, page, live_app, live_url, console_errors, artifacts
):
    password = live_app.config["DEMO_PASSWORD"]
    mail = live_app.extensions["mail_sender"]

    def shot(target: Page, name: str) -> None:
        target.screenshot(path=str(artifacts / f"journey-commissioning-{name}.png"), full_page=True)

    today = clock.today()
    deadline = today + timedelta(days=35)
    contract_start = today + timedelta(days=60)
    contract_end = contract_start + timedelta(days=365)

    # 1. The commissioner imports the council framework from CSV under a new name --------------------------------
    sign_in(page, live_url, COMMISSIONER, password)
    page.goto(live_url + "/commissioner/frameworks")
    expect(page.locator("h1")).to_have_text("Outcomes frameworks")
    expect(page.locator("main")).to_contain_text(BODY_NAME)
    expect(page.get_by_role("link", name=FRAMEWORK_NAME)).to_have_count(0)
    page.get_by_role("link", name="Import a framework").click()
    expect(page.locator("h1")).to_have_text("Import an outcomes framework")
    page.get_by_label("Framework file").set_input_files(str(FRAMEWORK_CSV))
    page.get_by_label("Framework name").fill(FRAMEWORK_NAME)
    page.get_by_role("button", name="Import framework").click()
    page.wait_for_load_state()

    expect(page.locator("h1")).to_have_text(FRAMEWORK_NAME)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Imported {FRAMEWORK_NAME}")
    expect(page.locator("#framework-counts")).to_contain_text(re.compile(r"\d+ themes, \d+ aims, \d+ outcomes"))
    # Themes are headings; an outcome is a card; a measure's target is in its table.
    expect(page.get_by_role("heading", name="Improved educational attainment", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Protecting vulnerable children", level=2)).to_be_visible()
    outcome_card = page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name=FRAMEWORK_OUTCOME, level=4)
    )
    expect(outcome_card).to_have_count(1)
    measure_row = outcome_card.locator("tr").filter(has_text=FRAMEWORK_MEASURE)
    expect(measure_row.locator("td").nth(2)).to_have_text("85%")  # Target column
    expect(outcome_card).to_contain_text("Stay safe")  # mapped from the CSV's ecm_outcomes column
    outcome_id = outcome_card.get_attribute("id").removeprefix("outcome-")
    shot(page, "1-framework")

    page.goto(live_url + "/commissioner/frameworks")
    expect(page.get_by_role("link", name=FRAMEWORK_NAME)).to_be_visible()

    # 2. Post a need in a district, as a draft, then publish it ------------------------------------------------
    page.goto(live_url + "/commissioner/needs/new")
    expect(page.locator("h1")).to_have_text("Post a need")
    page.get_by_label("Title", exact=True).fill(NEED_TITLE)
    page.get_by_label("Summary", exact=True).fill(
        "Calm, sensory-friendly short breaks for disabled children and their families in Amber Valley."
    )
    page.get_by_label("Description", exact=True).fill(
        "We want regular short-break sessions in cultural venues for disabled children aged 5 to 16.\n\n"
        "Sessions should run on Saturdays and in school holidays, with trained staff and carers welcome."
    )
    page.get_by_label("Kind of need").select_option(label="Short breaks for disabled children")
    page.get_by_label("Commissioning level").select_option(label="Locality")
    page.get_by_label("Service area").select_option(label="Short breaks for disabled children (Aiming High)")
    localities = fieldset(page, "Localities")
    tick_folded(localities.get_by_label("Amber Valley (Derbyshire)", exact=True))
    fieldset(page, "Target groups").get_by_label("Disabled children / SEND").check()
    page.get_by_label("Youngest age").fill("5")
    page.get_by_label("Oldest age").fill("16")
    fieldset(page, "Every Child Matters outcomes").get_by_label("Be healthy", exact=True).check()
    fieldset(page, "Every Child Matters outcomes").get_by_label("Enjoy and achieve", exact=True).check()
    fieldset(page, "Aims").get_by_label("Mentally and emotionally healthy", exact=True).check()
    tick_folded(page.locator(f"input[name='framework_outcomes'][value='{outcome_id}']"))
    page.get_by_label("Budget from").fill("15000")
    page.get_by_label("Budget up to").fill("20,000")
    fill_date(page, "Contract start", contract_start)
    fill_date(page, "Contract end", contract_end)
    fill_date(page, "Deadline for responses", deadline)
    expect(page.get_by_label("Consortia are welcome to respond")).to_be_checked()  # the default for a new need
    shot(page, "2-need-form")
    page.get_by_role("button", name="Save need").click()
    page.wait_for_load_state()

    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("h1")).to_have_text(NEED_TITLE)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Need saved as a draft")
    expect(page.locator("main .govuk-tag").first).to_have_text("Draft")
    expect(page.locator("#publication-problems")).to_have_count(0)
    need_id = int(re.search(r"/needs/(\d+)$", page.url).group(1))
    need_url = f"{live_url}/needs/{need_id}"
    expect(summary_value(page, "Kind")).to_have_text("Short breaks for disabled children")
    expect(summary_value(page, "Localities")).to_have_text("Amber Valley")
    expect(summary_value(page, "Ages")).to_have_text("5 to 16")
    expect(summary_value(page, "Budget")).to_have_text("£15,000 to £20,000")
    expect(summary_value(page, "Framework outcomes")).to_have_text(FRAMEWORK_OUTCOME)
    expect(summary_value(page, "Aims")).to_have_text("Mentally and emotionally healthy")
    expect(summary_value(page, "Consortia")).to_have_text("Welcome to respond")
    expected_deadline = f"{deadline.day} {deadline:%B %Y}"
    expect(summary_value(page, "Deadline for responses")).to_have_text(expected_deadline)

    # Not on the public board while a draft.
    anonymous = browser.new_context(viewport={"width": 1280, "height": 900})
    anon = anonymous.new_page()
    anon.set_default_timeout(15_000)
    anon.goto(live_url + "/needs?text=" + "Amber+Valley")
    expect(anon.get_by_role("link", name=NEED_TITLE)).to_have_count(0)

    page.get_by_role("button", name="Publish need").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Need published on the opportunities board")
    expect(page.locator("main .govuk-tag").first).to_have_text("Open")
    shot(page, "3-need-published")

    # On the public board, filtered by the county: a need in a district shows for its county.
    anon.goto(live_url + "/needs")
    anon.get_by_label("Locality").select_option(label="Derbyshire")
    anon.get_by_label("Kind of need").select_option(label="Short breaks for disabled children")
    anon.get_by_role("button", name="Apply filters").click()
    anon.wait_for_load_state()
    assert "locality=E10000007" in anon.url
    card = anon.locator(".app-need").filter(has=anon.get_by_role("link", name=NEED_TITLE))
    expect(card).to_have_count(1)
    expect(card).to_contain_text(BODY_NAME)
    expect(card).to_contain_text("Amber Valley")
    expect(card).to_contain_text(expected_deadline)
    shot(anon, "4-board-derbyshire")
    card.get_by_role("link", name=NEED_TITLE).click()
    anon.wait_for_load_state()
    expect(anon.locator("h1")).to_have_text(NEED_TITLE)
    assert anon.url == need_url
    expect(anon.get_by_role("link", name="Respond to this need")).to_have_count(0)  # not signed in
    expect(anon.get_by_role("button", name="Publish need")).to_have_count(0)
    anonymous.close()

    # 3. The provider, in a second context, finds the need and responds ------------------------------------------
    provider_context = browser.new_context(viewport={"width": 1280, "height": 900})
    provider = provider_context.new_page()
    provider.set_default_timeout(15_000)
    provider_errors: list[str] = []
    provider.on("console", lambda m: provider_errors.append(m.text) if m.type == "error" else None)
    provider.on("pageerror", lambda error: provider_errors.append(str(error)))
    try:
        sign_in(provider, live_url, PROVIDER, password)
        provider.goto(live_url + "/needs")
        provider.get_by_label("Words").fill("sensory-friendly short breaks")
        provider.get_by_role("button", name="Apply filters").click()
        provider.wait_for_load_state()
        provider.get_by_role("link", name=NEED_TITLE).click()
        provider.wait_for_load_state()
        expect(provider.locator("h1")).to_have_text(NEED_TITLE)
        provider.get_by_role("link", name="Respond to this need").click()
        provider.wait_for_load_state()
        assert provider.url == f"{live_url}/needs/{need_id}/respond"
        expect(provider.locator("h1")).to_have_text(f"Respond to {NEED_TITLE}")

        respond_as = provider.get_by_label(f"{PROVIDER_NAME} on its own")
        if respond_as.count():
            respond_as.check()
        provider.get_by_label("Your approach").fill(
            "Monthly Saturday sensory sessions at the Museum of Making, led by our SEND learning officer, "
            "with quiet spaces, object handling and a parents' café."
        )
        fieldset(provider, "Which Every Child Matters outcomes will you deliver?").get_by_label(
            "Be healthy", exact=True
        ).check()
        fieldset(provider, "Which Every Child Matters outcomes will you deliver?").get_by_label(
            "Enjoy and achieve", exact=True
        ).check()
        provider.get_by_label("How you will deliver and show these outcomes").fill(
            "Parent and child wellbeing surveys each term; attendance and return rates reported quarterly."
        )
        provider.get_by_label("Your price in pounds").fill(PRICE)
        evidence = fieldset(provider, "Impact evidence").locator("input[type=checkbox]")
        evidence_count = evidence.count()  # the demo gives Derby Museums no impact evidence: respond without
        if evidence_count:
            evidence.first.check()
        else:
            expect(provider.locator("main")).to_contain_text("Your organisation has no impact evidence")
        shot(provider, "5-response-form")
        provider.get_by_role("button", name="Submit response").click()
        provider.wait_for_load_state()

        expect(provider.locator(".govuk-error-summary")).to_have_count(0)
        expect(provider.locator(".govuk-notification-banner")).to_contain_text(
            f"Your response to ‘{NEED_TITLE}’ has been submitted"
        )
        expect(provider.locator("h1")).to_have_text(PROVIDER_NAME)
        expect(summary_value(provider, "Price")).to_have_text("£18,500")
        expect(summary_value(provider, "Outcomes it will deliver")).to_have_text("Be healthy, Enjoy and achieve")
        response_id = int(re.search(r"/responses/(\d+)$", provider.url).group(1))

        provider.goto(live_url + "/provider/responses")
        row = provider.locator("tbody tr").filter(has=provider.get_by_role("link", name=NEED_TITLE))
        expect(row).to_have_count(1)
        expect(row).to_contain_text(BODY_NAME)
        expect(row).to_contain_text("Submitted")
        shot(provider, "6-provider-responses")

        # 4. The commissioner is told, shortlists, takes notes, compares, exports and awards -------------------
        page.goto(live_url + "/notifications/")
        expect(page.locator("h1")).to_have_text("Notifications")
        new_response = page.get_by_role("link", name=f"{PROVIDER_NAME} responded to ‘{NEED_TITLE}’")
        expect(new_response).to_have_count(1)
        expect(page.locator("li").filter(has=new_response).locator(".govuk-tag")).to_have_text("New")
        shot(page, "7-commissioner-notifications")
        new_response_emails = [
            m for m in mail.sent if m["To"] == COMMISSIONER and m["Subject"] == f"New response: {NEED_TITLE}"
        ]
        assert len(new_response_emails) == 1
        assert f"/responses/{response_id}" in new_response_emails[0].get_content()

        page.goto(f"{live_url}/commissioner/needs/{need_id}/responses")
        expect(page.locator("h1")).to_have_text(f"Responses to {NEED_TITLE}")
        response_row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=PROVIDER_NAME))
        expect(response_row).to_have_count(1)
        expect(response_row).to_contain_text("£18,500")
        expect(response_row).to_contain_text("Submitted")
        response_row.get_by_role("button", name=f"Add to shortlist {PROVIDER_NAME}").click()
        page.wait_for_load_state()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{PROVIDER_NAME} added to the shortlist")
        expect(response_row).to_contain_text("Shortlisted")

        # A second provider from its public profile, only if the profile offers "Add to shortlist" (it does not yet).
        page.goto(live_url + "/organisations")
        page.get_by_role("link", name=SECOND_PROVIDER).first.click()
        page.wait_for_load_state()
        expect(page.locator("h1")).to_have_text(SECOND_PROVIDER)
        add_from_profile = page.get_by_role("button", name=re.compile(r"^Add to shortlist"))
        second_provider = add_from_profile.count() > 0
        if second_provider:
            add_from_profile.first.click()
            page.wait_for_load_state()

        page.goto(f"{live_url}/commissioner/needs/{need_id}/shortlist")
        expect(page.locator("h1")).to_have_text("Shortlist")
        entry = page.locator("tbody tr").filter(has=page.get_by_role("link", name=PROVIDER_NAME, exact=True))
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text("No notes")
        entry.get_by_role("link", name=f"Change notes and rank for {PROVIDER_NAME}").click()
        page.wait_for_load_state()
        expect(page.locator("h1")).to_have_text(f"Notes and rank for {PROVIDER_NAME}")
        expect(page.get_by_label("Rank")).to_have_value("1")
        notes = "Strong SEND offer at the Museum of Making; check weekend staffing ratios."
        page.get_by_label("Notes").fill(notes)
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Notes and rank for {PROVIDER_NAME} saved")
        expect(entry).to_contain_text(notes)
        expect(entry).to_contain_text("Shortlisted")
        shot(page, "8-shortlist")

        page.get_by_role("link", name="Compare", exact=True).click()
        page.wait_for_load_state()
        assert page.url == f"{live_url}/commissioner/needs/{need_id}/compare"
        expect(page.locator("h1")).to_have_text("Compare the shortlist")
        table = page.locator("main table")
        expect(table.locator("thead th").first).to_have_text(PROVIDER_NAME)
        row_headings = table.locator("tbody th").all_inner_texts()
        for heading in ("Safeguarding", "Accreditations", "Kitemark", "Price", "Notes"):
            assert heading in row_headings, row_headings
        price_row = table.locator("tbody tr").filter(has=page.locator("th", has_text=re.compile(r"^Price$")))
        expect(price_row).to_contain_text("£18,500")
        notes_row = table.locator("tbody tr").filter(has=page.locator("th", has_text=re.compile(r"^Notes$")))
        expect(notes_row).to_contain_text(notes)
        shot(page, "9-compare")

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download the comparison (CSV)").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".csv")
        csv_text = Path(download.path()).read_text(encoding="utf-8-sig")
        assert csv_text.splitlines()[0].startswith("Criterion,")
        assert PROVIDER_NAME in csv_text
        assert "Safeguarding" in csv_text and "Price" in csv_text
        assert notes in csv_text
        if second_provider:
            assert SECOND_PROVIDER in csv_text
        # The same export fetched inside the signed-in context.
        fetched = page.request.get(f"{live_url}/commissioner/needs/{need_id}/shortlist.csv")
        assert fetched.ok and fetched.headers["content-type"].startswith("text/csv")
        assert PROVIDER_NAME in fetched.text()

        # Award (open or closed needs can be awarded; close first, as the deadline is weeks away).
        page.goto(need_url)
        page.get_by_role("button", name="Close to responses").click()
        page.wait_for_load_state()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Need closed")
        expect(page.locator("main .govuk-tag").first).to_have_text("Closed")

        page.goto(f"{live_url}/commissioner/needs/{need_id}/award")
        expect(page.locator("h1")).to_have_text("Award this need")
        awardees = fieldset(page, "Who are you awarding this need to?")
        awardees.get_by_label(f"1. {PROVIDER_NAME}").check()
        decision = "Best value for a sensory-friendly offer close to families in Amber Valley."
        page.get_by_label("Decision note").fill(decision)
        shot(page, "10-award-form")
        page.get_by_role("button", name="Continue", exact=True).click()
        expect(page.locator("main")).to_contain_text("This cannot be undone")
        page.get_by_role("button", name="Yes, award this need").click()
        page.wait_for_load_state()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"‘{NEED_TITLE}’ awarded to {PROVIDER_NAME}")
        expect(page.locator("main")).to_contain_text("Awarded")
        expect(page.locator("main")).to_contain_text("This need is awarded: its shortlist can no longer change")
        page.goto(f"{live_url}/commissioner/needs/{need_id}/award")
        expect(summary_value(page, "Awarded to")).to_have_text(PROVIDER_NAME)
        expect(summary_value(page, "Decision note")).to_have_text(decision)
        shot(page, "11-awarded")

        # 5. The provider hears about the award, in the app and by email ---------------------------------------
        provider.goto(live_url + "/notifications/")
        expect(provider.locator("h1")).to_have_text("Notifications")
        award_note = provider.get_by_role("link", name=f"{BODY_NAME} has awarded ‘{NEED_TITLE}’ to {PROVIDER_NAME}")
        expect(award_note).to_have_count(1)
        expect(provider.locator("li").filter(has=award_note).locator(".govuk-tag")).to_have_text("New")
        shot(provider, "12-provider-notifications")
        award_note.click()
        provider.wait_for_load_state()
        assert provider.url == need_url
        expect(provider.locator("main .govuk-tag").first).to_have_text("Awarded")
        provider.goto(live_url + "/provider/responses")
        row = provider.locator("tbody tr").filter(has=provider.get_by_role("link", name=NEED_TITLE))
        expect(row).to_contain_text("Awarded")

        award_emails = [
            m
            for m in mail.sent
            if m["To"] == PROVIDER and m["Subject"] == f"Your response was successful: {NEED_TITLE}"
        ]
        assert len(award_emails) == 1
        assert f"/needs/{need_id}" in award_emails[0].get_content()
        assert provider_errors == []
    finally:
        provider_context.close()

    assert console_errors == []
