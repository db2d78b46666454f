"""Open-data API: every route is public and answers the same to every role.

The detail routes get provider B's published organisation and an offer of it (provider A's organisation is a
draft, so it would be 404 for everyone: the API never shows drafts, even to their owners or to staff).
``need_id`` is the shared open need from the needs table. Open Referral UK ids are UUIDs.
"""

from __future__ import annotations

from marketplace.api import serializers
from marketplace.directory.models import Offer
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from tests.permissions.roles import everyone

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("api.root", "GET"): everyone(200),
    ("api.organizations", "GET"): everyone(200),
    ("api.organization", "GET"): everyone(200),
    ("api.services_list", "GET"): everyone(200),
    ("api.service", "GET"): everyone(200),
    ("api.service_at_locations", "GET"): everyone(200),
    ("api.service_at_location", "GET"): everyone(200),
    ("api.taxonomies", "GET"): everyone(200),
    ("api.taxonomy", "GET"): everyone(200),
    ("api.taxonomy_terms", "GET"): everyone(200),
    ("api.taxonomy_term", "GET"): everyone(200),
    ("api.kitemarked", "GET"): everyone(200),
    ("api.needs", "GET"): everyone(200),
    ("api.need", "GET"): everyone(200),
    ("api.openapi_document", "GET"): everyone(200),
    ("api.docs", "GET"): everyone(200),
}


def make_url_args(users: dict) -> dict:
    organisation = users["provider_b"].organisation
    offer = Offer(organisation=organisation, title="Open data walk offer", venue="Main hall")
    db.session.add(offer)
    db.session.commit()
    term = terms_by_code("ecm_outcome")["be-healthy"]
    return {
        "organization_id": serializers.organisation_uuid(organisation.id),
        "service_id": serializers.service_uuid(offer.id),
        "service_at_location_id": serializers.service_at_location(offer)["id"],
        "taxonomy_id": serializers.taxonomy_uuid("ecm_outcome"),
        "taxonomy_term_id": serializers.term_uuid(term),
    }
