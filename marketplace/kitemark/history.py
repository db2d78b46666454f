"""An organisation's kitemark history, read from the audit log.

The audit log is the one record of every kitemark step (who, when, the status before and after, the reasons and
the checklist results); the history the provider and assessors see is a view of those events in plain words, so
the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from marketplace.accounts.models import User
from marketplace.audit.models import AuditEvent
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.kitemark.models import Decision, Kitemark, KitemarkApplication

ACTION_PREFIX = "kitemark."

# Each step in words: (with the actor's name, without one); ``{assessor}`` is the assessor assigned.
PHRASES: dict[str, tuple[str, str]] = {
    "applied": ("{actor} applied for the kitemark", "Applied for the kitemark"),
    "register_opened": ("{actor} recorded the award from an existing register", "Recorded from an existing register"),
    "resubmitted": ("{actor} resubmitted the application", "The application was resubmitted"),
    "assigned": ("Assigned to {assessor} by {actor}", "Assigned to {assessor}"),
    "no_conflict_declared": ("{actor} declared no conflict of interest", "No conflict of interest declared"),
    "conflict_declared": (
        "{actor} declared a conflict of interest and stepped aside",
        "The assessor declared a conflict of interest and stepped aside",
    ),
    **{d.status.value: (f"{d.label}: decided by {{actor}}", f"Decision: {d.status.label.lower()}") for d in Decision},
    "suspended": ("Kitemark suspended by {actor}", "Kitemark suspended"),
    "reinstated": ("Kitemark reinstated by {actor}", "Kitemark reinstated"),
    "lapsed": ("Kitemark lapsed by {actor}", "Kitemark lapsed"),
}


@dataclass(frozen=True)
class HistoryEntry:
    summary: str
    occurred_at: datetime
    reasons: str = ""
    # For decisions: each checklist item's result then ({key: {"verified": bool, "note": str}}).
    checks: dict[str, Any] | None = None


def _events(organisation: Organisation) -> list[AuditEvent]:
    applications = db.session.scalars(
        select(KitemarkApplication.id).where(KitemarkApplication.organisation_id == organisation.id)
    )
    kitemarks = db.session.scalars(select(Kitemark.id).where(Kitemark.organisation_id == organisation.id))
    query = select(AuditEvent).where(
        AuditEvent.action.startswith(ACTION_PREFIX),
        or_(
            and_(AuditEvent.object_type == "KitemarkApplication", AuditEvent.object_id.in_(map(str, applications))),
            and_(AuditEvent.object_type == "Kitemark", AuditEvent.object_id.in_(map(str, kitemarks))),
        ),
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc())))


def _names(events: list[AuditEvent]) -> dict[int, str]:
    ids = {event.actor_id for event in events} | {(event.after or {}).get("assessor_id") for event in events}
    ids.discard(None)
    return {row.id: row.name for row in db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))}


def _entry(event: AuditEvent, names: dict[int, str]) -> HistoryEntry | None:
    phrases = PHRASES.get(event.action.removeprefix(ACTION_PREFIX))
    if phrases is None:
        return None
    after = event.after or {}
    actor = names.get(event.actor_id)
    summary = (phrases[0] if actor else phrases[1]).format(
        actor=actor, assessor=names.get(after.get("assessor_id"), "an assessor")
    )
    reasons = after.get("reasons") or after.get("reason") or ""
    return HistoryEntry(summary, event.occurred_at, reasons, after.get("checks"))


def history(organisation: Organisation) -> list[HistoryEntry]:
    """Every kitemark step of ``organisation``, newest first."""
    events = _events(organisation)
    names = _names(events)
    return [entry for event in events if (entry := _entry(event, names)) is not None]
