"""Contracts: created by the award (in the award's transaction), or recorded for an existing arrangement."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.directory.models import Consortium
from marketplace.extensions import db
from marketplace.monitoring.models import MeasureKind
from marketplace.monitoring.services import (
    ContractDetails,
    ContractError,
    add_measure,
    contracts_of_organisation,
    record_existing_contract,
)
from tests import factories
from tests.factories import make_measure


def test_the_award_creates_the_contract_with_the_needs_framework_measures(awarded, manager, provider):
    assert awarded.organisation_id == provider.organisation_id
    assert (awarded.value_pence, awarded.start_date, awarded.end_date) == (
        4_500_000,
        date(2026, 4, 1),
        date(2027, 3, 31),
    )
    assert awarded.manager_id == manager.id and awarded.origin == "award"
    titles = sorted(m.title[:30] for m in awarded.measures)
    assert titles == ["% Looked After Children (LAC) ", "Children and young people who "]
    sdq = next(m for m in awarded.measures if m.title.startswith("Children and young people"))
    assert (sdq.direction, sdq.target_value, sdq.kind) == ("lower", 13.0, MeasureKind.BETTER_OFF)
    assert awarded.framework_outcomes[0].title == "Better health outcomes for looked after children"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contract.created"))
    assert event.actor_id == manager.id and event.object_id == str(awarded.id)


def test_a_consortium_award_makes_its_lead_accountable(framework, manager):
    lead = factories.make_organisation("Lead Museum", status="published")
    consortium = Consortium(name="Bedfordshire Arts Partnership", lead_organisation=lead)
    db.session.add(consortium)
    db.session.commit()
    contract = record_existing_contract(
        manager.commissioning_body,
        ContractDetails("Holiday club", lead, date(2026, 4, 1), date(2027, 3, 31), consortium=consortium),
        actor=manager,
    )
    assert contract.provider_name == "Bedfordshire Arts Partnership"
    assert contract.organisation_id == lead.id


def test_an_existing_arrangement_is_recorded_and_audited(framework, manager, provider):
    outcome = framework.themes[0].aims[0].outcomes[0]
    contract = record_existing_contract(
        manager.commissioning_body,
        ContractDetails(
            "Museum outreach",
            provider.organisation,
            date(2025, 4, 1),
            date(2026, 3, 31),
            "annual",
            120_000,
            None,
            [outcome],
        ),
        actor=manager,
    )
    assert contract.origin == "existing" and contract.framework_outcomes == [outcome]
    assert contracts_of_organisation(provider.organisation_id) == [contract]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contract.recorded")) is not None


def test_an_end_before_the_start_and_a_non_lead_are_refused(framework, manager, provider):
    with pytest.raises(ContractError, match="end date"):
        record_existing_contract(
            manager.commissioning_body,
            ContractDetails("X", provider.organisation, date(2026, 4, 1), date(2026, 3, 31)),
            actor=manager,
        )
    other = factories.make_organisation("Other")
    consortium = Consortium(name="Partnership", lead_organisation=other)
    db.session.add(consortium)
    db.session.commit()
    with pytest.raises(ContractError, match="lead organisation"):
        record_existing_contract(
            manager.commissioning_body,
            ContractDetails("X", provider.organisation, date(2026, 4, 1), date(2027, 3, 31), consortium=consortium),
            actor=manager,
        )


def test_measures_of_the_three_kinds_are_added_and_a_bad_kind_refused(awarded, manager):
    add_measure(awarded, make_measure(kind=MeasureKind.HOW_MUCH, title="Sessions delivered"), actor=manager)
    assert [m.kind for m in awarded.measures][-1] == MeasureKind.HOW_MUCH
    with pytest.raises(ContractError, match="how much, how well"):
        add_measure(awarded, make_measure(kind="how_fast"), actor=manager)
