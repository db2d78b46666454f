"""The service navigation: a few task areas per role, no near-duplicates, and never a link that would refuse."""

from __future__ import annotations

import re

import pytest

from marketplace.core.roles import Role
from tests.factories import make_commissioner, make_provider, make_user

NEAR_DUPLICATES = [
    {"Opportunities", "Opportunities for you"},
    {"Kitemarked", "Kitemark"},
    {"Consortia", "Your consortia"},
]


def _menu(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav aria-label="Menu".*?</nav>', html, flags=re.S).group(0)
    links = re.findall(r'<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>(.*?)</a>', nav, flags=re.S)
    return [(re.sub(r"<[^>]+>", "", text).strip(), href) for href, text in links]


def _current(html: str) -> list[str]:
    links = re.findall(r'<a class="govuk-service-navigation__link" href="[^"]+" aria-current="page">(.*?)</a>', html)
    return [re.sub(r"<[^>]+>", "", text).strip() for text in links]


@pytest.mark.parametrize(
    ("role", "landing", "expected"),
    [
        (
            Role.PROVIDER,
            "/provider",
            ["Dashboard", "Profile", "Opportunities", "Responses", "Your contracts", "Search"],
        ),
        (
            Role.COMMISSIONER,
            "/commissioner",
            ["Dashboard", "Needs", "Contracts", "Search", "Area overview", "Frameworks"],
        ),
    ],
)
def test_each_role_sees_six_task_areas_without_near_duplicates(client, role, landing, expected):
    user = make_provider() if role is Role.PROVIDER else make_commissioner()
    client.sign_in(user.email)
    menu = _menu(client.get(landing).get_data(as_text=True))
    texts = [text for text, _ in menu]
    assert texts == expected
    assert all(not pair <= set(texts) for pair in NEAR_DUPLICATES)
    for _, href in menu:
        assert client.get(href).status_code == 200, href


def test_commissioner_contracts_lead_to_the_portfolio_and_its_board_report(client):
    client.sign_in(make_commissioner().email)
    menu = dict(_menu(client.get("/commissioner").get_data(as_text=True)))
    portfolio = client.get(menu["Contracts"]).get_data(as_text=True)
    assert "<h1" in portfolio and "/commissioner/contracts/report" in portfolio


def test_provider_your_contracts_lead_to_their_contracts(client):
    client.sign_in(make_provider().email)
    menu = dict(_menu(client.get("/provider").get_data(as_text=True)))
    assert menu["Your contracts"] == "/provider/contracts"


def test_pages_inside_an_area_mark_that_area_as_current(client):
    provider = make_provider()
    client.sign_in(provider.email)
    assert _current(client.get("/provider/offers").get_data(as_text=True)) == ["Profile"]


def test_account_links_sit_in_the_header_not_the_task_navigation(client):
    client.sign_in(make_user(Role.ASSESSOR).email)
    html = client.get("/notifications/").get_data(as_text=True)
    header = re.search(r"<header.*?</header>", html, flags=re.S).group(0)
    assert "Notifications" in header and "Your account" in header and "Sign out" in header
    assert "Notifications" not in [text for text, _ in _menu(html)]


def test_a_commissioner_waiting_for_approval_is_told_what_happens_next_not_refused(client):
    pending = make_commissioner(approved=False)
    client.sign_in(pending.email)
    response = client.get("/dashboard")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your account is waiting for approval" in html and "What happens next" in html
    menu = _menu(html)
    assert "Needs" not in [text for text, _ in menu]
    for _, href in menu:  # every link in the navigation opens for them
        assert client.get(href).status_code == 200, href
    for href in re.findall(r'<li><a class="govuk-link" href="([^"]+)"', html):  # and so does "what you can do now"
        assert client.get(href).status_code == 200, href


def test_registering_as_a_commissioner_lands_on_what_happens_next(client, app):
    from marketplace.reference.services import load_all

    load_all()
    from tests.factories import make_body

    body = make_body("Leicester City Council")
    response = client.register(
        {
            "account_type": "commissioner",
            "name": "Pat Pending",
            "email": "pat@leicester.example.org",
            "password": "a long enough password 123",
            "confirm_password": "a long enough password 123",
            "commissioning_body": str(body.id),
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Your account is waiting for approval" in html


def test_back_links_sit_inside_the_main_landmark(client):
    client.sign_in(make_provider().email)
    html = client.get("/provider/evidence/accreditations").get_data(as_text=True)
    main = re.search(r'<main class="govuk-main-wrapper" id="main-content">.*?</main>', html, flags=re.S).group(0)
    assert 'class="govuk-back-link"' in main
