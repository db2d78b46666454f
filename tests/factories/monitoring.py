"""Monitoring test data: contracts with measures, and returns. Every helper commits."""

from __future__ import annotations

from datetime import date

from marketplace.commissioning.models import CommissioningBody
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.monitoring.models import Contract, ContractMeasure, MeasureKind


def make_measure(**fields) -> ContractMeasure:
    """Days from referral to first session: lower is better, baseline 30, target 20, tolerance 5."""
    return ContractMeasure(
        kind=fields.pop("kind", MeasureKind.HOW_WELL),
        title=fields.pop("title", "Days from referral to first short break"),
        unit=fields.pop("unit", "days"),
        direction=fields.pop("direction", "lower"),
        baseline_value=fields.pop("baseline_value", 30),
        target_value=fields.pop("target_value", 20),
        tolerance=fields.pop("tolerance", 5),
        **fields,
    )


def make_contract(body: CommissioningBody, organisation: Organisation, *, measures=None, **fields) -> Contract:
    """An active quarterly contract from 1 April 2026 to 31 March 2027 with one measure unless told."""
    contract = Contract(
        body=body,
        organisation=organisation,
        title=fields.pop("title", "Short breaks at the museum"),
        origin=fields.pop("origin", "existing"),
        value_pence=fields.pop("value_pence", 750_000),
        start_date=fields.pop("start_date", date(2026, 4, 1)),
        end_date=fields.pop("end_date", date(2027, 3, 31)),
        reporting_frequency=fields.pop("reporting_frequency", "quarterly"),
        measures=measures if measures is not None else [make_measure()],
        **fields,
    )
    db.session.add(contract)
    db.session.commit()
    return contract
