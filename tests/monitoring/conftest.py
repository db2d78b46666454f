"""Monitoring fixtures: Central Bedfordshire with the seed 003 framework, two commissioners (manager and
challenger), a published provider with an account manager, and a short-breaks need awarded to it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from marketplace.commissioning.models import FrameworkMeasure, ResponseStatus
from marketplace.commissioning.shortlists.services import award_need
from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from marketplace.monitoring.models import Contract
from tests import factories
from tests.commissioning.shortlists.conftest import put_on_shortlist
from tests.factories import make_need, make_response
from tests.monitoring.test_framework_import import import_seed_framework


def framework_measure(title_start: str) -> FrameworkMeasure:
    found = db.session.scalar(select(FrameworkMeasure).where(FrameworkMeasure.title.startswith(title_start)))
    assert found is not None, title_start
    return found


@pytest.fixture
def body(app):
    return factories.make_body("Central Bedfordshire Council", ref="central-bedfordshire")


@pytest.fixture
def framework(body):
    return import_seed_framework(body)


@pytest.fixture
def manager(body):
    return factories.make_commissioner(body, email="manager@cbc.example.org", name="Mina Manager")


@pytest.fixture
def challenger(body):
    return factories.make_commissioner(body, email="challenger@cbc.example.org", name="Chris Challenger")


@pytest.fixture
def provider(app):
    organisation = factories.make_organisation("Arts for All", status=OrganisationStatus.PUBLISHED)
    return factories.make_provider(organisation, email="lead@artsforall.example.org", name="Pat Provider")


@pytest.fixture
def awarded(framework, manager, provider) -> Contract:
    """A short-breaks need linked to the LAC mental health (SDQ) and health assessment measures, awarded."""
    sdq = framework_measure("Children and young people who are Looked After (LAC) have better mental health")
    sdq.direction, sdq.tolerance = "lower", 0.5
    assessments = framework_measure("% Looked After Children (LAC) who have been looked after continuously")
    need = make_need(
        manager.commissioning_body,
        title="Short breaks for looked-after children",
        contract_start=date(2026, 4, 1),
        contract_end=date(2027, 3, 31),
        framework_outcomes=[sdq.outcome],
        framework_measures=[sdq, assessments],
    )
    response = make_response(need, provider.organisation, status=ResponseStatus.SHORTLISTED, price_pence=4_500_000)
    put_on_shortlist(need, provider.organisation, response=response)
    award_need(need, response, commissioner=manager, note="Strongest outcomes")
    contract = db.session.scalar(select(Contract).where(Contract.need_id == need.id))
    assert contract is not None
    return contract
