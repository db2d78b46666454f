"""Evidence test fixtures: provider A's draft organisation and its signed-in member."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def organisation(app):
    return factories.make_organisation("Derby Museums")  # a draft


@pytest.fixture
def provider(organisation):
    return factories.make_provider(organisation)


@pytest.fixture
def provider_client(client, provider):
    client.sign_in(provider.email)
    return client
