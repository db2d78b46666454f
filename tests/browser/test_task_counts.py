"""How long the three main tasks are, in page loads, form submissions and validation errors (issue 17, Measure).

Each task is walked in Chromium along its straight path, as a user who knows the service would walk it, typing
what people type (so a form that argues with them shows up as validation errors met, then corrected):

- provider: from registration to a published, evidence-backed profile (basics, localities, impact evidence
  linked to an outcome statement, a safeguarding record, published);
- commissioner: from sign-in to three providers shortlisted for a new short-breaks need;
- assessor: from the kitemark queue to a decision (award) on a waiting application.

A step that may or may not exist (a second sign-in factor, an email confirmation after registration) is
detected and walked when present, so it is counted, never skipped: its cost is recorded on its own and held to
``EXTRA_STEP_ALLOWANCE``. The counts go to ``test-artifacts/task_counts.json``; the straight path's own figures
are held to ``BUDGET`` (the figures measured when this script was written), so a change that makes a task longer
fails here. Lower the budget when a task gets shorter.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from marketplace.core import clock
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.kitemark.services import apply_for_kitemark
from marketplace.notifications.services import deliver_due_emails_now
from tests.browser.elsewhere import LIVE_APPS
from tests.client import fresh_code, path_of
from tests.factories import PASSWORD, make_ready_organisation

pytestmark = pytest.mark.browser

COMMISSIONER = "commissioner@derby.example.org"
ASSESSOR = "assessor@artscouncil.example.org"
# Today's straight paths (figures in the module docstring's terms); a task may not get longer than this.
BUDGET = {
    "provider": {"page_loads": 6, "form_submissions": 4, "validation_errors": 0},  # was 16 / 7 / 0, then 13 / 7 / 0
    "commissioner": {"page_loads": 6, "form_submissions": 3, "validation_errors": 0},  # was 11 / 6 / 0
    "assessor": {"page_loads": 4, "form_submissions": 2, "validation_errors": 0},  # was 7 / 4 / 0
}
# Steps some branches add on purpose (security): counted in the totals, held to their own allowance.
EXTRA_STEP_ALLOWANCE = {
    "second sign-in factor": {"page_loads": 1, "form_submissions": 1, "validation_errors": 0},
    "email confirmation": {"page_loads": 3, "form_submissions": 1, "validation_errors": 0},  # the link, sign-in
}
COUNTED = ("page_loads", "form_submissions", "validation_errors")
LINK = re.compile(r"https?://\S+")
CONFIRM_EMAIL = re.compile(r"(check|confirm) your email|confirm your (email )?address|link to confirm", re.I)


@dataclass
class TaskCount:
    """What one task cost its user: documents loaded, forms sent, error messages read, and the extra steps met."""

    page_loads: int = 0
    form_submissions: int = 0
    validation_errors: int = 0
    extra_steps: list[dict] = field(default_factory=list)

    def measured(self) -> dict[str, int]:
        return {key: getattr(self, key) for key in COUNTED}

    def without_extra_steps(self) -> dict[str, int]:
        """The straight path's own figures: the extra steps' cost (each held to its allowance) taken out."""
        return {key: getattr(self, key) - sum(step[key] for step in self.extra_steps) for key in COUNTED}


class Walk:
    """A page that counts what its user does: every document load, every form posted, every error summary shown.

    Loads and posts are counted from the browser's own events (a POST that redirects is one submission and one
    load), so nothing depends on how each step is written below.
    """

    def __init__(self, page: Page, base: str, mail, code_for: Callable[[str], str] | None = None) -> None:
        self.page, self.base, self.mail, self.count = page, base, mail, TaskCount()
        self.code_for = code_for or self._authenticator_code  # what the person's authenticator app shows
        page.on("load", lambda _page: self._loaded())
        page.on("request", self._requested)

    def _loaded(self) -> None:
        self.count.page_loads += 1

    def _requested(self, request) -> None:
        if request.is_navigation_request() and request.method == "POST" and request.frame == self.page.main_frame:
            self.count.form_submissions += 1

    def visit(self, path: str) -> None:
        """Go to a page the user would reach in one click (a navigation link, a link in the page)."""
        self.page.goto(self.base + path)

    def follow(self, name: str | re.Pattern, *otherwise: str) -> None:
        """Click the link in the page's main content, or, when there is none, take the pages a user would take."""
        link = self.page.locator("main").get_by_role("link", name=name)
        if link.count():
            link.first.click()
            self.page.wait_for_load_state()
            return
        for path in otherwise:
            self.visit(path)

    def submit(self, button: Locator) -> int:
        """Press a form's button; return (and count) the error messages the page answers with."""
        button.click()
        self.page.wait_for_load_state()
        errors = self.page.locator(".govuk-error-summary .govuk-error-summary__list li").count()
        self.count.validation_errors += errors
        return errors

    def submit_until_accepted(self, button_name: str | re.Pattern, *fixes) -> None:
        """Submit; while the page finds errors, apply the next fix a user would make and submit again."""
        pending = list(fixes)
        while self.submit(self.page.get_by_role("button", name=button_name).first):
            assert pending, f"errors left after every fix: {self.page.locator('.govuk-error-summary').inner_text()}"
            pending.pop(0)(self.page)

    # Steps that exist on some branches of the service: detected, walked and counted when present -------------

    @contextmanager
    def extra_step(self, name: str):
        """Attribute what happens inside to the named extra step (its cost is recorded beside the totals)."""
        before = self.count.measured()
        yield
        after = self.count.measured()
        self.count.extra_steps.append({"name": name} | {key: after[key] - before[key] for key in COUNTED})

    def sign_in(self, email: str, password: str) -> None:
        self.visit("/account/sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_role("textbox", name="Password").fill(password)
        assert self.submit(self.page.get_by_role("button", name="Sign in")) == 0
        self.second_factor(email)
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()

    def second_factor(self, email: str) -> None:
        """A second sign-in step (a code from the authenticator app), if the service asks for one."""
        if self.page.get_by_role("button", name="Sign out").count():
            return
        code_box = self.page.get_by_role("textbox", name=re.compile(r"code", re.I))
        if not code_box.count():
            return
        code = self.code_for(email)
        with self.extra_step("second sign-in factor"):
            code_box.first.fill(code)
            assert self.submit(self.page.locator("main").get_by_role("button").first) == 0

    def confirm_email(self, email: str, password: str) -> None:
        """An email confirmation after registration, if the service sends one: follow its link (sign in if asked)."""
        if not CONFIRM_EMAIL.search(self.page.locator("main").inner_text()):
            return
        link = self._latest_mail_match(email, LINK, prefer="confirm") or self._mail_after_outbox(email)
        assert link, "registration asks for an email confirmation but no link was sent"
        with self.extra_step("email confirmation"):
            self.page.goto(self.base + path_of(link))  # the emailed link names the configured BASE_URL
            create = self.page.locator("main").get_by_role("button", name=re.compile(r"create account", re.I))
            if create.count():
                assert self.submit(create.first) == 0
            if not self.page.get_by_role("button", name="Sign out").count():
                self.sign_in(email, password)

    def _mail_after_outbox(self, email: str) -> str | None:
        """The link once the outbox ahead of it (the demo's own emails) has gone, as the scheduler's job sends it."""
        if self.base not in LIVE_APPS:
            return None
        for _attempt in range(50):
            with LIVE_APPS[self.base].app_context():
                deliver_due_emails_now()
            link = self._latest_mail_match(email, LINK, prefer="confirm")
            if link:
                return link
            time.sleep(0.2)
        return None

    def _authenticator_code(self, email: str) -> str:
        """The code a staff member's authenticator app shows now (the demo's staff use DEMO_TOTP_SECRET)."""
        with LIVE_APPS[self.base].app_context():
            return fresh_code(email)

    def _latest_mail_match(self, email: str, pattern: re.Pattern, prefer: str = "") -> str | None:
        for message in reversed(self.mail.sent):
            if email not in str(message["To"]):
                continue
            found = [m.group(0) if not m.groups() else m.group(1) for m in pattern.finditer(_body(message))]
            preferred = [item for item in found if prefer in item]
            if preferred or found:
                return (preferred or found)[0].rstrip(".,)")
        return None


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html")) if message.is_multipart() else message
    return part.get_content() if part is not None else ""


def new_walk(browser: Browser, live_app) -> Walk:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return Walk(page, live_app.config["LIVE_URL"], live_app.extensions["mail_sender"])


def record(task: str, count: TaskCount, artifacts: Path) -> None:
    """Write the task's counts beside the others in test-artifacts/task_counts.json, then hold them to budget."""
    path = artifacts / "task_counts.json"
    figures = json.loads(path.read_text()) if path.exists() else {}
    figures[task] = asdict(count) | {"budget": BUDGET[task]}
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    straight = count.without_extra_steps()
    over = {key: value for key, value in straight.items() if value > BUDGET[task][key]}
    assert not over, f"the {task} task got longer: {straight} against a budget of {BUDGET[task]}"
    for step in count.extra_steps:
        allowance = EXTRA_STEP_ALLOWANCE[step["name"]]
        assert all(step[key] <= allowance[key] for key in COUNTED), f"{step} costs more than {allowance}"


def fill_date(page: Page, legend: str, day) -> None:
    group = page.locator("fieldset").filter(has=page.locator("legend", has_text=legend))
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def pdf(name: str) -> dict:
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return {"name": name, "mimeType": "application/pdf", "buffer": body}


def open_folded(checkbox: Locator) -> Locator:
    """Open the GOV.UK details a checkbox is folded into (a click the user makes too), and return the checkbox."""
    details = checkbox.locator("xpath=ancestor::details[1]")
    if details.count() and details.get_attribute("open") is None:
        details.locator("summary").click()
    return checkbox


# The provider ----------------------------------------------------------------------------------------------------


def register_provider(walk: Walk, org_name: str, email: str) -> None:
    page = walk.page
    walk.visit("/account/register")
    role = page.get_by_label(re.compile(r"list my cultural organisation", re.I))
    if role.count():
        role.first.check()
    if not page.get_by_label("Full name").count():  # the role asked on a page of its own first
        walk.submit_until_accepted(re.compile(r"^Continue"))
    page.get_by_label("Full name").fill("Robin Ashdale")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Organisation name").fill(org_name)
    page.get_by_label("Organisation type").select_option(label="Archive")
    page.get_by_role("textbox", name="Create a password").fill(PASSWORD)
    page.get_by_role("textbox", name="Confirm password").fill(PASSWORD)
    walk.submit_until_accepted("Create account")
    walk.confirm_email(email, PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def provider_profile(walk: Walk, org_name: str, statement: str, evidence_title: str) -> None:
    """The profile's straight path, following where each "Save and continue" lands (a page the service does not
    land on is visited, and counted, as a user would have to find it)."""
    page, onwards = walk.page, re.compile(r"^Save and continue")
    if not urlsplit(page.url).path.endswith("/provider/profile/basics"):  # registration may land elsewhere
        walk.visit("/provider/profile/basics")
    page.get_by_label("Legal form").select_option(label="Charity")
    page.get_by_label("Charity or company registration number").fill("7654321")
    page.get_by_label("Description", exact=True).fill(f"{org_name} opens its collections to children and families.")
    page.get_by_label("Address", exact=True).fill("2 Record Office Lane\nMatlock")
    page.get_by_label("Postcode", exact=True).fill("de4 3ag")
    page.get_by_label("Website", exact=True).fill("ashdale-archive.example.org")  # as people type it
    page.get_by_label("Contact name", exact=True).fill("Robin Ashdale")
    page.get_by_label("Contact email address").fill("robin@ashdale-archive.example.org")
    open_folded(page.get_by_label("Derbyshire (county: includes all its districts)", exact=True)).check()
    walk.submit_until_accepted(
        onwards, lambda p: p.get_by_label("Website", exact=True).fill("https://ashdale-archive.example.org")
    )

    if not urlsplit(page.url).path.endswith("/provider/profile/outcomes"):
        walk.visit("/provider/profile/outcomes")
    # People tick the aim they recognise and expect its outcome to follow.
    page.get_by_role("group", name="Aims of Enjoy and achieve you contribute to").get_by_label(
        "Achieve personal and social development and enjoy recreation"
    ).check()
    page.get_by_label("How you contribute to Enjoy and achieve").fill(statement)
    page.locator("summary", has_text="Add new evidence for Enjoy and achieve").click()  # evidence beside the statement
    evidence = page.get_by_role("group", name="New evidence for Enjoy and achieve")
    evidence.get_by_label("Title", exact=True).fill(evidence_title)
    evidence.get_by_role("group", name="What kind of evidence is it?").get_by_label("Evaluation").check()
    evidence.get_by_label("Method", exact=True).fill("Questionnaires before and after each project.")
    evidence.get_by_label("Result", exact=True).fill("87% wanted to research their own local history.")
    walk.submit_until_accepted(onwards)

    if not urlsplit(page.url).path.endswith("/provider/evidence/safeguarding"):
        walk.visit("/provider/evidence/safeguarding")
    today = clock.today()
    page.get_by_label("Safeguarding policy").set_input_files(files=[pdf("policy.pdf")])
    fill_date(page, "When was the policy last reviewed?", today - timedelta(days=30))
    page.get_by_label("Designated safeguarding lead", exact=True).fill("Sam Guardian")
    fill_date(page, "training", today - timedelta(days=90))
    page.get_by_label("Percentage of staff and volunteers with enhanced DBS checks").fill("100")
    walk.submit_until_accepted("Save and publish")  # the last step publishes, through the same rules
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("published")


def _evidence_behind(live_app, org_name: str) -> list[str]:
    """The titles of the impact evidence linked to the organisation's outcome statements."""
    with live_app.app_context():
        organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == org_name))
        titles = [item.title for entry in organisation.outcome_contributions for item in entry.evidence]
        db.session.remove()
    return titles


