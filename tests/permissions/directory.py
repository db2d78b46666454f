"""Profile editing and publishing routes: providers only, each on their own organisation."""

from __future__ import annotations

from tests.permissions.roles import only

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("directory.profile", "GET"): only("provider_a", "provider_b"),
    ("directory.profile_step", "GET"): only("provider_a", "provider_b"),
    ("directory.profile_step", "POST"): only("provider_a", "provider_b", status=400),
    ("directory.publish", "POST"): only("provider_a", "provider_b", status=400),
    ("directory.unpublish", "POST"): only("provider_a", "provider_b", status=400),
    ("directory.confirm_accurate", "POST"): only("provider_a", "provider_b", status=400),
}


def make_url_args(users: dict) -> dict:
    return {"step": "basics"}
