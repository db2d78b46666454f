"""Reviewed-edit fixtures: a trusted listing (safeguarding verified) with its account manager, and an assessor."""

from __future__ import annotations

import pytest

from tests.client import FormClient
from tests.factories import make_assessor, make_ready_organisation
from tests.factories.verification import verified


@pytest.fixture
def assessor(app):
    return make_assessor(name="Ada Assessor")


@pytest.fixture
def trusted(app, assessor):
    """(organisation, account manager): published, every readiness item done, safeguarding verified."""
    organisation, provider = make_ready_organisation("Peak Heritage Trust")
    verified(organisation, provider, assessor)
    return organisation, provider


@pytest.fixture
def provider_client(app, trusted) -> FormClient:
    client = FormClient(app.test_client())
    client.sign_in(trusted[1].email)
    return client


@pytest.fixture
def assessor_client(app, assessor) -> FormClient:
    client = FormClient(app.test_client())
    client.sign_in(assessor.email)
    return client