def test_provider_task_from_registration_to_a_published_evidence_backed_profile(browser, live_app, artifacts):
    suffix = uuid.uuid4().hex[:8]
    org_name, email = f"Ashdale Archive {suffix}", f"robin-{suffix}@ashdale-archive.example.org"
    evidence_title = f"Archive explorers evaluation {suffix}"
    walk = new_walk(browser, live_app)
    try:
        register_provider(walk, org_name, email)
        provider_profile(walk, org_name, f"{org_name} runs hands-on archive workshops for children.", evidence_title)
        link = walk.page.locator("main").get_by_role("link", name="View your public profile")
        if link.count():  # the published banner links to the public profile
            link.click()
            walk.page.wait_for_load_state()
        else:
            walk.visit("/organisations")
            walk.page.get_by_role("link", name=org_name).click()
        expect(walk.page.locator("main")).to_contain_text(f"{org_name} runs hands-on archive workshops")
    finally:
        walk.page.context.close()
    assert _evidence_behind(live_app, org_name) == [evidence_title], "the published profile is evidence-backed"
    record("provider", walk.count, artifacts)


# The commissioner ------------------------------------------------------------------------------------------------


def post_short_breaks_need(walk: Walk, title: str) -> None:
    page = walk.page
    walk.visit("/commissioner/needs/new")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Summary", exact=True).fill("Sensory-friendly short breaks for disabled children in Derby.")
    page.get_by_label("Description", exact=True).fill("Saturday and holiday short-break sessions in cultural venues.")
    page.get_by_label("Kind of need").select_option(label="Short breaks for disabled children")
    page.get_by_label("Commissioning level").select_option(label="Locality")
    page.get_by_label("Service area").select_option(label="Short breaks for disabled children (Aiming High)")
    localities = page.locator("fieldset").filter(has=page.locator("legend", has_text="Localities"))
    open_folded(localities.get_by_label("Derby", exact=True)).check()
    page.get_by_label("Youngest age").fill("5")
    page.get_by_label("Oldest age").fill("16")
    page.locator("fieldset").filter(has=page.locator("legend", has_text="Aims")).get_by_label(
        "Mentally and emotionally healthy", exact=True
    ).check()
    fill_date(page, "Deadline for responses", clock.today() + timedelta(days=35))
    walk.submit_until_accepted("Save and publish")  # publishes the draft and lands on its matches
    expect(page.locator(".govuk-notification-banner")).to_contain_text("published")


