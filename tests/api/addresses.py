"""API addresses for the API tests: resources are routed on UUIDs derived from row ids and terms."""

from __future__ import annotations

from marketplace.api import serializers
from marketplace.directory.models import Offer, Organisation
from tests.lookups import term


def org_url(organisation: Organisation) -> str:
    """The API address of an organisation (routed on its UUID)."""
    return f"/api/v1/organizations/{serializers.organisation_uuid(organisation.id)}"


def service_url(offer: Offer) -> str:
    return f"/api/v1/services/{serializers.service_uuid(offer.id)}"


def term_uuid(vocabulary: str, code: str) -> str:
    return serializers.term_uuid(term(vocabulary, code))
