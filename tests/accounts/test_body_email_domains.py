"""A commissioning body's email domains: admins list them; a commissioner registering for the body with a confirmed
address at one of them is approved without an admin; everyone else still waits."""

from __future__ import annotations

import pytest

from marketplace.commissioning.bodies.services import set_email_domains
from marketplace.core.roles import Role
from marketplace.extensions import db
from tests import factories
from tests.accounts.test_registration import commissioner_form
from tests.client import error_summary, text_of
from tests.lookups import audit_events, user_by_email


def domains_page(body) -> str:
    return f"/admin/bodies/{body.id}/email-domains"


@pytest.fixture
def admin_client(client):
    client.sign_in(factories.make_user(Role.ADMIN).email)
    return client


def test_an_admin_lists_a_bodys_email_domains_and_it_is_audited(admin_client):
    body = factories.make_body("Northshire Council")

    response = admin_client.submit(domains_page(body), {"domains": "northshire.gov.uk\n@Schools.Northshire.gov.uk, "})

    assert response.headers["Location"] == "/admin/bodies/"
    assert [item.domain for item in body.email_domains] == ["northshire.gov.uk", "schools.northshire.gov.uk"]
    assert "northshire.gov.uk, schools.northshire.gov.uk" in text_of(admin_client.get("/admin/bodies/"))
    event = audit_events("commissioning_body.email_domains_changed")[0]
    assert (event.before, event.after) == (
        {"email_domains": []},
        {"email_domains": ["northshire.gov.uk", "schools.northshire.gov.uk"]},
    )
    admin_client.submit(domains_page(body), {"domains": "schools.northshire.gov.uk"})
    db.session.refresh(body)
    assert [item.domain for item in body.email_domains] == ["schools.northshire.gov.uk"]


@pytest.mark.parametrize(
    ("domains", "problem"),
    [
        ("not a domain", "“not” is not an email domain: enter domains like council.gov.uk"),
        ("person@northshire.gov.uk", "“person@northshire.gov.uk” is not an email domain"),
        ("gmail.com", "gmail.com is a public email service: anyone can have an address there"),
        ("x" * 4001, "Email domains must be 4,000 characters or fewer"),
        ("derby.gov.uk", "derby.gov.uk is already listed by Derby City Council"),
    ],
)
def test_bad_domains_are_refused_with_a_field_error(admin_client, domains, problem):
    other = factories.make_body("Derby City Council")
    admin_client.submit(domains_page(other), {"domains": "derby.gov.uk"})
    body = factories.make_body("Northshire Council")

    response = admin_client.submit(domains_page(body), {"domains": domains})

    assert response.status_code == 200
    assert error_summary(response)[0].startswith(problem)
    assert body.email_domains == []


def body_with_domain(domain: str = "northshire.gov.uk"):
    body = factories.make_body("Northshire Council")
    admin = factories.make_user(Role.ADMIN)
    set_email_domains(body, [domain], admin=admin)
    return body, admin


def test_a_commissioner_with_a_confirmed_address_at_a_listed_domain_is_approved_without_an_admin(client, outbox):
    body, admin = body_with_domain()

    response = client.register(
        {**commissioner_form(commissioning_body=str(body.id)), "email": "grace@northshire.gov.uk"},
        follow_redirects=True,
    )

    grace = user_by_email("grace@northshire.gov.uk")
    assert grace.is_approved and grace.approved_by_id is None
    assert response.request.path == "/commissioner"
    assert admin.email not in [message["To"] for message in outbox], "no admin is asked to approve"
    event = audit_events("account.approved")[0]
    assert event.object_id == str(grace.id)
    assert event.after == {"approved": True, "by_email_domain": "northshire.gov.uk"}


@pytest.mark.parametrize("email", ["grace@elsewhere.example.org", "grace@mail.northshire.gov.uk"])
def test_other_addresses_still_wait_for_an_admin(client, outbox, email):
    body, admin = body_with_domain()

    client.register({**commissioner_form(commissioning_body=str(body.id)), "email": email})

    assert not user_by_email(email).is_approved
    assert admin.email in [message["To"] for message in outbox]
    assert audit_events("account.approved") == []


def test_a_listed_domain_does_not_approve_a_commissioner_of_another_body(client):
    body_with_domain()
    other = factories.make_body("Southshire Council")

    client.register({**commissioner_form(commissioning_body=str(other.id)), "email": "grace@northshire.gov.uk"})

    assert not user_by_email("grace@northshire.gov.uk").is_approved
