"""axe-core on every main page, for each role: no serious or critical violations (moderate and minor are printed).

The pages are a declared list, not discovered: a page that is missing (404, a redirect elsewhere) fails its
check loudly. Each role signs in once, in its own browser context, and reuses one page for all its checks. A
response and a shortlist entry are added first to a demo need still open for responses today, so the
commissioner's tables have rows, and the search index is built so directory search has results. Results for
every page go to ``test-artifacts/accessibility.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.commissioning.models import CommissioningBody, Need, NeedStatus, OutcomesFramework
from marketplace.commissioning.responses.services import ResponseDetails, submit_response
from marketplace.commissioning.shortlists.services import Candidate, add_to_shortlist
from marketplace.core.clock import today
from marketplace.directory.models import Consortium, Offer, Organisation
from marketplace.directory.services import STEPS
from marketplace.extensions import db
from marketplace.kitemark.models import KitemarkApplication
from marketplace.search.index.maintenance import rebuild
from tests.browser.axe import IMPACTS, Violation, impact_counts, new_axe_context, run_axe
from tests.browser.elsewhere import enter_sign_in_code

pytestmark = pytest.mark.browser

LOGINS = {
    "provider": "provider@derby-museums.example.org",
    "commissioner": "commissioner@derby.example.org",
    "assessor": "assessor@artscouncil.example.org",
    "admin": "admin@marketplace.example.org",
}
PROVIDER_NAME = "Derby Museums"
RESPONDER_NAME = "Nottingham City Museums and Galleries"
RESPONDER_LOGIN = "provider@nottingham-museums.example.org"
BODY_NAME = "Derby City Council Children and Young People's Services"
SEARCH_FILTERS = "q=museum&outcome=enjoy-and-achieve&organisation_type=museum&locality=E10000007"


@dataclass(frozen=True)
class Check:
    """One page to check: who looks at it, where (``{need}`` etc. are filled from the demo data), what to expect.

    ``submit`` names a button to press with the form left empty, to check the page's error state instead;
    ``has_results`` says the page must list organisations (a search that found nothing proves little).
    """

    role: str
    name: str
    path: str
    status: int = 200
    submit: str | None = None
    has_results: bool = False


CHECKS = [
    # Anyone ---------------------------------------------------------------------------------------------------
    Check("anonymous", "home", "/"),
    Check("anonymous", "search results", "/search?q=museum", has_results=True),
    Check("anonymous", "search with filters", f"/search?{SEARCH_FILTERS}", has_results=True),
    Check("anonymous", "search near a postcode, with its map", "/search?postcode=DE1+3AR&km=25", has_results=True),
    Check("anonymous", "directory", "/organisations"),
    Check("anonymous", "provider profile", "/organisations/{organisation}"),
    Check("anonymous", "offer", "/offers/{offer}"),
    Check("anonymous", "consortia", "/consortia"),
    Check("anonymous", "consortium", "/consortia/{consortium}"),
    Check("anonymous", "kitemarked providers", "/kitemarked"),
    Check("anonymous", "opportunities board", "/needs"),
    Check("anonymous", "need", "/needs/{need}"),
    Check("anonymous", "sign in", "/account/sign-in"),
    Check("anonymous", "sign in with errors", "/account/sign-in", submit="Sign in"),
    Check("anonymous", "register", "/account/register"),
    Check("anonymous", "register with errors", "/account/register", submit="Create account"),
    Check("anonymous", "password reset", "/account/password/forgot"),
    Check("anonymous", "accessibility statement", "/accessibility"),
    Check("anonymous", "privacy", "/privacy"),
    Check("anonymous", "page not found", "/no-such-page", status=404),
    # Provider (Derby Museums' account manager) -----------------------------------------------------------------
    Check("provider", "dashboard", "/provider"),
    Check("provider", "two-factor set-up", "/account/two-factor"),
    Check("provider", "two-factor set-up with errors", "/account/two-factor", submit="Turn on two-factor sign-in"),
    Check("provider", "profile task list", "/provider/profile"),
    *(Check("provider", f"profile step {slug}", f"/provider/profile/{slug}") for slug in STEPS),
    Check("provider", "offers", "/provider/offers"),
    Check("provider", "new offer", "/provider/offers/new"),
    Check("provider", "new offer with errors", "/provider/offers/new", submit="Save offer"),
    Check("provider", "edit offer", "/provider/offers/{offer}/edit"),
    Check("provider", "evidence", "/provider/evidence"),
    Check("provider", "safeguarding", "/provider/evidence/safeguarding"),
    Check("provider", "accreditations", "/provider/evidence/accreditations"),
    Check("provider", "new accreditation", "/provider/evidence/accreditations/new"),
    Check("provider", "impact evidence", "/provider/evidence/impact"),
    Check("provider", "new impact evidence", "/provider/evidence/impact/new"),
    Check("provider", "consortia", "/provider/consortia"),
    Check("provider", "new consortium", "/provider/consortia/new"),
    Check("provider", "opportunities for you", "/provider/opportunities"),
    Check("provider", "respond to a need", "/needs/{need}/respond"),
    Check("provider", "respond with errors", "/needs/{need}/respond", submit="Submit response"),
    Check("provider", "responses", "/provider/responses"),
    Check("provider", "team", "/account/team"),
    Check("provider", "account", "/account/"),
    Check("provider", "notifications", "/notifications/"),
    Check("provider", "saved searches", "/search/saved"),
    Check("provider", "kitemark", "/provider/kitemark"),
    Check("provider", "contribution statements", "/provider/contributions"),
    Check("provider", "contribution composer", "/provider/contributions/templates/children-and-young-peoples-plan"),
    Check(
        "provider",
        "contribution composer with errors",
        "/provider/contributions/templates/commissioning",
        submit="Save statement",
    ),
    Check("provider", "contribution composer for a body", "/provider/contributions/bodies/{body}"),
    Check(
        "provider",
        "contribution composer for a body with errors",
        "/provider/contributions/bodies/{body}",
        submit="Save statement",
    ),
    Check("provider", "requests to join", "/account/join-requests"),
    # Commissioner (approved, Derby City Council) -------------------------------------------------------------
    Check("commissioner", "dashboard", "/commissioner"),
    Check("commissioner", "needs", "/commissioner/needs"),
    Check("commissioner", "new need", "/commissioner/needs/new"),
    Check("commissioner", "new need with errors", "/commissioner/needs/new", submit="Save need"),
    Check("commissioner", "need", "/needs/{need}"),
    Check("commissioner", "edit need", "/commissioner/needs/{need}/edit"),
    Check("commissioner", "matches", "/commissioner/needs/{need}/matches"),
    Check("commissioner", "responses to a need", "/commissioner/needs/{need}/responses"),
    Check("commissioner", "response", "/responses/{response}"),
    Check("commissioner", "shortlist", "/commissioner/needs/{need}/shortlist"),
    Check("commissioner", "compare", "/commissioner/needs/{need}/compare"),
    Check("commissioner", "award", "/commissioner/needs/{need}/award"),
    Check("commissioner", "frameworks", "/commissioner/frameworks"),
    Check("commissioner", "framework", "/commissioner/frameworks/{framework}"),
    Check("commissioner", "import framework", "/commissioner/frameworks/import"),
    Check("commissioner", "area overview", "/commissioner/area"),
    Check("commissioner", "search as commissioner", f"/search?{SEARCH_FILTERS}", has_results=True),
    Check("commissioner", "provider profile (private part)", "/organisations/{organisation}"),
    # Assessor and admin --------------------------------------------------------------------------------------
    Check("assessor", "assessor home", "/assessor"),
    Check("assessor", "kitemark queue", "/assessor/kitemark"),
    Check("assessor", "kitemark application", "/assessor/kitemark/applications/{application}"),
    Check("assessor", "kitemark awards", "/assessor/kitemark/awards"),
    Check("assessor", "kitemark organisation", "/assessor/kitemark/organisations/{organisation}"),
    Check("admin", "admin home", "/admin"),
    Check("admin", "users", "/admin/users/"),
    Check("admin", "invite staff", "/admin/users/invite"),
    Check("admin", "reference data", "/admin/reference/"),
    Check("admin", "localities", "/admin/reference/localities"),
    Check("admin", "vocabulary", "/admin/reference/vocabularies/ecm_outcome"),
    Check("admin", "import localities", "/admin/reference/localities/import"),
    Check("admin", "audit log", "/admin/audit/"),
    Check("admin", "two-factor status", "/account/two-factor"),
    Check("admin", "commissioning bodies", "/admin/bodies/"),
]


def _one(statement):
    found = db.session.scalars(statement).first()
    assert found is not None, f"demo data lacks {statement}"
    return found


@pytest.fixture(scope="module")
def ids(live_app) -> dict[str, int]:
    """Ids of demo records the pages show; adds a response and a shortlist entry, and builds the search index."""
    with live_app.app_context():
        organisation = _one(select(Organisation).where(Organisation.name == PROVIDER_NAME))
        body = _one(select(CommissioningBody).where(CommissioningBody.name == BODY_NAME))
        need = _one(
            select(Need)
            .where(Need.body_id == body.id, Need.status == NeedStatus.OPEN, Need.response_deadline >= today())
            .order_by(Need.id)
        )
        responder = _one(select(Organisation).where(Organisation.name == RESPONDER_NAME))
        response = submit_response(
            need,
            responder,
            ResponseDetails(approach="Family storytelling sessions in our galleries.", price_pence=1_200_000),
            actor=_one(select(User).where(User.email == RESPONDER_LOGIN)),
        )
        add_to_shortlist(
            need,
            Candidate(organisation_id=responder.id, response_id=response.id),
            actor=_one(select(User).where(User.email == LOGINS["commissioner"])),
        )
        found = {
            "organisation": organisation.id,
            "offer": _one(select(Offer).where(Offer.organisation_id == organisation.id).order_by(Offer.id)).id,
            "consortium": _one(select(Consortium).order_by(Consortium.id)).id,
            "need": need.id,
            "response": response.id,
            "framework": _one(select(OutcomesFramework).where(OutcomesFramework.body_id == body.id)).id,
            "body": body.id,
            "application": _one(select(KitemarkApplication).order_by(KitemarkApplication.id)).id,
        }
        rebuild(live_app)
    return found


@pytest.fixture(scope="module")
def report(artifacts):
    """Violations per page, written to test-artifacts/accessibility.json when the module ends."""
    results: dict[str, dict] = {}
    yield results
    (artifacts / "accessibility.json").write_text(json.dumps(results, indent=2, sort_keys=True))
    totals = {impact: sum(page["counts"][impact] for page in results.values()) for impact in IMPACTS}
    print(f"\naxe: {len(results)} pages checked; offending elements by impact: {totals}")


@pytest.fixture(scope="module")
def pages(browser, live_app):
    """One page per role, signed in once, in a context that loads axe into every page."""
    live_url = live_app.config["LIVE_URL"]
    opened: dict[str, Page] = {}
    contexts = []

    def page_for(role: str) -> Page:
        if role not in opened:
            context = new_axe_context(browser)
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(15_000)
            if role != "anonymous":
                page.goto(live_url + "/account/sign-in")
                page.get_by_label("Email address").fill(LOGINS[role])
                page.get_by_role("textbox", name="Password").fill(live_app.config["DEMO_PASSWORD"])
                page.get_by_role("button", name="Sign in").click()
                enter_sign_in_code(page, live_url, LOGINS[role])
                expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            opened[role] = page
        return opened[role]

    yield page_for
    for context in contexts:
        context.close()


def _show(check: Check, violations: list[Violation]) -> None:
    for violation in violations:
        if not violation.blocking:
            print(f"{check.role} / {check.name}: {violation}")


@pytest.mark.parametrize("check", CHECKS, ids=[f"{c.role}-{c.name.replace(' ', '-')}" for c in CHECKS])
def test_page_has_no_serious_or_critical_accessibility_violations(check: Check, pages, ids, live_url, report):
    page = pages(check.role)
    path = check.path.format(**ids)
    response = page.goto(live_url + path)
    assert response is not None and response.status == check.status, f"{path} answered {response and response.status}"
    assert urlsplit(page.url).path == urlsplit(path).path, f"{path} went to {page.url}"
    if check.submit:
        page.get_by_role("button", name=check.submit, exact=True).click()
        expect(page).to_have_title(re.compile(r"^Error: "))
        expect(page.locator(".govuk-error-summary")).to_be_visible()
    if check.has_results:
        expect(page.locator("main a[href^='/organisations/']").first).to_be_visible()

    violations = run_axe(page)
    report[f"{check.role} / {check.name}"] = {
        "path": path,
        "counts": impact_counts(violations),
        "violations": [str(violation) for violation in violations],
    }
    _show(check, violations)
    blocking = [str(violation) for violation in violations if violation.blocking]
    assert blocking == [], f"{path}:\n" + "\n".join(blocking)


def test_axe_reports_an_unlabelled_field_as_critical(pages, live_app):
    """The harness itself: an unlabelled text box added to a page is reported, so a clean result means something."""
    page = pages("anonymous")
    page.goto(live_app.config["LIVE_URL"] + "/")
    page.evaluate("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')")
    violations = run_axe(page)
    assert [(v.rule, v.impact) for v in violations if v.blocking] == [("label", "critical")]
