"""Fixtures for the profile tests: an organisation and its account manager (row builders are in tests.factories)."""

from __future__ import annotations

import pytest

from marketplace.directory.models import Organisation
from tests import factories


@pytest.fixture
def organisation(app) -> Organisation:
    return factories.make_organisation("Derby Museum of Making")


@pytest.fixture
def provider(organisation):
    """The organisation's account manager (org-admin)."""
    return factories.make_provider(organisation, is_org_admin=True)


@pytest.fixture
def signed_in(client, provider):
    client.sign_in(provider.email)
    return client
