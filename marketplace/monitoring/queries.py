"""Reading across contracts: a body's portfolio and a framework outcome's roll-up.

Both load contracts with their measures, ratings and returns in a few queries (``selectinload``), so the pages
stay quick at hundreds of contracts with years of returns (see ``bench/monitoring_bench.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from marketplace.commissioning.models import FrameworkOutcome
from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.monitoring import rating
from marketplace.monitoring.models import (
    Contract,
    ContractMeasure,
    MeasureRating,
    PerformanceReturn,
    ReturnStatus,
    contract_framework_outcome,
)
from marketplace.monitoring.schedule import PeriodStatus, period_status, periods

LOAD = (
    selectinload(Contract.measures),
    selectinload(Contract.organisation),
    selectinload(Contract.consortium),
    selectinload(Contract.challenges),
)


@dataclass
class ContractRow:
    contract: Contract
    statuses: dict[int, str]  # measure id → latest status ("no_data" when never rated)
    rating_counts: dict[str, int]
    due: int = 0
    overdue: int = 0
    needs_help: bool = False


@dataclass
class PortfolioFilter:
    status: str = ""  # active | closed | ""
    rating: str = ""  # only contracts with at least one measure in this status
    returns: str = ""  # overdue: only contracts with an overdue return
    text: str = ""


@dataclass
class Portfolio:
    rows: list[ContractRow]
    totals: dict[str, int] = field(default_factory=dict)
    spend_pence: int = 0


@dataclass
class _Facts:
    """Latest status per measure and live return (status, needs help) per contract and period, read as plain
    rows: at hundreds of contracts with years of returns, ORM objects for every return and rating cost more
    than the page itself."""

    statuses: dict[int, str] = field(default_factory=dict)
    live: dict[int, dict[date, tuple[str, bool]]] = field(default_factory=dict)


def _facts(contract_ids: list[int]) -> _Facts:
    facts = _Facts()
    latest: dict[int, date] = {}
    rows = db.session.execute(
        select(MeasureRating.measure_id, MeasureRating.period_start, MeasureRating.computed, MeasureRating.override)
        .join(ContractMeasure)
        .where(ContractMeasure.contract_id.in_(contract_ids))
    )
    for measure_id, period_start, computed, override in rows:
        if measure_id not in latest or period_start > latest[measure_id]:
            latest[measure_id] = period_start
            facts.statuses[measure_id] = override or computed
    returns = db.session.execute(
        select(
            PerformanceReturn.contract_id,
            PerformanceReturn.period_start,
            PerformanceReturn.status,
            PerformanceReturn.needs_help,
        ).where(PerformanceReturn.contract_id.in_(contract_ids), PerformanceReturn.status != ReturnStatus.SUPERSEDED)
    )
    for contract_id, period_start, status, needs_help in returns:
        facts.live.setdefault(contract_id, {})[period_start] = (status, needs_help)
    return facts


def _row(contract: Contract, facts: _Facts, day: date) -> ContractRow:
    statuses = {measure.id: facts.statuses.get(measure.id, rating.NO_DATA) for measure in contract.measures}
    live = facts.live.get(contract.id, {})
    period_statuses = [
        period_status(period, day, live[period.start][0] if period.start in live else None)
        for period in periods(contract.start_date, contract.end_date, contract.reporting_frequency)
    ]
    return ContractRow(
        contract=contract,
        statuses=statuses,
        rating_counts=rating.count(list(statuses.values())),
        due=period_statuses.count(PeriodStatus.DUE),
        overdue=period_statuses.count(PeriodStatus.OVERDUE),
        needs_help=bool(live and live[max(live)][1]),
    )


def contract_rows(contracts: list[Contract], *, on: date | None = None) -> list[ContractRow]:
    """Each contract's latest statuses, returns due/overdue and help flag, in two queries for all of them."""
    facts = _facts([contract.id for contract in contracts])
    return [_row(contract, facts, on or today()) for contract in contracts]


def _keep(row: ContractRow, chosen: PortfolioFilter) -> bool:
    if chosen.status and row.contract.status != chosen.status:
        return False
    if chosen.rating and not row.rating_counts.get(chosen.rating):
        return False
    if chosen.returns == "overdue" and not row.overdue:
        return False
    needle = chosen.text.strip().lower()
    return not needle or needle in row.contract.title.lower() or needle in row.contract.provider_name.lower()


def portfolio(body_id: int, chosen: PortfolioFilter | None = None, *, on: date | None = None) -> Portfolio:
    """The body's contracts with rating counts, returns due/overdue and spend, filtered by ``chosen``."""
    chosen = chosen or PortfolioFilter()
    contracts = list(
        db.session.scalars(select(Contract).where(Contract.body_id == body_id).options(*LOAD).order_by(Contract.title))
    )
    rows = [row for row in contract_rows(contracts, on=on) if _keep(row, chosen)]
    totals = rating.count([])
    for row in rows:
        for status, number in row.rating_counts.items():
            totals[status] += number
    totals["due"] = sum(row.due for row in rows)
    totals["overdue"] = sum(row.overdue for row in rows)
    spend = sum(row.contract.value_pence or 0 for row in rows)
    return Portfolio(rows=rows, totals=totals, spend_pence=spend)


@dataclass
class RollUp:
    outcome: FrameworkOutcome
    rows: list[ContractRow]
    counts: dict[str, int]


def outcome_roll_up(outcome: FrameworkOutcome, *, on: date | None = None) -> RollUp:
    """Every contract contributing to ``outcome`` (linked to it, or reporting on one of its measures), rated."""
    measure_ids = [measure.id for measure in outcome.measures]
    linked = select(contract_framework_outcome.c.contract_id).where(
        contract_framework_outcome.c.framework_outcome_id == outcome.id
    )
    by_measure = select(ContractMeasure.contract_id).where(ContractMeasure.framework_measure_id.in_(measure_ids))
    contracts = list(
        db.session.scalars(
            select(Contract).where(or_(Contract.id.in_(linked), Contract.id.in_(by_measure))).options(*LOAD)
        )
    )
    rows = contract_rows(contracts, on=on)
    counts = rating.count([status for row in rows for status in row.statuses.values()])
    return RollUp(outcome=outcome, rows=sorted(rows, key=lambda row: row.contract.title), counts=counts)
