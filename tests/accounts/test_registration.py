"""Self-registration: providers get a draft organisation, commissioners wait for an admin's approval."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.commissioning.models import CommissioningBody
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.reference.services import terms_by_code
from marketplace.registration.models import PendingRegistration
from tests import factories
from tests.client import error_summary, new_client, page_title, text_of
from tests.factories import NEW_PASSWORD
from tests.lookups import audit_events, user_by_email, user_count

REGISTER = "/account/register"


def provider_form(**overrides: str) -> dict[str, str]:
    return {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        "account_type": Role.PROVIDER.value,
        "organisation_name": "Lovelace Gallery",
        "organisation_type": str(terms_by_code("organisation_type")["museum"].id),
        "commissioning_body": "",
        "new_body_name": "",
        "new_body_kind": "",
        **overrides,
    }


def commissioner_form(**overrides: str) -> dict[str, str]:
    return provider_form(
        name="Grace Hopper",
        email="grace@example.org",
        account_type=Role.COMMISSIONER.value,
        organisation_name="",
        organisation_type="",
        **overrides,
    )


def field_errors(response) -> str:
    return " | ".join(error_summary(response))


# Success --------------------------------------------------------------------------------------------------------


def test_provider_registration_creates_a_draft_organisation_they_administer(client):
    response = client.register(provider_form())

    assert response.status_code == 302
    user = user_by_email("ada@example.org")
    assert user is not None
    assert user.role == Role.PROVIDER.value
    assert user.is_org_admin
    assert user.organisation.name == "Lovelace Gallery"
    assert user.organisation.status == OrganisationStatus.DRAFT
    assert user.organisation.organisation_type.code == "museum"
    assert [event.object_id for event in audit_events("account.registered")] == [str(user.id)]


def test_registered_provider_is_signed_in_and_lands_on_the_first_profile_step(client):
    response = client.register(provider_form(), follow_redirects=True)

    assert response.status_code == 200
    assert response.request.path == "/provider/profile/basics"  # not a dashboard to leave (issue 17)
    assert client.get("/account/").status_code == 200


def test_commissioner_joining_an_existing_body_waits_for_approval_and_is_not_its_admin(client):
    body = factories.make_body("Northshire Council")

    response = client.register(commissioner_form(commissioning_body=str(body.id)))

    assert response.status_code == 302
    user = user_by_email("grace@example.org")
    assert user.role == Role.COMMISSIONER.value
    assert user.commissioning_body_id == body.id
    assert not user.is_approved
    assert user.approved_at is None
    assert not user.is_org_admin


def test_commissioner_registration_notifies_every_admin_in_app_and_by_email(client, outbox):
    body = factories.make_body("Northshire Council")
    admins = [factories.make_user(Role.ADMIN), factories.make_user(Role.ADMIN)]

    client.register(commissioner_form(commissioning_body=str(body.id)))

    for admin in admins:
        notifications = db.session.scalars(select(Notification).where(Notification.user_id == admin.id)).all()
        assert len(notifications) == 1
        assert "grace@example.org" in notifications[0].message
    to_admins = [message for message in outbox if message["To"] != "grace@example.org"]  # not her confirmation
    assert sorted(message["To"] for message in to_admins) == sorted(admin.email for admin in admins)
    assert all("waiting for approval" in message["Subject"] for message in to_admins)


def test_pending_commissioner_sees_a_waiting_for_approval_page_on_their_dashboard(client):
    body = factories.make_body()

    response = client.register(commissioner_form(commissioning_body=str(body.id)), follow_redirects=True)

    assert response.request.path == "/dashboard"  # what happens next, no longer a 403 (issue 17)
    assert response.status_code == 200
    assert "waiting for approval" in text_of(response)


def test_commissioner_can_register_a_body_that_is_not_listed(client):
    kind = terms_by_code("commissioning_body_kind")["childrens-trust"]

    response = client.register(commissioner_form(new_body_name="Westvale Children's Trust", new_body_kind=str(kind.id)))

    assert response.status_code == 302
    user = user_by_email("grace@example.org")
    assert user.commissioning_body.name == "Westvale Children's Trust"
    assert user.commissioning_body.kind_id == kind.id
    assert user.is_org_admin
    assert not user.is_approved


# Bad input ------------------------------------------------------------------------------------------------------


EMPTY_FORM_PROBLEMS = [  # in the order the fields appear on the page
    "Enter your full name",
    "Enter your email address",
    "Select what you will use the marketplace for",
    "Enter a password",
    "Confirm your password",
]


def test_empty_registration_lists_every_problem_in_an_error_summary(client):
    response = client.register({})

    assert response.status_code == 200
    assert page_title(response).startswith("Error:")
    assert sorted(error_summary(response)) == sorted(EMPTY_FORM_PROBLEMS)
    assert user_count() == 0


def test_error_summary_lists_problems_in_the_order_the_fields_appear(client):
    # GOV.UK pattern: the summary's links follow the page, so a screen-reader user meets them in form order.
    response = client.register({})

    assert error_summary(response) == EMPTY_FORM_PROBLEMS


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"password": "password123", "confirm_password": "password123"}, "Password is too easy to guess"),
        ({"password": "short", "confirm_password": "short"}, "Password must be 10 characters or more"),
        ({"confirm_password": "something else entirely"}, "Passwords must match"),
        ({"organisation_name": ""}, "Enter your organisation's name"),
        ({"organisation_type": ""}, "Select your organisation type"),
    ],
    ids=[
        "invalid-email",
        "guessable-password",
        "short-password",
        "mismatched-confirmation",
        "no-org-name",
        "no-org-type",
    ],
)
def test_provider_registration_refuses_bad_input_with_a_field_error(client, overrides, message):
    response = client.register(provider_form(**overrides))

    assert response.status_code == 200
    assert message in field_errors(response)
    assert page_title(response).startswith("Error:")
    assert user_count() == 0


@pytest.mark.parametrize("email", ["ada@example.org", "  ADA@Example.org "])
def test_registering_an_email_that_already_has_an_account_says_nothing_and_tells_the_holder(client, outbox, email):
    factories.make_user(email="ada@example.org", name="Ada Holder")
    other = new_client(client.application)
    other.submit(REGISTER, provider_form(email="new@example.org")).close()
    new_address = other.get("/account/register/check-email")

    answer = client.submit(REGISTER, provider_form(email=email))
    answer.close()  # the email leaves once the response has been sent
    response = client.get(answer.headers["Location"])

    assert answer.headers["Location"] == "/account/register/check-email"
    assert response.status_code == 200
    assert text_of(response).replace("ada@example.org", "new@example.org") == text_of(new_address)
    assert user_count() == 1
    assert (
        db.session.scalars(select(PendingRegistration).where(PendingRegistration.email == "ada@example.org")).all()
        == []
    )
    told = outbox[-1]
    assert told["To"] == "ada@example.org" and "Someone tried to register" in told["Subject"]
    assert "/account/sign-in" in told.get_content() and "/account/password/forgot" in told.get_content()
    assert [event.summary for event in audit_events("account.registration_for_existing_account")] == ["ada@example.org"]


def test_commissioner_must_choose_a_body_or_name_a_new_one(client):
    response = client.register(commissioner_form())

    assert response.status_code == 200
    assert "Select your commissioning body, or enter its name if it is not listed" in field_errors(response)
    assert user_count() == 0


def test_commissioner_naming_a_new_body_must_say_what_kind_it_is(client):
    response = client.register(commissioner_form(new_body_name="Westvale Children's Trust"))

    assert response.status_code == 200
    assert "Select the kind of commissioning body" in field_errors(response)
    assert db.session.scalar(select(CommissioningBody).where(CommissioningBody.name.like("Westvale%"))) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("organisation_type", "museum"),
        ("organisation_type", "999999"),
        ("commissioning_body", "'; drop table user; --"),
        ("commissioning_body", "999999"),
        ("new_body_kind", "abc"),
    ],
)
def test_tampered_select_value_gives_a_field_error_not_a_server_error(client, field, value):
    body = factories.make_body()
    if field == "organisation_type":
        form = provider_form(organisation_type=value)
    elif field == "commissioning_body":
        form = commissioner_form(commissioning_body=value)
    else:
        form = commissioner_form(commissioning_body=str(body.id), new_body_kind=value)

    response = client.register(form)

    assert response.status_code == 200
    assert error_summary(response), "a tampered choice must be reported against its field"
    assert page_title(response).startswith("Error:")
    assert user_count() == 0


def test_what_was_entered_is_kept_after_an_error(client):
    response = client.register(provider_form(password="short", confirm_password="short"))

    html = response.get_data(as_text=True)
    assert 'value="Ada Lovelace"' in html
    assert 'value="ada@example.org"' in html
    assert 'value="Lovelace Gallery"' in html


def test_registering_an_organisation_already_listed_offers_to_join_it_instead(client):
    existing = factories.make_organisation("Derby Museums")

    response = client.register(provider_form(organisation_name="derby museums"))

    assert response.status_code == 200
    page = text_of(response)
    assert "Derby Museums is already registered" in page
    assert "ask its account manager to invite you" in page
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1  # nothing created yet
    assert existing.members == []

    confirmed = client.register(provider_form(organisation_name="derby museums", different_organisation="yes"))
    assert confirmed.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 2


def test_registration_asks_the_role_first(client):
    html = client.get(REGISTER).get_data(as_text=True)
    assert html.index('name="account_type"') < html.index('name="name"') < html.index('name="organisation_name"')
