"""The one place that answers "is this organisation kitemarked?".

Search documents, response warnings, shortlist comparisons, badges and the open-data API all ask here, so
kitemark reviews (applications, awards, expiry, suspension) change only this module's answers.

A kitemark is in force on a day when its row is ``active`` and the day falls between its award and expiry
dates. Suspension and lapse change the status at once; expiry needs no job at all (the daily sweep only records
the lapse and tells search), so an expired kitemark is never shown as in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session, object_session

from marketplace.core.clock import long_date, today
from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.extensions import db
from marketplace.kitemark.models import Kitemark, KitemarkStatus


@dataclass(frozen=True)
class KitemarkAward:
    """A kitemark in force: when it was awarded and when it expires."""

    awarded_on: date
    expires_on: date


def in_force_query(on: date | None = None) -> Select:
    """Kitemark rows in force on ``on`` (today by default)."""
    on = on or today()
    return select(Kitemark).where(
        Kitemark.status == KitemarkStatus.ACTIVE, Kitemark.awarded_on <= on, Kitemark.expires_on >= on
    )


def current_award(organisation: Any) -> KitemarkAward | None:
    """The organisation's kitemark in force today (not lapsed, expired or suspended), or None."""
    if organisation is None or getattr(organisation, "id", None) is None:
        return None
    # The organisation's own session: search builds documents in a session of its own.
    session = object_session(organisation) or db.session
    query = in_force_query().where(Kitemark.organisation_id == organisation.id)
    kitemark = session.scalars(query.order_by(Kitemark.expires_on.desc()).limit(1)).first()
    if kitemark is None:
        return None
    return KitemarkAward(awarded_on=kitemark.awarded_on, expires_on=kitemark.expires_on)


def awards_for(
    organisation_ids: Iterable[int], on: date | None = None, *, session: Session | None = None
) -> dict[int, KitemarkAward]:
    """The kitemark in force for each of the organisations that hold one, in one query (for lists of results)."""
    wanted = sorted(set(organisation_ids))
    if not wanted:
        return {}
    query = in_force_query(on).where(Kitemark.organisation_id.in_(wanted)).order_by(Kitemark.expires_on)
    # Ordered by expiry: the latest-expiring award of an organisation is the one kept, as in current_award.
    return {
        kitemark.organisation_id: KitemarkAward(awarded_on=kitemark.awarded_on, expires_on=kitemark.expires_on)
        for kitemark in (session or db.session).scalars(query)
    }


def is_kitemarked(organisation: Any) -> bool:
    return current_award(organisation) is not None


def kitemarked_organisation_ids() -> set[int]:
    """Ids of every organisation holding a kitemark in force today."""
    subquery = in_force_query().with_only_columns(Kitemark.organisation_id)
    return set(db.session.scalars(subquery))


def published_kitemarked_count() -> int:
    """How many published organisations hold a kitemark in force today (one query), for the home page."""
    query = (
        in_force_query()
        .with_only_columns(func.count(distinct(Kitemark.organisation_id)))
        .join(Organisation, Organisation.id == Kitemark.organisation_id)
        .where(Organisation.status == OrganisationStatus.PUBLISHED)
    )
    return db.session.scalar(query) or 0


def kitemark_status(organisation: Any) -> str:
    """The kitemark in words, as commissioners and providers see it."""
    award = current_award(organisation)
    if award is None:
        return "Not kitemarked"
    return f"Kitemarked until {long_date(award.expires_on)}"
