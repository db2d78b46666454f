"""Account test data: users in each role. Every helper commits, so ids exist and requests can see the rows."""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.commissioning.models import CommissioningBody
from marketplace.core.clock import utcnow
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from tests.factories.commissioning import make_body
from tests.factories.directory import make_organisation
from tests.factories.sequence import next_number

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "velvet orbit lantern kestrel"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # every factory account with two-factor uses this authenticator key
STAFF_ROLES = (Role.ASSESSOR, Role.ADMIN)


def make_user(
    role: Role = Role.PROVIDER,
    *,
    email: str | None = None,
    organisation: Organisation | None = None,
    body: CommissioningBody | None = None,
    is_org_admin: bool = False,
    approved: bool = True,
    password: str = PASSWORD,
    two_factor: bool | None = None,
    **fields,
) -> User:
    """A user; assessors and admins have two-factor on (with TOTP_SECRET) unless ``two_factor=False``, since the
    service sends them to set it up before any other page."""
    number = next_number()
    if two_factor is None:
        two_factor = role in STAFF_ROLES
    user = User(
        email=email or f"user{number}@example.org",
        name=fields.pop("name", f"Test User {number}"),
        password_hash=hash_password(password),
        role=role.value,
        organisation=organisation,
        commissioning_body=body,
        is_org_admin=is_org_admin,
        approved_at=utcnow() if (role is Role.COMMISSIONER and approved) else None,
        totp_secret=TOTP_SECRET if two_factor else None,
        two_factor_enabled_at=utcnow() if two_factor else None,
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_provider(organisation: Organisation | None = None, **kwargs) -> User:
    kwargs.setdefault("is_org_admin", True)
    return make_user(Role.PROVIDER, organisation=organisation or make_organisation(), **kwargs)


def make_commissioner(body: CommissioningBody | None = None, **kwargs) -> User:
    kwargs.setdefault("is_org_admin", True)
    return make_user(Role.COMMISSIONER, body=body or make_body(), **kwargs)


def make_assessor(**kwargs) -> User:
    return make_user(Role.ASSESSOR, **kwargs)
