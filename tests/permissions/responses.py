"""Response routes. The walk's open need ("walk-open-need", created by tests/permissions/needs.py) gets a
response from provider A's organisation; provider B may respond too but never sees provider A's response.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.commissioning.models import Need
from marketplace.extensions import db
from tests.factories import make_response
from tests.permissions.roles import only, signed_in

PROVIDERS = ("provider_a", "provider_b")

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    # Provider A has already responded (the page says so, with a link); provider B may respond.
    ("responses.respond", "GET"): only(*PROVIDERS),
    ("responses.respond", "POST"): only(*PROVIDERS, status=400),
    ("responses.response", "GET"): signed_in(404, provider_a=200, commissioner=200, admin=200),
    ("responses.edit", "GET"): only(*PROVIDERS, status=404) | {"provider_a": 200},
    ("responses.edit", "POST"): only(*PROVIDERS, status=400),
    ("responses.withdraw", "POST"): only(*PROVIDERS, status=400),
    ("responses.index", "GET"): only(*PROVIDERS),
    ("responses.for_need", "GET"): only("commissioner"),
}


def make_url_args(users: dict) -> dict:
    need = db.session.scalar(select(Need).where(Need.ref == "walk-open-need"))
    assert need is not None, "tests/permissions/needs.py creates the walk's open need"
    response = make_response(need, users["provider_a"].organisation)
    return {"response_id": response.id}
