"""Directory rules: who may see an organisation, and listing published ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from marketplace.core.roles import Role
from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.extensions import db


def is_member(user: Any, organisation: Organisation) -> bool:
    return bool(user.is_authenticated and user.organisation_id == organisation.id)


def can_view_organisation(user: Any, organisation: Organisation) -> bool:
    """Published profiles are public; drafts and suspended ones only to members, assessors and admins."""
    if organisation.status == OrganisationStatus.PUBLISHED:
        return True
    return is_member(user, organisation) or (user.is_authenticated and user.role_enum in (Role.ASSESSOR, Role.ADMIN))


def published_organisations() -> list[Organisation]:
    query = select(Organisation).where(Organisation.status == OrganisationStatus.PUBLISHED).order_by(Organisation.name)
    return list(db.session.scalars(query))
