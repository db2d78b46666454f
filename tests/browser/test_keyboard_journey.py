"""Keyboard-only journey in headless Chromium: a commissioner posts and publishes a need, a provider responds.

Nothing is clicked or filled: focus moves with Tab (and Shift+Tab), text is typed, selects change with the arrow
keys, checkboxes and radios with Space, links and buttons with Enter. Each step checks which element has focus
(by its accessible role and name) and that the focus is visible. The skip link and the error summary's focus
on an invalid submit are checked on the way. The app's own CSP stays on (the ordinary ``page`` fixture).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from marketplace.core import clock

pytestmark = pytest.mark.browser

COMMISSIONER = "commissioner@derby.example.org"
PROVIDER = "provider@derby-museums.example.org"
PROVIDER_NAME = "Derby Museums"
NEED_TITLE = "Keyboard-friendly museum sessions"
MAX_TABS = 250

# The GOV.UK focus state: a yellow (#ffdd00) background or a visible outline/box-shadow ring.
FOCUS_STYLE = """el => {
  const style = getComputedStyle(el);
  return style.backgroundColor === 'rgb(255, 221, 0)'
    || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== 'none';
}"""


def is_focused(target: Locator) -> bool:
    return target.evaluate("el => el === document.activeElement")


def tab_to(page: Page, target: Locator, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``target`` has focus, then check that its focus is visible."""
    expect(target).to_have_count(1)
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if is_focused(target):
            assert target.evaluate(FOCUS_STYLE), f"focus on {target} is not visible"
            return
    pytest.fail(f"{MAX_TABS} presses of {key} never reached {target}")


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)
    expect(target).to_have_value(text)


def choose(page: Page, select: Locator, label: str) -> None:
    """Move a focused select's choice with the arrow keys until it shows ``label``."""
    tab_to(page, select)
    for _ in range(100):
        if select.evaluate("el => el.selectedOptions[0] && el.selectedOptions[0].text") == label:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"{label!r} is not an option of {select}")


def tick(page: Page, checkbox: Locator) -> None:
    tab_to(page, checkbox)
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()


def press_button(page: Page, button: Locator) -> None:
    """Tab to a link or button and press Enter, waiting for the page it leads to."""
    tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    type_into(page, group.get_by_label("Day"), str(day.day))
    for part, value in (("Month", day.month), ("Year", day.year)):
        page.keyboard.press("Tab")  # the date parts follow each other
        assert is_focused(group.get_by_label(part)), f"Tab after Day did not reach {part} in {legend}"
        page.keyboard.type(str(value))


