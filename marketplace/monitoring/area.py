"""What a body has commissioned in an area, as counts only, for the commissioners' area overview.

Contracts are private to the body that let them, and no contract carries a flag that publishes its summary to
other bodies, so the counts cover the viewer's own body and nothing else; no contract title, provider or value
leaves this module. A live contract serves the area when its need names a locality of the area, or (when the
need names none, or the contract came in without a need) its lead organisation serves the area. Its ECM outcomes
are the need's and those its framework outcomes are mapped to.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import exists, or_, select

from marketplace.commissioning.models import Need, framework_outcome_ecm, need_locality, need_outcome
from marketplace.directory.models import organisation_locality
from marketplace.extensions import db
from marketplace.monitoring.models import Contract, ContractStatus, contract_framework_outcome
from marketplace.reference.models import Term


@dataclass
class CommissionedCounts:
    """Live contracts of one body serving an area: in all, per ECM outcome code and per service area."""

    contracts: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)
    by_service_area: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, contracts)


def _serving(body_id: int, locality_ids: set[int]):
    """Ids of the body's live contracts serving any of the localities, as a subquery."""
    need_here = exists().where(
        need_locality.c.need_id == Contract.need_id, need_locality.c.locality_id.in_(locality_ids)
    )
    need_names_none = ~exists().where(need_locality.c.need_id == Contract.need_id)
    lead_here = exists().where(
        organisation_locality.c.organisation_id == Contract.organisation_id,
        organisation_locality.c.locality_id.in_(locality_ids),
    )
    return (
        select(Contract.id.label("contract_id"), Contract.need_id.label("need_id"))
        .where(Contract.body_id == body_id, Contract.status == ContractStatus.ACTIVE)
        .where(or_(need_here, (need_names_none & lead_here)))
        .subquery()
    )


def commissioned_in_area(body_id: int, locality_ids: set[int]) -> CommissionedCounts:
    """The body's live contracts serving the area, counted in SQL (never more than ids leave the database)."""
    serving = _serving(body_id, locality_ids)
    contract_ids = set(db.session.scalars(select(serving.c.contract_id)))
    if not contract_ids:
        return CommissionedCounts()
    outcomes: dict[str, set[int]] = defaultdict(set)
    from_need = (
        select(Term.code, serving.c.contract_id)
        .join(need_outcome, need_outcome.c.need_id == serving.c.need_id)
        .join(Term, Term.id == need_outcome.c.term_id)
    )
    from_framework = (
        select(Term.code, serving.c.contract_id)
        .join(contract_framework_outcome, contract_framework_outcome.c.contract_id == serving.c.contract_id)
        .join(
            framework_outcome_ecm,
            framework_outcome_ecm.c.framework_outcome_id == contract_framework_outcome.c.framework_outcome_id,
        )
        .join(Term, Term.id == framework_outcome_ecm.c.term_id)
    )
    for query in (from_need, from_framework):
        for code, contract_id in db.session.execute(query):
            outcomes[code].add(contract_id)
    areas: dict[tuple[str, str], set[int]] = defaultdict(set)
    service_areas = (
        select(Term.code, Term.label, serving.c.contract_id)
        .join(Need, Need.id == serving.c.need_id)
        .join(Term, Term.id == Need.service_area_id)
    )
    for code, label, contract_id in db.session.execute(service_areas):
        areas[(code, label)].add(contract_id)
    rows = sorted(((code, label, len(ids)) for (code, label), ids in areas.items()), key=lambda r: (-r[2], r[1]))
    return CommissionedCounts(len(contract_ids), {code: len(ids) for code, ids in outcomes.items()}, rows)
