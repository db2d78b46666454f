"""Export the directory in the interchange format that :mod:`marketplace.directory.importer` reads.

The output is normalised so that import → export → import round-trips: records sorted by ``ref``, keys in a
fixed order, vocabulary values as codes (sorted, no duplicates), localities as ONS codes, money in pence. The
importer normalises what it reads into exactly this shape, which is also how it tells an unchanged record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.directory.models import (
    Consortium,
    ConsortiumMembership,
    MembershipStatus,
    Offer,
    Organisation,
    OrganisationStatus,
    OutcomeContribution,
)
from marketplace.directory.services import BASIC_TEXT_FIELDS
from marketplace.extensions import db

EXPORT_CHUNK = 500
# The profile's text fields but the name, which the exporter writes first.
ORGANISATION_TEXT_FIELDS = tuple(name for name in BASIC_TEXT_FIELDS if name != "name")


def organisation_load_options() -> tuple:
    """Eager loads for everything :func:`organisation_record` reads (a handful of queries per batch)."""
    return (
        selectinload(Organisation.localities),
        selectinload(Organisation.target_groups),
        selectinload(Organisation.indicators),
        selectinload(Organisation.problem_areas),
        selectinload(Organisation.outcome_contributions).selectinload(OutcomeContribution.aims),
        selectinload(Organisation.framework_statements),
        selectinload(Organisation.offers).selectinload(Offer.delivery_modes),
        selectinload(Organisation.offers).selectinload(Offer.localities),
        selectinload(Organisation.offers).selectinload(Offer.outcomes),
        selectinload(Organisation.offers).selectinload(Offer.aims),
        selectinload(Organisation.offers).selectinload(Offer.service_areas),
    )


def codes(terms) -> list[str]:
    """Vocabulary terms as a sorted list of codes without duplicates."""
    return sorted({term.code for term in terms})


def ons_codes(localities) -> list[str]:
    return sorted({locality.ons_code for locality in localities})


def _code(term) -> str | None:
    return term.code if term is not None else None


def value_for_money_record(organisation: Organisation) -> dict[str, Any]:
    ratio = organisation.social_return_ratio
    return {
        "full_cost_recovery": organisation.full_cost_recovery,
        "unit_cost_pence": organisation.unit_cost_pence,
        "unit_cost_basis": organisation.unit_cost_basis or "",
        "social_return_ratio": float(ratio) if ratio is not None else None,
        "added_value": organisation.added_value or "",
    }


def offer_record(offer: Offer) -> dict[str, Any]:
    """One offer in interchange form."""
    return {
        "ref": offer.ref,
        "title": offer.title,
        "description": offer.description or "",
        "delivery_modes": codes(offer.delivery_modes),
        "venue": offer.venue or "",
        "age_min": offer.age_min,
        "age_max": offer.age_max,
        "group_size_min": offer.group_size_min,
        "group_size_max": offer.group_size_max,
        "capacity_per_year": offer.capacity_per_year,
        "price_pence": offer.price_pence,
        "cost_basis": _code(offer.cost_basis),
        "localities": ons_codes(offer.localities),
        "outcomes": codes(offer.outcomes),
        "aims": codes(offer.aims),
        "service_areas": codes(offer.service_areas),
        "send_suitable": bool(offer.send_suitable),
    }


def organisation_record(organisation: Organisation) -> dict[str, Any]:
    """One organisation in interchange form (with its offers)."""
    record: dict[str, Any] = {
        "ref": organisation.ref,
        "name": organisation.name,
        "organisation_type": _code(organisation.organisation_type),
        "legal_form": _code(organisation.legal_form),
    }
    record.update({name: getattr(organisation, name) or "" for name in ORGANISATION_TEXT_FIELDS})
    contributions = sorted(organisation.outcome_contributions, key=lambda c: c.outcome.code)
    statements = sorted(organisation.framework_statements, key=lambda s: s.framework.code)
    record.update(
        {
            "localities": ons_codes(organisation.localities),
            "age_min": organisation.age_min,
            "age_max": organisation.age_max,
            "target_groups": codes(organisation.target_groups),
            "outcomes": [
                {"outcome": c.outcome.code, "aims": codes(c.aims), "statement": c.statement or ""}
                for c in contributions
            ],
            "framework_statements": [{"framework": s.framework.code, "statement": s.statement} for s in statements],
            "indicators": codes(organisation.indicators),
            "value_for_money": value_for_money_record(organisation),
            "offers": [offer_record(offer) for offer in sorted(organisation.offers, key=lambda o: o.ref or "")],
            "status": organisation.status,
        }
    )
    if organisation.adults_only:  # written only when set, so files that never mention it round-trip unchanged
        record["adults_only"] = True
    if organisation.problem_areas:  # likewise: files written before problem areas existed round-trip unchanged
        record["problem_areas"] = codes(organisation.problem_areas)
    return record


def consortium_record(consortium: Consortium, *, organisation_refs: set[str] | None = None) -> dict[str, Any]:
    """One consortium; its members are the organisations whose membership is accepted."""
    members = [
        m.organisation.ref
        for m in consortium.memberships
        if m.status == MembershipStatus.ACCEPTED
        and (organisation_refs is None or m.organisation.ref in organisation_refs)
    ]
    return {
        "ref": consortium.ref,
        "name": consortium.name,
        "legal_form": _code(consortium.legal_form),
        "description": consortium.description or "",
        "lead": consortium.lead_organisation.ref,
        "members": sorted(members),
    }


# Stable refs -------------------------------------------------------------------------------------------------


def slugify(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")
    return slug or "record"


def _unique(base: str, taken: set[str]) -> str:
    ref, number = base, 1
    while ref in taken:
        number += 1
        ref = f"{base}-{number}"
    taken.add(ref)
    return ref


def assign_missing_refs() -> int:
    """Give a stable ``ref`` to organisations, offers and consortia created in the app (which have none).

    An exported record must carry a ref, or importing the file back would create a copy. Returns how many refs
    were assigned; the caller commits.
    """
    assigned = 0
    for model, label in ((Organisation, "name"), (Consortium, "name"), (Offer, "title")):
        taken = set(db.session.scalars(select(model.ref).where(model.ref.is_not(None))))
        for obj in db.session.scalars(select(model).where(model.ref.is_(None)).order_by(model.id)):
            prefix = f"{obj.organisation.ref}-" if isinstance(obj, Offer) and obj.organisation.ref else ""
            obj.ref = _unique(slugify(prefix + getattr(obj, label)), taken)
            assigned += 1
    return assigned


# Export ------------------------------------------------------------------------------------------------------


def _organisation_records(published_only: bool) -> Iterator[dict[str, Any]]:
    query = select(Organisation.id).order_by(Organisation.ref)
    if published_only:
        query = query.where(Organisation.status == OrganisationStatus.PUBLISHED)
    ids = list(db.session.scalars(query))
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start : start + EXPORT_CHUNK]
        rows = db.session.scalars(
            select(Organisation).where(Organisation.id.in_(chunk)).options(*organisation_load_options())
        )
        yield from sorted((organisation_record(o) for o in rows), key=lambda r: r["ref"])


def _consortium_records(published_refs: set[str] | None) -> list[dict[str, Any]]:
    query = select(Consortium).options(
        selectinload(Consortium.memberships).selectinload(ConsortiumMembership.organisation),
        selectinload(Consortium.lead_organisation),
    )
    records = [
        consortium_record(c, organisation_refs=published_refs)
        for c in db.session.scalars(query)
        if published_refs is None or c.lead_organisation.ref in published_refs
    ]
    return sorted(records, key=lambda r: r["ref"])


def export_directory(*, published_only: bool = False) -> dict[str, list[dict[str, Any]]]:
    """The whole directory (or only published organisations) as ``{"organisations": […], "consortia": […]}``.

    Records created in the app get a stable ``ref`` first (committed), so the file can be imported back.
    """
    if assign_missing_refs():
        db.session.commit()
    organisations = list(_organisation_records(published_only))
    published_refs = {record["ref"] for record in organisations} if published_only else None
    return {"organisations": organisations, "consortia": _consortium_records(published_refs)}
