"""Registration's confirmation link (the walk uses an invalid token; signed-in users are sent on first) and the
admin pages for commissioning bodies' email domains (automatic approval of commissioners)."""

from __future__ import annotations

from tests.permissions.roles import GUEST_PAGE, SIGNED_IN, everyone, only

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("registration.confirm", "GET"): {"anonymous": 404, **dict.fromkeys(SIGNED_IN, 302)},
    ("registration.confirm", "POST"): everyone(400),
    ("registration.check_email", "GET"): GUEST_PAGE,
}

# Admin pages for commissioning bodies' email domains.
EXPECTED |= {
    ("bodies_admin.index", "GET"): only("admin"),
    ("bodies_admin.email_domains", "GET"): only("admin"),
    ("bodies_admin.email_domains", "POST"): only("admin", status=400),
}


def make_url_args(users: dict) -> dict:
    return {"body_id": users["commissioner"].commissioning_body_id}
