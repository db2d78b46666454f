"""Issue 14's "Done when" in headless Chromium: a commissioner awards a short-breaks need; the contract appears
with measures linked to the seed 003 framework; the provider submits two quarterly returns (one off track); the
status turns red by rule; the challenger records a challenge; the outcome roll-up and the board report show it;
at close-out the track record appears on the provider's profile.

The body, its seed framework, the need (linked to two seed measures) and the shortlisted response are set up
directly (the commissioning journey already drives those pages); everything from the award on is done in the
browser, by three people in their own browser contexts.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from marketplace.commissioning.frameworks.importer import read_framework_file
from marketplace.commissioning.frameworks.services import import_framework
from marketplace.commissioning.models import FrameworkMeasure, ResponseStatus
from marketplace.directory.models import OrganisationStatus
from tests import factories
from tests.browser.test_commissioning_journey import fieldset
from tests.commissioning.shortlists.conftest import put_on_shortlist
from tests.factories import make_need, make_response
from tests.monitoring.test_framework_import import SEED_FILE

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
NEED_TITLE = "Short breaks for looked-after children in Central Bedfordshire"
PROVIDER_NAME = "Leighton Arts for All"


def _measure(framework, title_start: str) -> FrameworkMeasure:
    """The measure in this framework (the demo data holds the same seed framework for another body)."""
    return next(
        measure
        for theme in framework.themes
        for aim in theme.aims
        for outcome in aim.outcomes
        for measure in outcome.measures
        if measure.title.startswith(title_start)
    )


def _set_up(live_app) -> dict:
    with live_app.app_context():
        body = factories.make_body("Central Bedfordshire Council (journey)")
        framework = import_framework(body, read_framework_file(SEED_FILE.name, SEED_FILE.read_bytes()))
        manager = factories.make_commissioner(body, email="manager@cbc-journey.example.org", name="Mina Manager")
        factories.make_commissioner(body, email="challenger@cbc-journey.example.org", name="Chris Challenger")
        organisation = factories.make_organisation(PROVIDER_NAME, status=OrganisationStatus.PUBLISHED)
        factories.make_provider(organisation, email="lead@arts-journey.example.org", name="Pat Provider")
        sdq = _measure(framework, "Children and young people who are Looked After (LAC) have better mental health")
        sdq.direction, sdq.tolerance = "lower", 0.5
        need = make_need(
            body,
            title=NEED_TITLE,
            contract_start=date(2026, 4, 1),
            contract_end=date(2027, 3, 31),
            framework_outcomes=[sdq.outcome],
            framework_measures=[sdq],
        )
        response = make_response(need, organisation, status=ResponseStatus.SHORTLISTED, price_pence=4_500_000)
        put_on_shortlist(need, organisation, response=response)
        return {
            "need_id": need.id,
            "organisation_id": organisation.id,
            "framework_id": framework.id,
            "outcome_id": sdq.outcome_id,
            "manager": manager.email,
        }


def sign_in(browser, live_url: str, email: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(live_url + "/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def submit_return(page: Page, quarter: str, figure: str, story: str) -> None:
    page.get_by_role("link", name=f"Submit return for {quarter}").click()
    page.locator("input[name^='measure_']").first.fill(figure)
    page.get_by_label("The story behind the numbers").fill(story)
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Return for {quarter} submitted")
    page.get_by_role("link", name="Back to").first.click()


def test_award_to_track_record(browser, live_app, live_url):
    ids = _set_up(live_app)

    # The commissioner awards; the contract appears with the seed framework's measure.
    manager = sign_in(browser, live_url, ids["manager"])
    manager.goto(f"{live_url}/commissioner/needs/{ids['need_id']}/award")
    fieldset(manager, "Who are you awarding this need to?").get_by_label(f"1. {PROVIDER_NAME}").check()
    manager.get_by_label("Decision note").fill("Strongest outcomes for looked-after children")
    manager.get_by_role("button", name="Continue").click()
    manager.get_by_role("button", name="Yes, award this need").click()
    manager.goto(f"{live_url}/commissioner/contracts")
    manager.get_by_role("link", name=NEED_TITLE).click()
    expect(manager.locator("#measures")).to_be_visible()
    expect(manager.locator("main")).to_contain_text("Better health outcomes for looked after children")
    expect(manager.locator("main")).to_contain_text("Lower is better")
    contract_url = manager.url

    # The provider submits two quarterly returns, the second off track.
    provider = sign_in(browser, live_url, "lead@arts-journey.example.org")
    provider.goto(contract_url)
    submit_return(provider, "Q1 2026/27", "12.8", "Settled placements and new key workers.")
    submit_return(provider, "Q2 2026/27", "14.6", "Two placement breakdowns in the quarter.")

    # Red by rule, drawn on the trend chart with its table.
    manager.goto(contract_url)
    expect(manager.locator(".app-measure .govuk-tag").first).to_have_text("Off track")
    expect(manager.locator("svg.app-chart circle.app-chart__point--red")).to_have_count(1)
    expect(manager.locator(".app-measure table")).to_contain_text("14.6")

    # The challenger, a second person in the body, records a challenge.
    challenger = sign_in(browser, live_url, "challenger@cbc-journey.example.org")
    challenger.goto(contract_url)
    challenger.get_by_role("link", name="Record agreement or a challenge").click()
    challenger.get_by_label("Period").select_option(label="Q2 2026/27")
    fieldset(challenger, "Do you agree with the ratings?").get_by_label("Challenge the ratings").check()
    challenger.get_by_label("Note").fill("Is the rise a recording change after the new SDQ form?")
    challenger.get_by_role("button", name="Record").click()
    expect(challenger.locator(".govuk-notification-banner")).to_contain_text("Challenge recorded")

    # The outcome roll-up and the board report show it.
    manager.goto(f"{live_url}/commissioner/frameworks/{ids['framework_id']}/outcomes/{ids['outcome_id']}/contracts")
    expect(manager.locator("#roll-up-counts")).to_contain_text("1 contract contributing")
    expect(manager.locator("main")).to_contain_text("Off track")
    manager.goto(f"{live_url}/commissioner/contracts/report")
    expect(manager.locator("main")).to_contain_text("Is the rise a recording change after the new SDQ form?")
    expect(manager.locator("main")).to_contain_text(NEED_TITLE)

    # Close-out, consent, and the track record on the provider's profile.
    manager.goto(contract_url)
    manager.get_by_role("link", name="Close out this contract").click()
    manager.get_by_label("Outcomes achieved").fill("Placements stabilised for 18 children; SDQ scores mixed.")
    manager.get_by_role("button", name="Close out contract").click()
    provider.goto(contract_url)
    provider.get_by_role("button", name="Show this review on our profile").click()
    expect(provider.locator(".govuk-notification-banner")).to_contain_text("shown on your profile")
    visitor = browser.new_context().new_page()
    visitor.goto(f"{live_url}/organisations/{ids['organisation_id']}")
    visitor.get_by_role("link", name="Outcomes delivered on past contracts").click()
    expect(visitor.locator("main")).to_contain_text(
        f"Delivered {NEED_TITLE} for Central Bedfordshire Council (journey); 0 of 1 targets met"
    )
