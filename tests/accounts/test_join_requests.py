"""Registering an organisation already listed: likely duplicates by name, number or website, and requests to join.

Instead of a second, empty profile, the registrant asks to join; the organisation's account managers are emailed
and approve (the registrant becomes a member) or decline (the registrant is told and may list their own).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.directory.duplicates import number_key, website_key
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from marketplace.registration.joining import MAX_PENDING_PER_ORGANISATION
from marketplace.registration.models import JoinRequest
from tests import factories
from tests.accounts.test_registration import provider_form
from tests.client import error_summary, new_client, page_title, text_of
from tests.lookups import audit_events, user_by_email


def organisation_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


@pytest.fixture
def derby(app):
    organisation = factories.make_organisation(
        "Derby Museums", registration_number="1162969", website="https://www.derbymuseums.org/"
    )
    manager = factories.make_provider(organisation, is_org_admin=True, email="manager@derby.example.org")
    return organisation, manager


# Detection ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"organisation_name": "The Derby Museums"}, "same name"),
        ({"organisation_name": "Derby Silk Mill", "registration_number": "116 2969"}, "same charity or company number"),
        ({"organisation_name": "Derby Silk Mill", "website": "DerbyMuseums.org"}, "same website"),
        ({"organisation_name": "Derby Silk Mill", "website": "http://www.derbymuseums.org"}, "same website"),
    ],
    ids=["name", "number", "website-bare", "website-http-www"],
)
def test_an_organisation_already_listed_is_found_by_name_number_or_website(client, derby, fields, reason):
    response = client.register(provider_form(**fields))

    assert response.status_code == 200
    page = text_of(response)
    assert "Derby Museums is already registered" in page
    assert f"Derby Museums: {reason}" in page
    assert "Request to join Derby Museums" in page
    assert organisation_count() == 1


def test_a_different_number_and_website_find_nothing(client, derby):
    response = client.register(
        provider_form(organisation_name="Derby Silk Mill", registration_number="1162970", website="derbysilkmill.org"),
    )

    assert response.status_code == 302
    organisation = user_by_email("ada@example.org").organisation
    assert (organisation.registration_number, organisation.website) == ("1162970", "https://derbysilkmill.org")


def test_numbers_and_websites_are_compared_as_people_mean_them():
    assert number_key(" 01162969 ") == number_key("1162969") == "1162969"
    assert number_key("SC 012345") == "SC012345"
    assert website_key("HTTPS://www.Example.org/") == website_key("example.org") == "example.org"
    assert website_key("https://example.org/museums/") == "example.org/museums"


def test_a_bad_website_at_registration_is_refused(client, app):
    response = client.register(provider_form(website="not a website"))

    assert error_summary(response) == ["Enter a website address, like www.example.org"]
    assert page_title(response).startswith("Error:")
    assert organisation_count() == 0


def test_saying_it_is_a_different_organisation_creates_it(client, derby):
    response = client.register(provider_form(organisation_name="Derby Museums", duplicate_decision="different"))

    assert response.status_code == 302
    assert organisation_count() == 2


# Requesting to join ----------------------------------------------------------------------------------------------


def request_to_join(client, organisation: Organisation, **overrides):
    return client.register(
        provider_form(organisation_name="Derby Museums", duplicate_decision=f"join-{organisation.id}", **overrides),
    )


def test_requesting_to_join_emails_the_account_manager_and_shows_what_happens_next(client, derby, outbox):
    organisation, manager = derby

    response = request_to_join(client, organisation)

    assert response.status_code == 302
    assert organisation_count() == 1
    user = user_by_email("ada@example.org")
    assert user.organisation is None and not user.is_org_admin
    told = [message for message in outbox if message["To"] != "ada@example.org"]  # not the confirmation link
    assert [message["To"] for message in told] == [manager.email]
    assert told[0]["Subject"] == "Someone asks to join your organisation"
    assert "Ada Lovelace <ada@example.org>" in told[0].get_content()
    assert [event.summary for event in audit_events("join_request.created")] == [
        "Ada Lovelace asked to join Derby Museums"
    ]
    waiting = client.get("/dashboard", follow_redirects=True)
    assert waiting.request.path == "/account/join-request"
    assert "Your request to join Derby Museums is waiting" in text_of(waiting)
    assert "What happens next" in text_of(waiting)
    html = waiting.get_data(as_text=True)
    assert "/provider/profile" not in html and "/provider/responses" not in html  # no links that would 404


def test_a_tampered_join_choice_joins_nothing_and_asks_again(client, derby):
    other = factories.make_organisation("Somewhere Else")

    response = request_to_join(client, other)

    assert response.status_code == 200
    assert "Request to join Derby Museums" in text_of(response)
    assert user_by_email("ada@example.org") is None
    assert db.session.scalar(select(func.count()).select_from(JoinRequest)) == 0


def test_requests_to_join_are_limited_per_organisation(client, derby, app):
    organisation, _ = derby
    for number in range(MAX_PENDING_PER_ORGANISATION):
        new_client(app).register(
            provider_form(
                email=f"person{number}@example.org",
                organisation_name="Derby Museums",
                duplicate_decision=f"join-{organisation.id}",
            ),
        )

    response = request_to_join(client, organisation)

    assert response.status_code == 200
    assert "Derby Museums already has many requests to join waiting" in " ".join(error_summary(response))
    assert user_by_email("ada@example.org") is None


# Deciding ------------------------------------------------------------------------------------------------------


def test_the_account_manager_approves_and_the_registrant_becomes_a_member(client, derby, app, outbox):
    organisation, manager = derby
    request_to_join(new_client(app), organisation)
    outbox.clear()
    client.sign_in(manager.email)

    assert "Requests to join Derby Museums" in text_of(client.get("/account/team"))
    page = client.get("/account/join-requests")
    assert "Ada Lovelace" in text_of(page) and "ada@example.org" in text_of(page)
    join_request = db.session.scalar(select(JoinRequest))
    response = client.submit(f"/account/join-requests/{join_request.id}/approve", page_url="/account/join-requests")

    assert response.status_code == 302
    user = user_by_email("ada@example.org")
    assert user.organisation_id == organisation.id and not user.is_org_admin
    assert [(message["To"], message["Subject"]) for message in outbox] == [
        ("ada@example.org", "Your request to join has been approved")
    ]
    assert audit_events("join_request.approved")[0].actor_id == manager.id
    assert "No requests are waiting" in text_of(client.get("/account/join-requests"))
    again = client.submit(f"/account/join-requests/{join_request.id}/decline", page_url="/account/join-requests")
    assert "already been decided" in text_of(client.get(again.location))
    assert user_by_email("ada@example.org").organisation_id == organisation.id


def test_a_declined_registrant_is_told_and_can_list_their_own_organisation(client, derby, app, outbox):
    organisation, manager = derby
    registrant = new_client(app)
    request_to_join(registrant, organisation)
    client.sign_in(manager.email)
    join_request = db.session.scalar(select(JoinRequest))

    client.submit(f"/account/join-requests/{join_request.id}/decline", page_url="/account/join-requests")

    assert user_by_email("ada@example.org").organisation is None
    assert outbox[-1]["Subject"] == "Your request to join was declined"
    assert "An account manager of Derby Museums declined your request" in outbox[-1].get_content()
    assert len(audit_events("join_request.declined")) == 1
    status = registrant.get("/account/join-request")
    assert "was declined" in text_of(status)
    refused = registrant.submit("/account/join-request", {"organisation_name": "", "organisation_type": ""})
    assert error_summary(refused) == ["Enter your organisation's name", "Select your organisation type"]
    museum = terms_by_code("organisation_type")["museum"]
    created = registrant.submit(
        "/account/join-request", {"organisation_name": "Ada's Gallery", "organisation_type": str(museum.id)}
    )
    assert created.status_code == 302
    user = user_by_email("ada@example.org")
    assert user.organisation.name == "Ada's Gallery" and user.is_org_admin


@pytest.mark.parametrize("who", ["member", "other_manager"])
def test_only_the_organisations_account_managers_see_and_decide_its_requests(client, derby, app, who):
    organisation, _ = derby
    request_to_join(new_client(app), organisation)
    if who == "member":
        user = factories.make_provider(organisation, is_org_admin=False)
    else:
        user = factories.make_provider(factories.make_organisation("Other Museum"), is_org_admin=True)
    client.sign_in(user.email)
    join_request = db.session.scalar(select(JoinRequest))

    listing = client.get("/account/join-requests")
    response = client.submit(f"/account/join-requests/{join_request.id}/approve", page_url="/account/")

    assert (listing.status_code == 404) == (who == "member")
    assert "Ada Lovelace" not in text_of(listing)
    assert response.status_code == 404
    assert user_by_email("ada@example.org").organisation is None
