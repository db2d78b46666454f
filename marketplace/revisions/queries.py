"""What the assessors' pages list: changes waiting (oldest first), recent decisions, and the change feed."""

from __future__ import annotations

from datetime import timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.revisions.models import ChangeFeedEntry, ProfileRevision, RevisionStatus

FEED_PER_PAGE = 25
RECENT_DAYS = 30


def waiting() -> list[ProfileRevision]:
    query = select(ProfileRevision).where(ProfileRevision.status == RevisionStatus.PENDING)
    return list(db.session.scalars(query.order_by(ProfileRevision.submitted_at, ProfileRevision.id)))


def recently_decided() -> list[ProfileRevision]:
    query = select(ProfileRevision).where(
        ProfileRevision.status.in_((RevisionStatus.APPROVED, RevisionStatus.REJECTED)),
        ProfileRevision.decided_at >= utcnow() - timedelta(days=RECENT_DAYS),
    )
    return list(db.session.scalars(query.order_by(ProfileRevision.decided_at.desc(), ProfileRevision.id.desc())))


def feed_page(page: int) -> Pagination:
    """Minor edits to trusted listings, newest first, a page at a time."""
    query = select(ChangeFeedEntry).order_by(ChangeFeedEntry.occurred_at.desc(), ChangeFeedEntry.id.desc())
    return db.paginate(query, page=max(page, 1), per_page=FEED_PER_PAGE, error_out=False, count=True)
