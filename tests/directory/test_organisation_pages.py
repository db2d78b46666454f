"""Organisation pages: published profiles are public; drafts are seen only by their members, assessors and admins."""

from __future__ import annotations

import pytest

from marketplace.core.roles import Role
from marketplace.directory.models import OrganisationStatus
from tests import factories
from tests.client import text_of


@pytest.fixture
def published(app):
    return factories.make_organisation("Derby Museum of Making", status=OrganisationStatus.PUBLISHED)


@pytest.fixture
def draft(app):
    return factories.make_organisation("Secret Draft Gallery", status=OrganisationStatus.DRAFT)


def test_published_organisations_are_listed_publicly_and_drafts_are_not(client, published, draft):
    response = client.get("/organisations")

    assert response.status_code == 200
    page = text_of(response)
    assert "Derby Museum of Making" in page
    assert "Secret Draft Gallery" not in page
    assert f'href="/organisations/{published.id}"' in response.get_data(as_text=True)


def test_a_published_organisations_page_is_public(client, published):
    response = client.get(f"/organisations/{published.id}")

    assert response.status_code == 200
    assert "Derby Museum of Making" in text_of(response)


def test_a_suspended_organisation_is_hidden_from_the_public(client):
    suspended = factories.make_organisation("Suspended Archive", status=OrganisationStatus.SUSPENDED)

    assert client.get(f"/organisations/{suspended.id}").status_code == 404
    assert "Suspended Archive" not in text_of(client.get("/organisations"))


def test_a_draft_is_not_found_for_anonymous_visitors(client, draft):
    response = client.get(f"/organisations/{draft.id}")

    assert response.status_code == 404
    assert "Secret Draft Gallery" not in text_of(response)


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("other_provider", 404),
        ("approved_commissioner", 404),
        ("pending_commissioner", 404),
        ("member", 200),
        ("assessor", 200),
        ("admin", 200),
    ],
)
def test_a_draft_page_is_seen_only_by_its_members_assessors_and_admins(client, draft, viewer, status):
    users = {
        "other_provider": lambda: factories.make_provider(),
        "approved_commissioner": lambda: factories.make_commissioner(),
        "pending_commissioner": lambda: factories.make_commissioner(approved=False),
        "member": lambda: factories.make_provider(draft, is_org_admin=False),
        "assessor": lambda: factories.make_user(Role.ASSESSOR),
        "admin": lambda: factories.make_user(Role.ADMIN),
    }
    client.sign_in(users[viewer]().email)

    response = client.get(f"/organisations/{draft.id}")

    assert response.status_code == status
    assert ("Secret Draft Gallery" in text_of(response)) is (status == 200)


def test_an_unknown_organisation_is_not_found(client):
    assert client.get("/organisations/999999").status_code == 404


def test_the_provider_dashboard_shows_the_members_own_organisation_only(client, published, draft):
    provider = factories.make_provider(draft)
    client.sign_in(provider.email)

    response = client.get("/provider")

    assert response.status_code == 200
    page = text_of(response)
    assert "Secret Draft Gallery" in page
    assert "Derby Museum of Making" not in page
    assert f'href="/organisations/{draft.id}"' in response.get_data(as_text=True)


def test_a_provider_without_an_organisation_is_told_to_ask_for_an_invitation(client):
    provider = factories.make_user(Role.PROVIDER)
    client.sign_in(provider.email)

    assert "You are not a member of an organisation" in text_of(client.get("/provider"))
