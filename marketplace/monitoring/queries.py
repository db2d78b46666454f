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
from marketplace.monitoring.models import Contract, ContractMeasure, contract_framework_outcome
from marketplace.monitoring.ratings import latest_statuses
from marketplace.monitoring.returns import schedule_of
from marketplace.monitoring.schedule import PeriodStatus

LOAD = (
    selectinload(Contract.measures).selectinload(ContractMeasure.ratings),
    selectinload(Contract.returns),
    selectinload(Contract.organisation),
    selectinload(Contract.consortium),
    selectinload(Contract.review),
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


def contract_row(contract: Contract, *, on: date | None = None) -> ContractRow:
    latest = latest_statuses(contract)
    statuses = {measure_id: (item.status if item else rating.NO_DATA) for measure_id, item in latest.items()}
    schedule = schedule_of(contract, on=on or today())
    live = [row.live for row in schedule if row.live is not None]
    return ContractRow(
        contract=contract,
        statuses=statuses,
        rating_counts=rating.count(list(statuses.values())),
        due=sum(row.status == PeriodStatus.DUE for row in schedule),
        overdue=sum(row.status == PeriodStatus.OVERDUE for row in schedule),
        needs_help=bool(live and max(live, key=lambda ret: ret.period_start).needs_help),
    )


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
    contracts = db.session.scalars(
        select(Contract).where(Contract.body_id == body_id).options(*LOAD).order_by(Contract.title)
    )
    rows = [row for row in (contract_row(contract, on=on) for contract in contracts) if _keep(row, chosen)]
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
    contracts = db.session.scalars(
        select(Contract).where(or_(Contract.id.in_(linked), Contract.id.in_(by_measure))).options(*LOAD)
    )
    rows = [contract_row(contract, on=on) for contract in contracts]
    counts = rating.count([status for row in rows for status in row.statuses.values()])
    return RollUp(outcome=outcome, rows=sorted(rows, key=lambda row: row.contract.title), counts=counts)
