"""A consortium's life: an org-admin creates it, invites organisations, which accept or decline; members leave.

Every step is audited and the other side is told (in-app and by email). Only the right org-admin can take
each step: others get 404 (not theirs to know about) or 403 (their organisation, but not their role).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.directory.consortia import services
from marketplace.directory.models import Consortium, ConsortiumMembership, MembershipStatus, OrganisationStatus
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.reference.services import terms_by_code
from tests import factories
from tests.client import error_summary, text_of


@pytest.fixture
def lead(app):
    """The account manager of the lead organisation (published)."""
    organisation = factories.make_organisation("Derby Museums", status=OrganisationStatus.PUBLISHED)
    return factories.make_provider(organisation, email="lead@derby.example.org", name="Lena Lead")


@pytest.fixture
def partner(app):
    """The account manager of a published organisation to invite."""
    organisation = factories.make_organisation("Nottingham Libraries", status=OrganisationStatus.PUBLISHED)
    return factories.make_provider(organisation, email="admin@nottingham.example.org", name="Pat Partner")


@pytest.fixture
def consortium(lead) -> Consortium:
    return services.create_consortium(
        lead.organisation, name="Midlands Heritage Partnership", legal_form_id=None, description="", actor=lead
    )


def _invite(consortium: Consortium, organisation) -> ConsortiumMembership:
    return services.invite_organisation(consortium, organisation, actor=consortium_lead_admin(consortium))


def consortium_lead_admin(consortium: Consortium):
    return consortium.lead_organisation.members[0]


def _membership(consortium_id: int, organisation_id: int) -> ConsortiumMembership | None:
    db.session.expire_all()
    return db.session.scalar(
        select(ConsortiumMembership).filter_by(consortium_id=consortium_id, organisation_id=organisation_id)
    )


def _actions() -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.action.like("consortium.%")).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def _notifications(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(Notification.user_id == user.id)))


# Creating ------------------------------------------------------------------------------------------------------


def test_an_org_admin_creates_a_consortium_led_by_their_organisation(client, lead):
    client.sign_in(lead.email)
    charity = terms_by_code("legal_form")["charity"]

    response = client.submit(
        "/provider/consortia/new",
        {"name": " Midlands Heritage Partnership ", "legal_form_id": str(charity.id), "description": "Together."},
    )

    consortium = db.session.scalar(select(Consortium))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/provider/consortia/{consortium.id}/invite")
    assert (consortium.name, consortium.legal_form_id, consortium.description) == (
        "Midlands Heritage Partnership",
        charity.id,
        "Together.",
    )
    assert consortium.lead_organisation_id == lead.organisation_id
    assert consortium.created_by_id == lead.id
    [membership] = consortium.memberships
    assert (membership.organisation_id, membership.status) == (lead.organisation_id, MembershipStatus.ACCEPTED)
    assert _actions() == ["consortium.created"]
    assert "Midlands Heritage Partnership" in text_of(client.get("/provider/consortia"))


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "", "legal_form_id": "charity"}, "Enter the name of the consortium"),
        ({"name": "x" * 201, "legal_form_id": "charity"}, "Name must be 200 characters or fewer"),
        ({"name": "Partnership", "legal_form_id": ""}, "Select the legal form of the consortium"),
        ({"name": "Partnership", "legal_form_id": "999999"}, "Select the legal form of the consortium"),
        ({"name": "Partnership", "legal_form_id": "abc"}, "Select the legal form of the consortium"),
        ({"name": "Partnership", "legal_form_id": "charity", "description": "x" * 5001}, "Description must be 5,000"),
    ],
)
def test_bad_consortium_details_are_explained_and_kept(client, lead, form, message):
    client.sign_in(lead.email)
    if form["legal_form_id"] == "charity":
        form["legal_form_id"] = str(terms_by_code("legal_form")["charity"].id)

    response = client.submit("/provider/consortia/new", {"description": "Kept description", **form})

    assert response.status_code == 200
    assert any(item.startswith(message) for item in error_summary(response)), error_summary(response)
    assert "<title>Error: " in response.get_data(as_text=True)
    if "description" not in form:
        assert "Kept description" in response.get_data(as_text=True)
    assert db.session.scalar(select(Consortium)) is None


def test_a_member_who_is_not_org_admin_cannot_create_a_consortium(client, lead):
    member = factories.make_provider(lead.organisation, is_org_admin=False)
    client.sign_in(member.email)

    assert client.get("/provider/consortia/new").status_code == 403
    response = client.submit(
        "/provider/consortia/new",
        {"name": "Rogue", "legal_form_id": str(terms_by_code("legal_form")["charity"].id)},
        page_url="/account/",
    )
    assert response.status_code == 403
    assert db.session.scalar(select(Consortium)) is None
    assert "Create a consortium" not in text_of(client.get("/provider/consortia"))


# Inviting ------------------------------------------------------------------------------------------------------


def test_the_lead_invites_an_organisation_whose_admins_are_told(client, consortium, lead, partner, outbox):
    colleague = factories.make_provider(partner.organisation, is_org_admin=False)
    client.sign_in(lead.email)

    response = client.submit(
        f"/provider/consortia/{consortium.id}/invite", {"organisation_id": str(partner.organisation_id)}
    )

    assert response.status_code == 302
    membership = _membership(consortium.id, partner.organisation_id)
    assert membership.status == MembershipStatus.INVITED
    assert _actions() == ["consortium.created", "consortium.member_invited"]
    assert _notifications(partner) == [
        "Derby Museums has invited Nottingham Libraries to join the consortium Midlands Heritage Partnership"
    ]
    assert _notifications(colleague) == []
    [email] = outbox
    assert email["To"] == "admin@nottingham.example.org"
    assert email["Subject"] == "Invitation to join the consortium Midlands Heritage Partnership"
    assert "/provider/consortia" in email.get_content()
    page = text_of(client.get(f"/provider/consortia/{consortium.id}/invite"))
    assert "Nottingham Libraries Invited" in page


def test_the_invite_list_offers_only_published_organisations_that_are_not_in_it(client, consortium, lead, partner):
    factories.make_organisation("Secret Draft Gallery")
    client.sign_in(lead.email)

    page = client.get(f"/provider/consortia/{consortium.id}/invite").get_data(as_text=True)

    assert "Nottingham Libraries" in page
    assert "Secret Draft Gallery" not in page
    assert f'<option value="{lead.organisation_id}"' not in page


@pytest.mark.parametrize("target", ["lead", "member", "invited", "draft", "unknown", "letters", "blank"])
def test_an_organisation_that_cannot_be_invited_is_refused(client, consortium, lead, partner, target):
    member = factories.make_organisation("Leicester Arts", status=OrganisationStatus.PUBLISHED)
    services.accept_invitation(_invite(consortium, member), actor=lead)
    _invite(consortium, partner.organisation)
    organisation_id = {
        "lead": str(lead.organisation_id),
        "member": str(member.id),
        "invited": str(partner.organisation_id),
        "draft": str(factories.make_organisation("Draft Gallery").id),
        "unknown": "999999",
        "letters": "abc",
        "blank": "",
    }[target]
    client.sign_in(lead.email)
    before = _actions()

    response = client.submit(f"/provider/consortia/{consortium.id}/invite", {"organisation_id": organisation_id})

    assert response.status_code == 200
    expected = "Select an organisation to invite" if target == "blank" else "Select an organisation from the list"
    assert error_summary(response) == [expected]
    assert _actions() == before
    assert len(_membership_rows(consortium.id)) == 3


def _membership_rows(consortium_id: int) -> list[ConsortiumMembership]:
    db.session.expire_all()
    return list(db.session.scalars(select(ConsortiumMembership).filter_by(consortium_id=consortium_id)))


def test_the_service_refuses_the_lead_and_existing_members_with_a_clear_message(consortium, lead, partner):
    _invite(consortium, partner.organisation)

    with pytest.raises(services.ConsortiumError, match="other than the lead"):
        _invite(consortium, lead.organisation)
    with pytest.raises(services.ConsortiumError, match="Nottingham Libraries has already been invited"):
        _invite(consortium, partner.organisation)
    services.accept_invitation(_membership(consortium.id, partner.organisation_id), actor=partner)
    with pytest.raises(services.ConsortiumError, match="already a member"):
        _invite(consortium, partner.organisation)


def test_a_lead_member_who_is_not_org_admin_cannot_invite(client, consortium, lead, partner):
    member = factories.make_provider(lead.organisation, is_org_admin=False)
    client.sign_in(member.email)

    assert client.get(f"/provider/consortia/{consortium.id}/invite").status_code == 403
    response = client.submit(
        f"/provider/consortia/{consortium.id}/invite",
        {"organisation_id": str(partner.organisation_id)},
        page_url="/account/",
    )
    assert response.status_code == 403
    assert _membership(consortium.id, partner.organisation_id) is None


def test_another_organisation_cannot_invite_to_a_consortium_it_does_not_lead(client, consortium, partner):
    third = factories.make_organisation("Leicester Arts", status=OrganisationStatus.PUBLISHED)
    services.accept_invitation(_invite(consortium, partner.organisation), actor=partner)
    client.sign_in(partner.email)

    assert client.get(f"/provider/consortia/{consortium.id}/invite").status_code == 404
    response = client.submit(
        f"/provider/consortia/{consortium.id}/invite", {"organisation_id": str(third.id)}, page_url="/account/"
    )
    assert response.status_code == 404
    assert _membership(consortium.id, third.id) is None


# Answering ------------------------------------------------------------------------------------------------------


def test_the_invited_org_admin_sees_the_invitation_and_accepts_it(client, consortium, lead, partner):
    membership = _invite(consortium, partner.organisation)
    client.sign_in(partner.email)

    page = client.get("/provider/consortia").get_data(as_text=True)
    assert "Midlands Heritage Partnership" in page
    assert f"/provider/consortia/memberships/{membership.id}/accept" in page
    assert f"/provider/consortia/memberships/{membership.id}/decline" in page
    response = client.submit(f"/provider/consortia/memberships/{membership.id}/accept", page_url="/account/")

    assert response.status_code == 302
    assert _membership(consortium.id, partner.organisation_id).status == MembershipStatus.ACCEPTED
    assert _actions()[-1] == "consortium.invitation_accepted"
    assert _notifications(lead) == [
        "Nottingham Libraries accepted the invitation to join the consortium Midlands Heritage Partnership"
    ]
    assert "You have joined Midlands Heritage Partnership" in text_of(client.get("/provider/consortia"))


def test_a_member_who_is_not_org_admin_sees_invitations_without_buttons(client, consortium, partner):
    membership = _invite(consortium, partner.organisation)
    colleague = factories.make_provider(partner.organisation, is_org_admin=False)
    client.sign_in(colleague.email)

    page = client.get("/provider/consortia").get_data(as_text=True)

    assert "Midlands Heritage Partnership" in page
    assert f"/memberships/{membership.id}/accept" not in page
    response = client.submit(f"/provider/consortia/memberships/{membership.id}/accept", page_url="/account/")
    assert response.status_code == 404
    assert _membership(consortium.id, partner.organisation_id).status == MembershipStatus.INVITED


@pytest.mark.parametrize("who", ["outsider", "lead"])
@pytest.mark.parametrize("answer", ["accept", "decline", "leave"])
def test_another_organisation_cannot_answer_an_invitation_that_is_not_its_own(
    client, consortium, lead, partner, answer, who
):
    membership = _invite(consortium, partner.organisation)
    user = lead if who == "lead" else factories.make_provider(factories.make_organisation("Leicester Arts"))
    client.sign_in(user.email)

    response = client.submit(f"/provider/consortia/memberships/{membership.id}/{answer}", page_url="/account/")

    assert response.status_code == 404
    assert _membership(consortium.id, partner.organisation_id).status == MembershipStatus.INVITED
    assert _actions() == ["consortium.created", "consortium.member_invited"]


def test_full_lifecycle_decline_reinvite_accept_leave_and_reinvite(client, consortium, lead, partner, outbox):
    membership = _invite(consortium, partner.organisation)
    client.sign_in(partner.email)

    client.submit(f"/provider/consortia/memberships/{membership.id}/decline", page_url="/account/")
    assert _membership(consortium.id, partner.organisation_id).status == MembershipStatus.DECLINED
    assert "declined the invitation" in _notifications(lead)[-1]
    assert f"/memberships/{membership.id}/accept" not in client.get("/provider/consortia").get_data(as_text=True)

    again = _invite(consortium, partner.organisation)
    assert again.id == membership.id
    assert _membership(consortium.id, partner.organisation_id).status == MembershipStatus.INVITED

    client.submit(f"/provider/consortia/memberships/{membership.id}/accept", page_url="/account/")
    assert _membership(consortium.id, partner.organisation_id).status == MembershipStatus.ACCEPTED
    page = client.get("/provider/consortia").get_data(as_text=True)
    assert f"/provider/consortia/memberships/{membership.id}/leave" in page

    client.submit(f"/provider/consortia/memberships/{membership.id}/leave", page_url="/account/")
    left = _membership(consortium.id, partner.organisation_id)
    assert left.status == MembershipStatus.LEFT
    assert left.left_at is not None
    assert "has left the consortium" in _notifications(lead)[-1]

    _invite(consortium, partner.organisation)
    assert _membership(consortium.id, partner.organisation_id).status == MembershipStatus.INVITED
    assert _actions() == [
        "consortium.created",
        "consortium.member_invited",
        "consortium.invitation_declined",
        "consortium.member_invited",
        "consortium.invitation_accepted",
        "consortium.member_left",
        "consortium.member_invited",
    ]
    recipients = [email["To"] for email in outbox]
    assert recipients.count("admin@nottingham.example.org") == 3
    assert recipients.count("lead@derby.example.org") == 3


def test_an_invitation_cannot_be_answered_twice(client, consortium, partner):
    membership = _invite(consortium, partner.organisation)
    client.sign_in(partner.email)
    client.submit(f"/provider/consortia/memberships/{membership.id}/accept", page_url="/account/")

    response = client.submit(
        f"/provider/consortia/memberships/{membership.id}/decline", page_url="/account/", follow_redirects=True
    )

    assert "This invitation has already been answered" in text_of(response)
    assert _membership(consortium.id, partner.organisation_id).status == MembershipStatus.ACCEPTED


def test_the_lead_organisation_cannot_leave(client, consortium, lead):
    lead_membership = _membership(consortium.id, lead.organisation_id)
    client.sign_in(lead.email)

    response = client.submit(
        f"/provider/consortia/memberships/{lead_membership.id}/leave",
        page_url="/account/",
        follow_redirects=True,
    )

    assert "The lead organisation cannot leave the consortium it leads" in text_of(response)
    assert _membership(consortium.id, lead.organisation_id).status == MembershipStatus.ACCEPTED
    assert "consortium.member_left" not in _actions()


def test_a_member_who_is_not_org_admin_cannot_leave(client, consortium, partner):
    services.accept_invitation(_invite(consortium, partner.organisation), actor=partner)
    membership = _membership(consortium.id, partner.organisation_id)
    colleague = factories.make_provider(partner.organisation, is_org_admin=False)
    client.sign_in(colleague.email)

    response = client.submit(f"/provider/consortia/memberships/{membership.id}/leave", page_url="/account/")

    assert response.status_code == 404
    assert _membership(consortium.id, partner.organisation_id).status == MembershipStatus.ACCEPTED
