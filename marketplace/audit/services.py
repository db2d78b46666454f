"""Record audit events. Callers add the event with their own change and commit both together."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import insert

from marketplace.audit.models import AuditEvent
from marketplace.core.clock import utcnow
from marketplace.extensions import db


def _who(actor: Any) -> dict[str, Any]:
    """The actor (the signed-in user when none is given) and where the request came from."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    return {
        "actor_id": getattr(actor, "id", None),
        "actor_email": getattr(actor, "email", "") or "",
        "ip_address": (request.remote_addr or "")[:45] if has_request_context() else "",
    }


def record_event(
    action: str,
    *,
    obj: Any = None,
    actor: Any = None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "id", "") or ""),
        summary=summary[:500],
        before=before,
        after=after,
        **_who(actor),
    )
    db.session.add(event)
    return event


def record_events_in_bulk(action: str, object_type: str, events: list[dict[str, Any]], *, actor: Any = None) -> int:
    """Record one event per item of ``events`` (``object_id``, ``summary``, ``before``, ``after``) in one statement.

    For bulk writers (a directory import creates thousands of organisations a minute): the same rows as
    :func:`record_event` writes one at a time, in the caller's transaction, without an ORM object per event.
    """
    if not events:
        return 0
    who, now = _who(actor), utcnow()
    rows = [
        {
            "action": action,
            "object_type": object_type,
            "object_id": str(event["object_id"]),
            "summary": event.get("summary", "")[:500],
            "before": event.get("before"),
            "after": event.get("after"),
            "occurred_at": now,
            **who,
        }
        for event in events
    ]
    db.session.execute(insert(AuditEvent), rows)
    return len(rows)


def record_rate_limited(limit: str) -> None:
    """Audit a request refused by a rate limit (who, from where, which page and limit) in its own commit, so a
    brute-force or flooding attempt leaves a trace even though the refused request changes nothing."""
    path = f"{request.method} {request.path}" if has_request_context() else ""
    record_event("request.rate_limited", summary=f"{path} refused: more than {limit}")
    db.session.commit()


def record_status_change(
    obj: Any, status: str, action: str, *, actor: Any, summary: str, stamp: str = ""
) -> AuditEvent:
    """Move ``obj`` to ``status`` and record it with the status before and after (the caller commits).

    ``stamp`` names a timestamp column set to now with the change (``published_at``, ``closed_at`` …). One way for
    every status change to reach the audit log, instead of the same eight lines in each service.
    """
    before = obj.status
    obj.status = status
    if stamp:
        setattr(obj, stamp, utcnow())
    return record_event(
        action, obj=obj, actor=actor, summary=summary, before={"status": before}, after={"status": status}
    )