def sign_in(page: Page, live_url: str, email: str, password: str) -> None:
    page.goto(live_url + "/account/sign-in")
    type_into(page, page.get_by_label("Email address"), email)
    type_into(page, page.get_by_role("textbox", name="Password"), password)
    press_button(page, page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_skip_link_and_error_summary_take_focus(page, live_url, console_errors):
    page.goto(live_url + "/account/sign-in")
    skip = page.get_by_role("link", name="Skip to main content")
    page.keyboard.press("Tab")
    assert is_focused(skip), "the first Tab does not reach the skip link"
    assert skip.evaluate(FOCUS_STYLE)
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10, f"the focused skip link is not on screen: {box}"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # from the main landmark, the next stop is the form's first field
    expect(page.get_by_label("Email address")).to_be_focused()

    press_button(page, page.get_by_role("button", name="Sign in"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    assert summary.evaluate(FOCUS_STYLE), "the focused error summary shows no focus ring"
    error_link = summary.get_by_role("link", name="Enter your email address")
    tab_to(page, error_link)
    page.keyboard.press("Enter")  # an error link moves focus to its field (GOV.UK Frontend's error summary)
    expect(page.get_by_label("Email address")).to_be_focused()
    assert console_errors == []


def test_commissioner_posts_and_publishes_a_need_and_a_provider_responds_using_only_the_keyboard(
    browser, page, live_app, live_url, console_errors, artifacts
):
    password = live_app.config["DEMO_PASSWORD"]
    deadline = clock.today() + timedelta(days=30)

    # The commissioner signs in and reaches the new-need form from the navigation ----------------------------
    sign_in(page, live_url, COMMISSIONER, password)
    press_button(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Needs", exact=True))
    expect(page.locator("h1")).to_have_text("Your needs")
    press_button(page, page.get_by_role("link", name="Post a need"))
    expect(page.locator("h1")).to_have_text("Post a need")

    # An empty form first: the error summary takes focus and its first link leads to the title field.
    press_button(page, page.get_by_role("button", name="Save need"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    tab_to(page, summary.get_by_role("link", name="Enter a title for the need"))
    page.keyboard.press("Enter")
    title = page.get_by_label("Title", exact=True)
    expect(title).to_be_focused()

    page.keyboard.type(NEED_TITLE)
    type_into(page, page.get_by_label("Summary", exact=True), "Object handling sessions for children in care.")
    choose(page, page.get_by_label("Kind of need"), "Spot purchase")
    choose(page, page.get_by_label("Service area"), "Children in care")
    localities = page.get_by_role("group", name="Localities")
    region = localities.locator("summary", has_text="East Midlands")
    tab_to(page, region)
    page.keyboard.press("Enter")  # opens the folded region
    tick(page, localities.get_by_label("Derby", exact=True))
    # Back up to the summary with Shift+Tab: focus order runs both ways.
    tab_to(page, page.get_by_label("Service area"), backwards=True)
    type_date(page, "Deadline for responses", deadline)
    page.screenshot(path=str(artifacts / "keyboard-1-need-form.png"), full_page=True)
    press_button(page, page.get_by_role("button", name="Save need"))

    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("h1")).to_have_text(NEED_TITLE)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Need saved as a draft")
    press_button(page, page.get_by_role("button", name="Publish need"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Need published on the opportunities board")
    need_url = page.url

    # The provider, in a second context, finds the need on the board and responds ----------------------------
    provider_context = browser.new_context(viewport={"width": 1280, "height": 900})
    provider = provider_context.new_page()
    provider.set_default_timeout(15_000)
    provider_errors: list[str] = []
    provider.on("console", lambda m: provider_errors.append(m.text) if m.type == "error" else None)
    try:
        sign_in(provider, live_url, PROVIDER, password)
        menu = provider.get_by_role("navigation", name="Menu")
        press_button(provider, menu.get_by_role("link", name="Opportunities", exact=True))
        type_into(provider, provider.get_by_label("Words"), NEED_TITLE)
        press_button(provider, provider.get_by_role("button", name="Apply filters"))
        press_button(provider, provider.get_by_role("link", name=NEED_TITLE))
        assert provider.url == need_url
        press_button(provider, provider.get_by_role("link", name="Respond to this need"))
        expect(provider.locator("h1")).to_have_text(f"Respond to {NEED_TITLE}")

        on_its_own = provider.get_by_label(f"{PROVIDER_NAME} on its own")
        if on_its_own.count():  # Derby Museums may lead a consortium: then it says who responds
            tab_to(provider, on_its_own)
            provider.keyboard.press("Space")
            expect(on_its_own).to_be_checked()
        type_into(provider, provider.get_by_label("Your approach"), "Weekly handling sessions at the museum.")
        outcomes = provider.get_by_role("group", name="Which Every Child Matters outcomes will you deliver?")
        tick(provider, outcomes.get_by_label("Enjoy and achieve", exact=True))
        type_into(provider, provider.get_by_label("Your price in pounds"), "4500")
        provider.screenshot(path=str(artifacts / "keyboard-2-response-form.png"), full_page=True)
        press_button(provider, provider.get_by_role("button", name="Submit response"))

        expect(provider.locator(".govuk-error-summary")).to_have_count(0)
        expect(provider.locator(".govuk-notification-banner")).to_contain_text(
            f"Your response to ‘{NEED_TITLE}’ has been submitted"
        )
        expect(provider.locator("h1")).to_have_text(PROVIDER_NAME)
    finally:
        provider_context.close()
    assert provider_errors == []
    assert console_errors == []
