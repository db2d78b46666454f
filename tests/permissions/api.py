"""Open-data API: every route is public and answers the same to every role.

The detail routes get provider B's published organisation and an offer of it (provider A's organisation is a
draft, so it would be 404 for everyone: the API never shows drafts, even to their owners or to staff).
``need_id`` is the shared open need from the needs table.
"""

from __future__ import annotations

from marketplace.directory.models import Offer
from marketplace.extensions import db
from tests.permissions.roles import everyone

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("api.organizations", "GET"): everyone(200),
    ("api.organization", "GET"): everyone(200),
    ("api.services_list", "GET"): everyone(200),
    ("api.service", "GET"): everyone(200),
    ("api.taxonomies", "GET"): everyone(200),
    ("api.kitemarked", "GET"): everyone(200),
    ("api.needs", "GET"): everyone(200),
    ("api.need", "GET"): everyone(200),
    ("api.openapi_document", "GET"): everyone(200),
    ("api.docs", "GET"): everyone(200),
}


def make_url_args(users: dict) -> dict:
    organisation = users["provider_b"].organisation
    offer = Offer(organisation=organisation, title="Open data walk offer")
    db.session.add(offer)
    db.session.commit()
    return {"organization_id": organisation.id, "service_id": offer.id}