def test_commissioner_task_from_sign_in_to_three_shortlisted_providers_for_a_short_breaks_need(
    browser, live_app, artifacts
):
    title = f"Short breaks in Derby {uuid.uuid4().hex[:8]}"
    walk = new_walk(browser, live_app)
    try:
        walk.sign_in(COMMISSIONER, live_app.config["DEMO_PASSWORD"])
        post_short_breaks_need(walk, title)
        matches_path = urlsplit(walk.page.url).path
        assert matches_path.endswith("/matches"), matches_path
        # Three matches ticked, then added in one go; the banner links to the shortlist.
        for box in walk.page.locator("#matches input[name='selected']").all()[:3]:
            box.check()
        walk.submit_until_accepted("Add selected to shortlist")
        expect(walk.page.locator(".govuk-notification-banner--success")).to_contain_text("added to the shortlist")
        walk.follow("View the shortlist", matches_path.removesuffix("/matches") + "/shortlist")
        expect(walk.page.locator("main tbody tr")).to_have_count(3)
    finally:
        walk.page.context.close()
    record("commissioner", walk.count, artifacts)


# The assessor ----------------------------------------------------------------------------------------------------


def test_assessor_task_from_the_queue_to_a_decision(browser, live_app, artifacts):
    name = f"Dove Valley Heritage {uuid.uuid4().hex[:8]}"
    with live_app.app_context():
        organisation, provider = make_ready_organisation(name, registration_number="2222222")
        apply_for_kitemark(organisation, user=provider)
        db.session.remove()
    walk = new_walk(browser, live_app)
    page = walk.page
    try:
        walk.sign_in(ASSESSOR, live_app.config["DEMO_PASSWORD"])
        if not page.locator("#queue tr", has_text=name).count():  # the landing page lists the waiting work
            walk.visit("/assessor/kitemark")
        page.locator("#queue tr", has_text=name).get_by_role("link", name=name).click()
        # Nobody has taken the application: the declaration is made with the decision, which assigns it.
        page.get_by_label("I have no conflict of interest with this organisation").check()
        for item in page.locator("[id^='check-']").all():
            item.get_by_label("Verified").check()
        page.get_by_label("Award the kitemark").check()
        page.get_by_label("Reasons for your decision").fill("Every item verified against the evidence.")
        walk.submit_until_accepted("Record the decision")
        confirm = page.locator("main").get_by_role("button", name=re.compile(r"^(Confirm|Yes)"))
        if confirm.count():
            walk.submit_until_accepted(re.compile(r"^(Confirm|Yes)"))  # a confirmation page counts in the task
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Decision recorded: awarded")
    finally:
        page.context.close()
    record("assessor", walk.count, artifacts)


