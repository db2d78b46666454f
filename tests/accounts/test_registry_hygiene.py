"""A body named by an unapproved registrant stays off public lists; an unapproved commissioner sees no colleagues."""

from __future__ import annotations

from marketplace.accounts import services
from marketplace.core.roles import Role
from marketplace.reference.services import terms_by_code
from tests import factories
from tests.accounts.test_registration import REGISTER, commissioner_form
from tests.client import FormClient, error_summary, text_of
from tests.lookups import user_by_email


def register_new_body(client, name: str = "Westvale Children's Trust"):
    kind = terms_by_code("commissioning_body_kind")["childrens-trust"]
    response = client.register(commissioner_form(new_body_name=name, new_body_kind=str(kind.id)))
    assert response.status_code == 302
    return user_by_email("grace@example.org")


def test_a_body_named_by_an_unapproved_registrant_is_not_listed_until_approved(app, client):
    factories.make_body("Derby Children's Services")
    grace = register_new_body(client)
    body = grace.commissioning_body
    visitor = FormClient(app.test_client())

    listed = text_of(visitor.get(REGISTER))
    assert "Derby Children's Services" in listed and "Westvale Children's Trust" not in listed
    eve = {**commissioner_form(commissioning_body=str(body.id)), "email": "eve@example.org"}
    chosen = visitor.submit(REGISTER, eve)
    assert chosen.status_code == 200 and "Not a valid choice." in error_summary(chosen)

    services.approve_commissioner(grace, admin=factories.make_user(Role.ADMIN))

    assert body.is_listed
    assert "Westvale Children's Trust" in text_of(visitor.get(REGISTER))


def test_an_unapproved_commissioner_sees_no_colleagues_names_or_emails(app, client):
    body = factories.make_body("Derby Children's Services")
    factories.make_commissioner(body, name="Colleague Carol", email="carol@derby.example.org")
    pending = factories.make_commissioner(body, approved=False, is_org_admin=True, name="Pending Pat")
    client.sign_in(pending.email)

    page = text_of(client.get("/account/team"))

    assert "Pending Pat" in page
    assert "Colleague Carol" not in page and "carol@derby.example.org" not in page
    assert "once an administrator has approved your account" in page


def test_an_approved_commissioner_sees_the_team(client):
    body = factories.make_body("Derby Children's Services")
    factories.make_commissioner(body, name="Colleague Carol", email="carol@derby.example.org")
    approved = factories.make_commissioner(body, name="Approved Ann")
    client.sign_in(approved.email)

    page = text_of(client.get("/account/team"))

    assert "Colleague Carol" in page and "carol@derby.example.org" in page
