"""The evidence page offers "Publish profile" to the account manager once the profile can be published (issue 17)."""

from __future__ import annotations

from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from tests import factories
from tests.client import FormClient
from tests.directory.profiles.test_publishing import complete_basics


def _offers_publishing(client) -> bool:
    return 'id="ready-to-publish"' in client.get("/provider/evidence").get_data(as_text=True)


def test_a_ready_draft_is_offered_publishing_and_it_publishes(client, organisation):
    manager = factories.make_provider(organisation, is_org_admin=True, email="manager@derby.example.org")
    client.sign_in(manager.email)
    assert not _offers_publishing(client)  # the basic details are missing

    complete_basics(organisation)
    assert _offers_publishing(client)
    client.submit("/provider/profile/publish", page_url="/provider/evidence")
    db.session.refresh(organisation)
    assert organisation.status == OrganisationStatus.PUBLISHED
    assert not _offers_publishing(client)  # published: nothing left to offer


def test_a_plain_member_is_not_offered_publishing(app, organisation):
    complete_basics(organisation)
    member = factories.make_provider(organisation, is_org_admin=False, email="member@derby.example.org")
    client = FormClient(app.test_client())
    client.sign_in(member.email)
    assert not _offers_publishing(client)
