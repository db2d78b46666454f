"""Requests to join an organisation: the registrant's own page and the account managers' decisions."""

from __future__ import annotations

from tests.permissions.roles import only

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    # A provider who already belongs to an organisation is sent on to its dashboard.
    ("registration.join_status", "GET"): only("provider_a", "provider_b", status=302),
    ("registration.join_status", "POST"): only("provider_a", "provider_b", status=400),
    ("registration.join_requests", "GET"): only("provider_a", "provider_b"),
    # Without a CSRF token every provider gets 400; the object check (provider B: 404) is in tests/registration.
    ("registration.decide_join_request", "POST"): only("provider_a", "provider_b", status=400),
}


def make_url_args(users: dict) -> dict:
    from marketplace.core.roles import Role
    from marketplace.registration.joining import register_to_join
    from marketplace.registration.services import Registration
    from tests.factories import NEW_PASSWORD

    registration = Registration(
        name="Joining Person", email="joining@example.org", password=NEW_PASSWORD, account_type=Role.PROVIDER
    )
    join_request = register_to_join(registration, users["provider_a"].organisation)
    return {"request_id": join_request.id, "decision": "approve"}
