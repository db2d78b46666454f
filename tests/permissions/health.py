"""The health check is public: load balancers and process managers call it without signing in."""

from __future__ import annotations

from flask import current_app

from marketplace.search.index.maintenance import rebuild
from tests.permissions.roles import everyone

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("health.health", "GET"): everyone(200),
}


def make_url_args(users: dict) -> dict:
    rebuild(current_app._get_current_object())  # a healthy site has an index (the walk's app starts without one)
    return {}
