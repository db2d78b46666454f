"""Offers: create, change and delete an organisation's services and activities, each change audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.audit.services import record_event
from marketplace.directory.models import Offer, Organisation
from marketplace.directory.signals import note_listing_edited
from marketplace.extensions import db
from marketplace.reference.models import Locality, Term


@dataclass
class OfferDetails:
    """An offer's fields as validated by the form (ids already checked against the choices)."""

    title: str
    description: str = ""
    venue: str = ""
    age_min: int | None = None
    age_max: int | None = None
    group_size_min: int | None = None
    group_size_max: int | None = None
    capacity_per_year: int | None = None
    price_pence: int | None = None
    cost_basis_id: int | None = None
    send_suitable: bool = False
    delivery_mode_ids: list[int] = field(default_factory=list)
    locality_ids: list[int] = field(default_factory=list)
    outcome_ids: list[int] = field(default_factory=list)
    aim_ids: list[int] = field(default_factory=list)
    service_area_ids: list[int] = field(default_factory=list)


SCALAR_FIELDS = (
    "title",
    "description",
    "venue",
    "age_min",
    "age_max",
    "group_size_min",
    "group_size_max",
    "capacity_per_year",
    "price_pence",
    "cost_basis_id",
    "send_suitable",
)
LINKS = {
    "delivery_modes": "delivery_mode_ids",
    "localities": "locality_ids",
    "outcomes": "outcome_ids",
    "aims": "aim_ids",
    "service_areas": "service_area_ids",
}


def snapshot(offer: Offer) -> dict[str, Any]:
    """The offer as plain data for the audit log: scalar fields plus the codes of linked terms and localities."""
    data: dict[str, Any] = {name: getattr(offer, name) for name in SCALAR_FIELDS}
    data["organisation_id"] = offer.organisation_id
    for relation in ("delivery_modes", "outcomes", "aims", "service_areas"):
        data[relation] = [term.code for term in getattr(offer, relation)]
    data["localities"] = [locality.ons_code for locality in offer.localities]
    return data


def _by_ids(model: type, ids: list[int]) -> list[Any]:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids))))


def set_offer(offer: Offer, values: dict[str, Any], links: dict[str, list[Any]]) -> None:
    """Set an offer's fields (:data:`SCALAR_FIELDS`) and linked terms and localities (:data:`LINKS`), resolved.

    The one way offers are written, by the offer pages and by imports; it does not commit.
    """
    unknown = (set(values) - set(SCALAR_FIELDS)) | (set(links) - set(LINKS))
    if unknown:
        raise ValueError(f"Not offer fields: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        setattr(offer, name, value)
    for relation, items in links.items():
        setattr(offer, relation, items)


def _apply(offer: Offer, details: OfferDetails) -> None:
    links = {
        relation: _by_ids(Locality if relation == "localities" else Term, getattr(details, ids))
        for relation, ids in LINKS.items()
    }
    set_offer(offer, {name: getattr(details, name) for name in SCALAR_FIELDS}, links)


def create_offer(organisation: Organisation, details: OfferDetails, *, actor: User) -> Offer:
    """Add an offer to ``organisation`` and record ``offer.created``."""
    offer = Offer(organisation=organisation, title=details.title)
    db.session.add(offer)
    _apply(offer, details)
    db.session.flush()
    record_event("offer.created", obj=offer, actor=actor, summary=offer.title, after=snapshot(offer))
    note_listing_edited(offer.organisation, f"Offer added: {offer.title}", user=actor)
    db.session.commit()
    return offer


def update_offer(offer: Offer, details: OfferDetails, *, actor: User) -> Offer:
    """Change an offer's fields and record ``offer.updated`` with before and after."""
    before = snapshot(offer)
    _apply(offer, details)
    db.session.flush()
    record_event("offer.updated", obj=offer, actor=actor, summary=offer.title, before=before, after=snapshot(offer))
    note_listing_edited(offer.organisation, f"Offer changed: {offer.title}", user=actor)
    db.session.commit()
    return offer


def delete_offer(offer: Offer, *, actor: User) -> None:
    """Delete an offer; the audit entry ``offer.deleted`` keeps what it was."""
    record_event("offer.deleted", obj=offer, actor=actor, summary=offer.title, before=snapshot(offer))
    note_listing_edited(offer.organisation, f"Offer deleted: {offer.title}", user=actor)
    db.session.delete(offer)
    db.session.commit()


def offers_of(organisation: Organisation) -> list[Offer]:
    return list(db.session.scalars(select(Offer).where(Offer.organisation_id == organisation.id).order_by(Offer.title)))
