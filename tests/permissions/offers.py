"""Offer routes: a provider manages its own organisation's offers; an offer's page follows its organisation.

Provider A's organisation is a draft, so its offer's page is visible only to A's members, assessors and admins.
Provider B (another organisation) gets 404 on A's offer: existence is not leaked. POSTs carry no CSRF token,
so a provider's POST is refused as a bad request (400) before any object check.
"""

from __future__ import annotations

from marketplace.directory.models import Offer
from marketplace.extensions import db
from tests.permissions.roles import everyone, only

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("offers.index", "GET"): only("provider_a", "provider_b"),
    ("offers.new", "GET"): only("provider_a", "provider_b"),
    ("offers.new", "POST"): only("provider_a", "provider_b", status=400),
    ("offers.edit", "GET"): {**only("provider_a"), "provider_b": 404},
    ("offers.edit", "POST"): only("provider_a", "provider_b", status=400),
    ("offers.delete", "POST"): only("provider_a", "provider_b", status=400),
    ("offers.offer", "GET"): {**everyone(404), "provider_a": 200, "assessor": 200, "admin": 200},
}


def make_url_args(users: dict) -> dict:
    offer = Offer(organisation=users["provider_a"].organisation, title="Object handling sessions")
    db.session.add(offer)
    db.session.commit()
    return {"offer_id": offer.id}