# The detectors themselves, on stand-in pages: a step that is present is walked and costed, never missed ----------


class FakeMail:
    def __init__(self, to: str, body: str) -> None:
        message = EmailMessage()
        message["To"], message["Subject"] = to, "Your code"
        message.set_content(body)
        self.sent = [message]


def test_a_second_sign_in_factor_is_detected_walked_and_costed(page):
    posted: list[str] = []
    code_page = (
        '<main><form method="post" action="/done"><label for="code">Security code</label>'
        '<input id="code" name="code" type="text"><button>Continue</button></form></main>'
    )

    def serve(route) -> None:
        if route.request.method == "POST":
            posted.append(route.request.post_data or "")
            route.fulfill(content_type="text/html", body="<main>Signed in</main>")
        else:
            route.fulfill(content_type="text/html", body=code_page)

    page.route("http://task.test/**", serve)
    walk = Walk(page, "http://task.test", FakeMail("a@example.org", "Welcome"), code_for=lambda _email: "482913")
    walk.visit("/sign-in/code")
    walk.second_factor("a@example.org")

    assert posted == ["code=482913"]
    assert walk.count.extra_steps == [
        {"name": "second sign-in factor", "page_loads": 1, "form_submissions": 1, "validation_errors": 0}
    ]


def test_no_extra_step_is_counted_when_the_page_does_not_ask_for_one(page):
    walk = Walk(page, "", FakeMail("a@example.org", "Welcome"))
    page.set_content("<main><p>Your account has been created</p></main>")
    walk.second_factor("a@example.org")
    walk.confirm_email("a@example.org", PASSWORD)
    assert walk.count.extra_steps == []


def test_an_email_confirmation_is_detected_and_its_link_followed_and_costed(page):
    pages = {
        "/registered": "<main><p>Check your email: we sent you a link to confirm your address.</p></main>",
        "/account/confirm/abc123": "<main><p>Email address confirmed</p><button>Sign out</button></main>",
    }
    page.route(
        "http://task.test/**",
        lambda route: route.fulfill(
            content_type="text/html",
            body=pages.get(route.request.url.removeprefix("http://task.test"), "<main>Not found</main>"),
        ),
    )
    mail = FakeMail("new@example.org", "Confirm your email address: http://task.test/account/confirm/abc123.")
    walk = Walk(page, "http://task.test", mail)
    walk.visit("/registered")
    walk.confirm_email("new@example.org", PASSWORD)

    assert page.url == "http://task.test/account/confirm/abc123"
    assert walk.count.extra_steps == [
        {"name": "email confirmation", "page_loads": 1, "form_submissions": 0, "validation_errors": 0}
    ]
