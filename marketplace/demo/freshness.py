"""The demo's stale listing: confirmed accurate 13 months before the load day, so the daily sweep takes it out.

Leicestershire Museums' account manager confirmed the listing (``directory.freshness.confirm_accurate``) with the
clock moved back 13 months (:func:`marketplace.core.clock.shifted`), and the freshness sweep run on the load day
(``directory.freshness.sweep_stale``, as ``flask directory sweep-stale`` does) marks it out of date: it leaves
search and matching, stays reachable by its link marked out of date, and its account manager is told. A listing
already marked out of date once is left alone, so loading again changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.core.clock import shifted
from marketplace.demo.verification import organisations_by_ref, provider_user
from marketplace.directory.freshness import confirm_accurate, sweep_stale
from marketplace.directory.models import Organisation
from marketplace.extensions import db

STALE_REF = "leicestershire-museums"
CONFIRMED_DAYS_AGO = 400  # over 12 months: past the freshness rule's limit


def _was_marked_stale(organisation: Organisation) -> bool:
    query = select(AuditEvent.id).where(
        AuditEvent.action == "organisation.marked_stale",
        AuditEvent.object_type == "Organisation",
        AuditEvent.object_id == str(organisation.id),
    )
    return db.session.scalar(query.limit(1)) is not None


def load_freshness_demo(on: date) -> None:
    """Confirm the stale listing 13 months back, then run the day's freshness sweep."""
    organisation = organisations_by_ref((STALE_REF,)).get(STALE_REF)
    if organisation is None or organisation.is_stale or _was_marked_stale(organisation):
        return
    user = provider_user(organisation)
    if user is None:
        return
    with shifted(-timedelta(days=CONFIRMED_DAYS_AGO)):
        confirm_accurate(organisation, user=user)
    sweep_stale(on)
