"""Publishing: the account manager publishes once the basics are complete; members edit but cannot publish."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from tests import factories
from tests.client import text_of
from tests.lookups import term

COMPLETE_BASICS = {
    "description": "A museum of making.",
    "postcode": "DE1 3AF",
    "contact_email": "hello@derbymuseums.example.org",
}


def complete_basics(organisation) -> None:
    for name, value in COMPLETE_BASICS.items():
        setattr(organisation, name, value)
    organisation.organisation_type = term("organisation_type", "museum")
    db.session.commit()


def test_publishing_needs_the_basic_details_and_says_what_is_missing(signed_in, organisation):
    page = text_of(signed_in.get("/provider/profile"))
    assert "Enter a description of your organisation" in page

    response = signed_in.submit("/provider/profile/publish", page_url="/provider/profile", follow_redirects=True)

    text = text_of(response)
    assert "Your profile cannot be published yet" in text
    assert "Enter a description of your organisation; Enter your postcode; Enter a contact email address" in text
    db.session.refresh(organisation)
    assert organisation.status == OrganisationStatus.DRAFT
    assert organisation.published_at is None


def test_the_account_manager_publishes_and_unpublishes(signed_in, organisation, client):
    complete_basics(organisation)

    response = signed_in.submit("/provider/profile/publish", page_url="/provider/profile", follow_redirects=True)

    assert "Your profile is published" in text_of(response)
    db.session.refresh(organisation)
    assert organisation.status == OrganisationStatus.PUBLISHED
    assert organisation.published_at is not None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "organisation.published" in actions

    signed_in.submit("/provider/profile/unpublish", page_url="/provider/profile")

    db.session.refresh(organisation)
    assert organisation.status == OrganisationStatus.DRAFT
    assert "organisation.unpublished" in db.session.scalars(select(AuditEvent.action)).all()


def test_a_published_profile_becomes_public(client, organisation, provider):
    complete_basics(organisation)
    client.sign_in(provider.email)
    client.submit("/provider/profile/publish", page_url="/provider/profile")
    client.post("/account/sign-out", data={"csrf_token": client.csrf_token("/provider")})

    assert client.get(f"/organisations/{organisation.id}").status_code == 200
    assert "Derby Museum of Making" in text_of(client.get("/organisations"))


def test_a_plain_member_cannot_publish_or_unpublish(client, organisation):
    complete_basics(organisation)
    member = factories.make_provider(organisation, is_org_admin=False)
    client.sign_in(member.email)

    assert "account manager can publish" in text_of(client.get("/provider/profile"))
    response = client.submit("/provider/profile/publish", page_url="/provider/profile")

    assert response.status_code == 403
    db.session.refresh(organisation)
    assert organisation.status == OrganisationStatus.DRAFT

    organisation.status = OrganisationStatus.PUBLISHED
    db.session.commit()
    assert client.submit("/provider/profile/unpublish", page_url="/provider/profile").status_code == 403
    db.session.refresh(organisation)
    assert organisation.status == OrganisationStatus.PUBLISHED


def test_a_suspended_organisation_cannot_be_published_or_unsuspended_by_its_members(signed_in, organisation):
    complete_basics(organisation)
    organisation.status = OrganisationStatus.SUSPENDED
    db.session.commit()

    response = signed_in.submit("/provider/profile/publish", page_url="/provider/profile", follow_redirects=True)
    assert "suspended" in text_of(response)
    signed_in.submit("/provider/profile/unpublish", page_url="/provider/profile")

    db.session.refresh(organisation)
    assert organisation.status == OrganisationStatus.SUSPENDED


def test_another_providers_edits_never_touch_this_organisation(client, organisation):
    other_org = factories.make_organisation("Nottingham Galleries", status=OrganisationStatus.PUBLISHED)
    other = factories.make_provider(other_org)
    client.sign_in(other.email)

    client.submit(
        "/provider/profile/basics",
        {
            "name": "Hijacked",
            "organisation_type": str(term("organisation_type", "gallery").id),
            "organisation_id": str(organisation.id),
        },
    )
    client.submit(
        "/provider/profile/unpublish", {"organisation_id": str(organisation.id)}, page_url="/provider/profile"
    )

    db.session.refresh(organisation)
    db.session.refresh(other_org)
    assert organisation.name == "Derby Museum of Making"
    assert other_org.name == "Hijacked"
    assert other_org.status == OrganisationStatus.DRAFT
    assert client.get(f"/organisations/{organisation.id}").status_code == 404
    assert "Derby Museum of Making" not in text_of(client.get("/provider/profile"))
