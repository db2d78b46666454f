"""Contracts: created when a need is awarded, or recorded for an existing arrangement; their measures.

Each state change reads check → change → audit → commit. The award path is the exception on purpose: it runs
inside ``award_need``'s transaction (through the ``need_awarded`` signal), so the award and its contract are
committed together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from marketplace.audit.services import record_event
from marketplace.commissioning.models import (
    CommissioningBody,
    FrameworkMeasure,
    FrameworkOutcome,
    MeasureFields,
    Need,
    Response,
)
from marketplace.commissioning.signals import need_awarded
from marketplace.core.clock import today
from marketplace.directory.models import Consortium, Organisation
from marketplace.extensions import db
from marketplace.monitoring.models import Contract, ContractMeasure, MeasureKind

MEASURE_FIELDS = (
    "unit",
    "direction",
    "baseline_value",
    "baseline_period",
    "baseline_state",
    "baseline_available_from",
    "target_value",
    "target_period",
    "target_reference",
    "target_state",
    "tolerance",
)


class ContractError(ValueError):
    """A change the rules refuse; the message is shown as it is."""


def _copy_measure_fields(source: MeasureFields, target: MeasureFields) -> None:
    for name in MEASURE_FIELDS:
        setattr(target, name, getattr(source, name))


def measure_from_framework(
    framework_measure: FrameworkMeasure, *, kind: str = MeasureKind.BETTER_OFF
) -> ContractMeasure:
    """A contract measure that reports against a framework measure, starting from its baseline and target."""
    measure = ContractMeasure(
        framework_measure=framework_measure,
        kind=kind,
        title=framework_measure.title[:500],
        baseline_text=framework_measure.current_position,
        target_text=framework_measure.target,
    )
    _copy_measure_fields(framework_measure, measure)
    return measure


# Award ------------------------------------------------------------------------------------------------------------


def contract_for_need(need: Need) -> Contract | None:
    return db.session.scalar(select(Contract).where(Contract.need_id == need.id))


@need_awarded.connect
def create_contract_for_award(need: Need, *, response: Response, commissioner: Any, **_: Any) -> Contract:
    """The commissioned service for an award: the winning responder (a consortium through its lead), the price,
    the need's dates (a year from today if it gave none), quarterly reporting, and the need's framework
    outcomes and measures. Runs inside the award's transaction; the award commits it.
    """
    start = need.contract_start or today()
    contract = Contract(
        body=need.body,
        need=need,
        organisation=response.organisation,
        consortium=response.consortium,
        title=need.title,
        origin="award",
        value_pence=response.price_pence or need.budget_max_pence,
        start_date=start,
        end_date=need.contract_end or start + timedelta(days=364),
        reporting_frequency="quarterly",
        manager=commissioner,
        framework_outcomes=list(need.framework_outcomes),
        measures=[measure_from_framework(measure) for measure in sorted(need.framework_measures, key=lambda m: m.id)],
    )
    for position, measure in enumerate(contract.measures):
        measure.position = position
    db.session.add(contract)
    db.session.flush()
    record_event(
        "contract.created",
        obj=contract,
        actor=commissioner,
        summary=f"Contract for {need.title} with {contract.provider_name} created on award",
        after=_contract_facts(contract),
    )
    return contract


def _contract_facts(contract: Contract) -> dict[str, Any]:
    return {
        "title": contract.title,
        "organisation_id": contract.organisation_id,
        "consortium_id": contract.consortium_id,
        "value_pence": contract.value_pence,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "reporting_frequency": contract.reporting_frequency,
        "framework_outcome_ids": [outcome.id for outcome in contract.framework_outcomes],
    }


# Existing arrangements ----------------------------------------------------------------------------------------------


@dataclass
class ContractDetails:
    title: str
    organisation: Organisation
    start_date: date
    end_date: date
    reporting_frequency: str = "quarterly"
    value_pence: int | None = None
    consortium: Consortium | None = None
    framework_outcomes: list[FrameworkOutcome] = field(default_factory=list)


def record_existing_contract(body: CommissioningBody, details: ContractDetails, *, actor: Any) -> Contract:
    """Record a contract that did not come through a need (an existing arrangement). Commits; audited."""
    if details.end_date < details.start_date:
        raise ContractError("The end date must be the same as or after the start date")
    if details.consortium is not None and details.consortium.lead_organisation_id != details.organisation.id:
        raise ContractError("The accountable organisation must be the consortium's lead organisation")
    contract = Contract(
        body=body,
        title=details.title,
        origin="existing",
        organisation=details.organisation,
        consortium=details.consortium,
        value_pence=details.value_pence,
        start_date=details.start_date,
        end_date=details.end_date,
        reporting_frequency=details.reporting_frequency,
        manager=actor,
        framework_outcomes=[
            outcome for outcome in details.framework_outcomes if outcome.aim.theme.framework.body_id == body.id
        ],
    )
    db.session.add(contract)
    db.session.flush()
    record_event(
        "contract.recorded",
        obj=contract,
        actor=actor,
        summary=f"Recorded existing contract {contract.title} with {contract.provider_name}",
        after=_contract_facts(contract),
    )
    db.session.commit()
    return contract


# Measures -----------------------------------------------------------------------------------------------------------


def add_measure(contract: Contract, measure: ContractMeasure, *, actor: Any) -> ContractMeasure:
    """Add a performance measure (of an RBA kind) to ``contract``. Commits; audited."""
    if measure.kind not in MeasureKind.LABELS:
        raise ContractError("Select how the measure counts: how much, how well, or is anyone better off")
    fm = measure.framework_measure
    if fm is not None and fm.outcome.aim.theme.framework.body_id != contract.body_id:
        raise ContractError("Select a measure from your body's own frameworks")
    measure.position = len(contract.measures)
    contract.measures.append(measure)
    if fm is not None and fm.outcome not in contract.framework_outcomes:
        contract.framework_outcomes.append(fm.outcome)
    db.session.flush()
    record_event(
        "contract.measure_added",
        obj=contract,
        actor=actor,
        summary=f"Added measure {measure.title[:200]} to {contract.title}",
        after={"measure_id": measure.id, "kind": measure.kind, "framework_measure_id": measure.framework_measure_id},
    )
    db.session.commit()
    return measure


# Reading -------------------------------------------------------------------------------------------------------------


def contracts_of_body(body_id: int) -> list[Contract]:
    return list(db.session.scalars(select(Contract).where(Contract.body_id == body_id).order_by(Contract.title)))


def contracts_of_organisation(organisation_id: int) -> list[Contract]:
    """Contracts the organisation leads or belongs to through an accepted consortium membership."""
    from marketplace.directory.models import ConsortiumMembership, MembershipStatus

    member_of = select(ConsortiumMembership.consortium_id).where(
        ConsortiumMembership.organisation_id == organisation_id,
        ConsortiumMembership.status == MembershipStatus.ACCEPTED,
    )
    query = select(Contract).where(
        (Contract.organisation_id == organisation_id) | Contract.consortium_id.in_(member_of)
    )
    return list(db.session.scalars(query.order_by(Contract.title)))
