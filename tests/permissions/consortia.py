"""Consortium routes. The walk's consortium is led by provider A's (draft) organisation and has invited
provider B's organisation, so its page is visible to A and B (invited) and to staff, and hidden (404) from
everyone else until A publishes. Only the lead's org-admin may invite (B gets 404: not its consortium).
POSTs carry no CSRF token, so a provider's POST is refused as a bad request (400) before any object check.
"""

from __future__ import annotations

from marketplace.directory.consortia import services
from tests.permissions.roles import everyone, only

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("consortia.index", "GET"): only("provider_a", "provider_b"),
    ("consortia.new", "GET"): only("provider_a", "provider_b"),
    ("consortia.new", "POST"): only("provider_a", "provider_b", status=400),
    ("consortia.invite", "GET"): {**only("provider_a"), "provider_b": 404},
    ("consortia.invite", "POST"): only("provider_a", "provider_b", status=400),
    ("consortia.accept", "POST"): only("provider_a", "provider_b", status=400),
    ("consortia.decline", "POST"): only("provider_a", "provider_b", status=400),
    ("consortia.leave", "POST"): only("provider_a", "provider_b", status=400),
    ("consortia.directory", "GET"): everyone(200),
    ("consortia.consortium", "GET"): {
        **everyone(404),
        "provider_a": 200,
        "provider_b": 200,
        "assessor": 200,
        "admin": 200,
    },
}


def make_url_args(users: dict) -> dict:
    lead = users["provider_a"]
    consortium = services.create_consortium(
        lead.organisation, name="East Midlands Heritage Partnership", legal_form_id=None, description="", actor=lead
    )
    membership = services.invite_organisation(consortium, users["provider_b"].organisation, actor=lead)
    return {"consortium_id": consortium.id, "membership_id": membership.id}
