"""Changes audited by this issue: each event names the actor and object and keeps before/after.

Response status changes made by shortlisting, removal and the award; invitation revocation and acceptance
(a permission change) with what they granted. Older events are tested beside their own services.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.services import accept_invitation, invite_member, revoke_invitation
from marketplace.audit.models import AuditEvent
from marketplace.commissioning.models import ResponseStatus
from marketplace.commissioning.shortlists.services import Candidate, add_to_shortlist, award_need, remove_entry
from marketplace.extensions import db
from tests import factories
from tests.commissioning.shortlists.conftest import published_organisation, put_on_shortlist
from tests.factories import make_need, make_response


def events(action: str, obj=None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action)
    if obj is not None:
        query = query.where(AuditEvent.object_type == type(obj).__name__, AuditEvent.object_id == str(obj.id))
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


@pytest.fixture
def commissioner(app):
    return factories.make_commissioner(factories.make_body("Derby Children's Services"), email="c@derby.example.org")


@pytest.fixture
def need(commissioner):
    return make_need(commissioner.commissioning_body, title="Creative short breaks in Derby")


def test_shortlisting_a_response_records_its_status_change(need, commissioner):
    response = make_response(need, published_organisation("Winner Museum"))

    add_to_shortlist(need, Candidate(response.organisation_id, response_id=response.id), actor=commissioner)

    [event] = events("response.status_changed", response)
    assert (event.actor_id, event.actor_email) == (commissioner.id, "c@derby.example.org")
    assert (event.before, event.after) == ({"status": "submitted"}, {"status": "shortlisted"})
    assert event.summary == "Winner Museum: shortlisted"


def test_removing_a_response_from_the_shortlist_records_its_return_to_submitted(need, commissioner):
    response = make_response(need, published_organisation("Winner Museum"))
    entry = add_to_shortlist(need, Candidate(response.organisation_id, response_id=response.id), actor=commissioner)

    remove_entry(entry, actor=commissioner)

    assert response.status == ResponseStatus.SUBMITTED
    changes = [(event.before, event.after) for event in events("response.status_changed", response)]
    assert changes[-1] == ({"status": "shortlisted"}, {"status": "submitted"})
    assert events("response.status_changed", response)[-1].actor_id == commissioner.id


def test_the_award_records_each_responses_result(need, commissioner):
    winner = make_response(need, published_organisation("Winner Museum"), status=ResponseStatus.SHORTLISTED)
    runner_up = make_response(need, published_organisation("Runner-up Library"), status=ResponseStatus.SHORTLISTED)
    withdrawn = make_response(need, published_organisation("Withdrawn Theatre"), status=ResponseStatus.WITHDRAWN)
    for response in (winner, runner_up):
        put_on_shortlist(need, response.organisation, response=response)

    award_need(need, winner, commissioner=commissioner, note="Best outcomes")

    [won] = events("response.status_changed", winner)
    [lost] = events("response.status_changed", runner_up)
    assert (won.before, won.after) == ({"status": "shortlisted"}, {"status": "awarded"})
    assert (lost.before, lost.after) == ({"status": "shortlisted"}, {"status": "unsuccessful"})
    assert won.actor_id == lost.actor_id == commissioner.id
    assert lost.summary == "Runner-up Library: not successful (Creative short breaks in Derby)"
    assert events("response.status_changed", withdrawn) == [], "a withdrawn response keeps its status"


def test_revoking_an_invitation_records_what_was_revoked(app):
    org_admin = factories.make_provider(email="lead@museum.example.org")
    invitation = invite_member(org_admin, "colleague@museum.example.org")

    revoke_invitation(invitation, actor=org_admin)

    [event] = events("invitation.revoked", invitation)
    assert event.actor_id == org_admin.id
    assert event.before == {"email": "colleague@museum.example.org", "role": "provider", "revoked_at": None}
    assert event.after["revoked_at"] == invitation.revoked_at.isoformat()
    assert event.summary == "Invitation to colleague@museum.example.org revoked"


def test_accepting_an_invitation_records_the_permissions_it_granted(app):
    org_admin = factories.make_provider(email="lead@museum.example.org")
    invitation = invite_member(org_admin, "colleague@museum.example.org", is_org_admin=True)

    colleague = accept_invitation(invitation, name="Colin League", password="velvet orbit lantern kestrel")

    [event] = events("invitation.accepted", invitation)
    assert (event.actor_id, event.actor_email) == (colleague.id, "colleague@museum.example.org")
    assert event.after == {
        "user_id": colleague.id,
        "role": "provider",
        "is_org_admin": True,
        "organisation_id": org_admin.organisation_id,
        "commissioning_body_id": None,
    }
