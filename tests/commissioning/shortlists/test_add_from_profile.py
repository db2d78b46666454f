"""A commissioner adds a provider to a need's shortlist from the provider's public profile page."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.commissioning.models import NeedStatus, ShortlistEntry
from marketplace.core.roles import Role
from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from tests import factories
from tests.client import text_of
from tests.factories import make_need


def _setting():
    body, other_body = factories.make_body("Derby Children's Services"), factories.make_body("Leicester")
    commissioner = factories.make_commissioner(body)
    organisation = factories.make_organisation("Peak Arts", status=OrganisationStatus.PUBLISHED)
    open_need = make_need(body, title="Short breaks in Amber Valley")
    make_need(body, title="Awarded long ago", status=NeedStatus.AWARDED)
    make_need(other_body, title="Leicester's own need")
    return commissioner, organisation, open_need


def test_an_approved_commissioner_picks_one_of_their_needs_and_the_provider_is_shortlisted(client):
    commissioner, organisation, open_need = _setting()
    client.sign_in(commissioner.email)
    profile_url = f"/organisations/{organisation.id}"
    page = client.get(profile_url).get_data(as_text=True)
    assert "Short breaks in Amber Valley" in page
    assert "Awarded long ago" not in page  # an awarded need's shortlist can no longer change
    assert "Leicester&#39;s own need" not in page and "Leicester's own need" not in page

    response = client.submit(
        "/commissioner/shortlists/add",
        {"need_id": open_need.id, "organisation_id": organisation.id, "next": profile_url},
        page_url=profile_url,
        follow_redirects=True,
    )
    assert "Peak Arts added to the shortlist" in text_of(response)
    entry = db.session.scalar(select(ShortlistEntry).where(ShortlistEntry.organisation_id == organisation.id))
    assert entry is not None and entry.shortlist.need_id == open_need.id


def test_providers_the_public_and_pending_commissioners_see_no_shortlist_control(client):
    commissioner, organisation, _ = _setting()
    pending = factories.make_commissioner(commissioner.commissioning_body, approved=False, is_org_admin=False)
    assert 'id="add-to-shortlist"' not in client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    for user in (pending, factories.make_provider(), factories.make_user(Role.ASSESSOR)):
        client.sign_in(user.email)
        page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
        assert 'id="add-to-shortlist"' not in page, user.role
        client.submit("/account/sign-out", page_url=f"/organisations/{organisation.id}")
