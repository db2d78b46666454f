"""The daily kitemark sweep: lapses and renewal reminders (``flask kitemark sweep``).

- A kitemark lapses when its expiry date has passed (an expired kitemark is never shown as in force anyway:
  the sweep records the lapse, tells the provider and updates search), or when the organisation's safeguarding
  policy passes its review date (12 months after the last review).
- Renewal reminders go to the organisation's account managers 60 and 30 days before expiry. A
  :class:`ReminderSent` row keyed by kitemark and day count means each is sent once; a run that missed the
  60-day one sends only the 30-day one once that is due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from marketplace.core.clock import long_date
from marketplace.directory.models import ReminderSent
from marketplace.directory.readiness import policy_is_current, safeguarding_review_due_on
from marketplace.extensions import db
from marketplace.kitemark.models import Kitemark, KitemarkStatus
from marketplace.kitemark.services import RENEWAL_WINDOW_DAYS, lapse_kitemark, tell_provider

REMINDER_DAYS = (RENEWAL_WINDOW_DAYS, 30)


@dataclass
class SweepReport:
    expired: list[str] = field(default_factory=list)
    safeguarding: list[str] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"{len(self.expired)} kitemark(s) lapsed at expiry",
            f"{len(self.safeguarding)} kitemark(s) lapsed: safeguarding policy out of date",
            f"{len(self.reminders)} renewal reminder(s) sent",
        ]


def lapse_reason(kitemark: Kitemark, on: date) -> str:
    """Why the kitemark must lapse on ``on`` ("" while it stands)."""
    if kitemark.expires_on < on:
        return f"The kitemark expired on {long_date(kitemark.expires_on)}."
    if kitemark.status == KitemarkStatus.ACTIVE and not policy_is_current(kitemark.organisation.safeguarding, on):
        due = safeguarding_review_due_on(kitemark.organisation.safeguarding)
        when = f"was due for review on {long_date(due)}" if due else "is missing"
        return f"The safeguarding policy {when}, so the kitemark no longer stands."
    return ""


def _lapse_due(on: date, report: SweepReport) -> None:
    standing = (KitemarkStatus.ACTIVE, KitemarkStatus.SUSPENDED)
    for kitemark in list(db.session.scalars(select(Kitemark).where(Kitemark.status.in_(standing)))):
        reason = lapse_reason(kitemark, on)
        if reason:
            lapse_kitemark(kitemark, reason=reason)
            (report.expired if kitemark.expires_on < on else report.safeguarding).append(kitemark.organisation.name)


def _reminder_due(kitemark: Kitemark, on: date) -> int | None:
    """The reminder (60 or 30 days) due on ``on``: the nearest window the date has reached."""
    days_left = (kitemark.expires_on - on).days
    due = [days for days in REMINDER_DAYS if 0 <= days_left <= days]
    return min(due) if due else None


def _send_reminders(on: date, report: SweepReport) -> None:
    latest = on + timedelta(days=max(REMINDER_DAYS))
    query = select(Kitemark).where(Kitemark.status == KitemarkStatus.ACTIVE, Kitemark.expires_on.between(on, latest))
    for kitemark in db.session.scalars(query):
        days = _reminder_due(kitemark, on)
        key = f"kitemark-renewal:{kitemark.id}:{days}"
        if days is None or db.session.scalar(select(ReminderSent.id).where(ReminderSent.key == key)):
            continue
        organisation = kitemark.organisation
        tell_provider(
            organisation,
            f"Your kitemark expires on {long_date(kitemark.expires_on)}",
            f"The kitemark of {organisation.name} expires on {long_date(kitemark.expires_on)}. "
            "Apply to renew it from your kitemark page so commissioners keep seeing it.",
        )
        db.session.add(ReminderSent(key=key))
        report.reminders.append(organisation.name)
    db.session.commit()


def sweep(on: date) -> SweepReport:
    """Lapse what must lapse on ``on`` and send the renewal reminders due (idempotent: run it daily)."""
    report = SweepReport()
    _lapse_due(on, report)
    _send_reminders(on, report)
    return report
