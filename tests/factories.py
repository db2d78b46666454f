"""Build test data with sensible defaults; every helper flushes so ids exist, and commits."""

from __future__ import annotations

import itertools

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.commissioning.models import CommissioningBody
from marketplace.core.clock import utcnow
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_organisation(name: str | None = None, *, status: str = OrganisationStatus.DRAFT, **fields) -> Organisation:
    number = next(_counter)
    organisation = Organisation(
        name=name or f"Test Museum {number}",
        status=status,
        organisation_type=terms_by_code("organisation_type")["museum"],
        **fields,
    )
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_body(name: str | None = None, **fields) -> CommissioningBody:
    body = CommissioningBody(name=name or f"Test Council {next(_counter)}", **fields)
    db.session.add(body)
    db.session.commit()
    return body


def make_user(
    role: Role = Role.PROVIDER,
    *,
    email: str | None = None,
    organisation: Organisation | None = None,
    body: CommissioningBody | None = None,
    is_org_admin: bool = False,
    approved: bool = True,
    password: str = PASSWORD,
    **fields,
) -> User:
    number = next(_counter)
    user = User(
        email=email or f"user{number}@example.org",
        name=fields.pop("name", f"Test User {number}"),
        password_hash=hash_password(password),
        role=role.value,
        organisation=organisation,
        commissioning_body=body,
        is_org_admin=is_org_admin,
        approved_at=utcnow() if (role is Role.COMMISSIONER and approved) else None,
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
