"""Directory rules shared by its views: listing published organisations."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.extensions import db


def published_organisations() -> list[Organisation]:
    query = select(Organisation).where(Organisation.status == OrganisationStatus.PUBLISHED).order_by(Organisation.name)
    return list(db.session.scalars(query))
