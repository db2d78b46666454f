"""Offer test data: a complete, valid form submission and an offer factory."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.directory.models import Offer, Organisation
from marketplace.extensions import db
from marketplace.reference.models import Locality
from marketplace.reference.services import terms_by_code


def term_id(vocabulary: str, code: str) -> int:
    return terms_by_code(vocabulary)[code].id


def aim_id(outcome_code: str, position: int = 0) -> int:
    return terms_by_code("ecm_outcome")[outcome_code].children[position].id


def locality_id(name: str) -> int:
    return db.session.scalar(select(Locality.id).where(Locality.name == name))


def offer_form(**overrides: object) -> dict:
    """Every field of the offer form filled in validly; ``overrides`` replace (or, with None, remove) fields."""
    data: dict = {
        "title": "Object handling for looked-after children",
        "description": "Weekly sessions handling museum objects.",
        "delivery_modes": [str(term_id("delivery_mode", "at-our-venue")), str(term_id("delivery_mode", "outreach"))],
        "venue": "Derby Museum and Art Gallery",
        "age_min": "8",
        "age_max": "14",
        "group_size_min": "4",
        "group_size_max": "12",
        "capacity_per_year": "240",
        "cost_basis_id": str(term_id("cost_basis", "per-session")),
        "price": "250.00",
        "localities": [str(locality_id("Derbyshire")), str(locality_id("Derby"))],
        "outcomes": [str(term_id("ecm_outcome", "enjoy-and-achieve"))],
        "aims": [str(aim_id("enjoy-and-achieve", 3))],
        "service_areas": [str(term_id("service_area", "children-in-care"))],
        "send_suitable": "yes",
    }
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def make_offer(organisation: Organisation, title: str = "Storytelling sessions", **fields: object) -> Offer:
    offer = Offer(organisation=organisation, title=title, **fields)
    db.session.add(offer)
    db.session.commit()
    return offer
