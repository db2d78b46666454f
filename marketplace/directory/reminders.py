"""``flask directory send-reminders``: safeguarding reviews and accreditations that fall due within 30 days.

Run it daily. Each organisation's account managers get an email (through the outbox) and an in-app
notification from 30 days before the due date; if the job missed some days it still sends, as long as the date
has not passed. A :class:`ReminderSent` row keyed by record and due date means a reminder is never sent twice
for the same date, while a new review or renewal (a new due date) gets its own reminder next time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

import click
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.core.clock import long_date, today
from marketplace.core.links import external_url
from marketplace.directory import bp
from marketplace.directory.models import Accreditation, Organisation, ReminderSent, SafeguardingRecord
from marketplace.directory.readiness import safeguarding_review_due_on
from marketplace.extensions import db
from marketplace.notifications.services import notify, send_email

REMINDER_DAYS = 30


@dataclass(frozen=True)
class DueReminder:
    key: str
    organisation: Organisation
    subject: str
    body: str


def _within_window(due: date | None, on: date) -> bool:
    return due is not None and on <= due <= on + timedelta(days=REMINDER_DAYS)


def _safeguarding_reminders(on: date) -> list[DueReminder]:
    # Bound the query generously (leap years); the exact rule is _within_window.
    earliest, latest = on - timedelta(days=367), on - timedelta(days=365 - REMINDER_DAYS - 1)
    records = db.session.scalars(
        select(SafeguardingRecord).where(SafeguardingRecord.policy_reviewed_on.between(earliest, latest))
    )
    reminders = []
    for record in records:
        due = safeguarding_review_due_on(record)
        if not _within_window(due, on):
            continue
        reminders.append(
            DueReminder(
                key=f"safeguarding-review:{record.id}:{due.isoformat()}",
                organisation=record.organisation,
                subject=f"Safeguarding policy review due by {long_date(due)}",
                body=(
                    f"The safeguarding policy of {record.organisation.name} was last reviewed on "
                    f"{long_date(record.policy_reviewed_on)}, so it is due for review by {long_date(due)}. "
                    "Commissioners look for a policy reviewed in the last 12 months. Review it and record the new "
                    "review date and policy document."
                ),
            )
        )
    return reminders


def _accreditation_reminders(on: date) -> list[DueReminder]:
    accreditations = db.session.scalars(
        select(Accreditation).where(Accreditation.expires_on.between(on, on + timedelta(days=REMINDER_DAYS)))
    )
    reminders = []
    for accreditation in accreditations:
        name = accreditation.scheme_other_name or accreditation.scheme.label
        reminders.append(
            DueReminder(
                key=f"accreditation-expiry:{accreditation.id}:{accreditation.expires_on.isoformat()}",
                organisation=accreditation.organisation,
                subject=f"{name} expires on {long_date(accreditation.expires_on)}",
                body=(
                    f"The {name} accreditation of {accreditation.organisation.name} expires on "
                    f"{long_date(accreditation.expires_on)}. Commissioners look for accreditations that have not "
                    "expired. When it is renewed, add the new expiry date and certificate."
                ),
            )
        )
    return reminders


def _recipients(organisation: Organisation) -> list[User]:
    """The organisation's account managers; if it has none, every active member."""
    members = [user for user in organisation.members if user.is_active]
    return [user for user in members if user.is_org_admin] or members


def _send(reminder: DueReminder, link: str) -> bool:
    recipients = _recipients(reminder.organisation)
    if not recipients:
        return False  # nobody to tell yet: try again tomorrow
    for user in recipients:
        send_email(user.email, reminder.subject, f"Dear {user.name},\n\n{reminder.body}\n\n{link}\n")
        notify(user.id, reminder.subject, urlsplit(link).path)
    db.session.add(ReminderSent(key=reminder.key))
    return True


def send_due_reminders(on: date) -> int:
    """Send every reminder due on ``on`` that has not been sent before. Returns how many were sent."""
    due = _safeguarding_reminders(on) + _accreditation_reminders(on)
    already = set(db.session.scalars(select(ReminderSent.key).where(ReminderSent.key.in_([r.key for r in due]))))
    link = external_url("evidence.index")
    sent = sum(1 for reminder in due if reminder.key not in already and _send(reminder, link))
    db.session.commit()
    return sent


@bp.cli.command("send-reminders")
def send_reminders_command() -> None:
    """Email account managers about safeguarding reviews and accreditations due within 30 days."""
    sent = send_due_reminders(today())
    click.echo(f"{sent} reminder{'' if sent == 1 else 's'} sent")
