"""Roles used by the permission walk and shorthand for expected statuses."""

from __future__ import annotations

ROLES = ("anonymous", "provider_a", "provider_b", "commissioner", "pending_commissioner", "assessor", "admin")
SIGNED_IN = ROLES[1:]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, **overrides: int) -> dict[str, int]:
    return {"anonymous": 302, **dict.fromkeys(SIGNED_IN, status), **overrides}


def only(*roles: str, status: int = 200) -> dict[str, int]:
    """Signed-in users outside ``roles`` get 403; anonymous users are sent to sign in."""
    return {"anonymous": 302, **dict.fromkeys(SIGNED_IN, 403), **dict.fromkeys(roles, status)}


GUEST_PAGE = {**everyone(200), **dict.fromkeys(SIGNED_IN, 302)}  # signed-in users are sent to their dashboard
