"""Every periodic job, how often it runs, and what it calls: the one list the scheduler and ``/health`` read.

Each job calls the same service function as its own ``flask …`` command (still there for running one by hand) and
returns a one-line summary for the log. The jobs are idempotent (each reminder is sent once, a sweep records a lapse
once), so a run that is repeated after a crash does no harm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask

from marketplace.core.clock import today

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[Flask], str]
    per_host: bool = False  # every host runs it for itself (its own search index), not one host for all
    lease: timedelta = timedelta(minutes=30)  # a crashed runner's lease expires after this

    @property
    def overdue_after(self) -> timedelta:
        """No success for this long and ``/health`` flags the job: two missed runs, plus an hour for slow ones."""
        return 2 * self.every + HOUR


def _send_emails(app: Flask) -> str:
    from marketplace.notifications.services import send_due_emails

    sent, failed = send_due_emails(limit=10_000)
    return f"sent {sent} email(s), {failed} failed and stay queued"


def _search_catch_up(app: Flask) -> str:
    from marketplace.search.index.sync import catch_up

    report = catch_up(app, timeout=60)
    return "no index or busy: retried next run" if report is None else f"applied {report.changes} change(s)"


def _prune_feed(app: Flask) -> str:
    from marketplace.extensions import db
    from marketplace.search.index.outbox import prune

    return f"pruned {prune(db.session)} change(s)"


def _directory_reminders(app: Flask) -> str:
    from marketplace.directory.reminders import send_due_reminders

    return f"sent {send_due_reminders(today())} reminder(s)"


def _stale_sweep(app: Flask) -> str:
    from marketplace.directory.freshness import sweep_stale

    return "; ".join(sweep_stale(today()).lines()) or "nothing to do"


def _verification_sweep(app: Flask) -> str:
    from marketplace.verification.services import lapse_past_review_date

    return f"{len(lapse_past_review_date(today()))} verification(s) lapsed"


def _kitemark_sweep(app: Flask) -> str:
    from marketplace.kitemark.lifecycle import sweep

    return "; ".join(sweep(today()).lines()) or "nothing to do"


def _close_needs(app: Flask) -> str:
    from marketplace.commissioning.needs.services import close_expired_needs

    return f"closed {close_expired_needs()} need(s)"


def _monitoring_reminders(app: Flask) -> str:
    from marketplace.monitoring.returns import send_reminders

    return f"sent {send_reminders(on=None)} reminder(s)"


def _prune_registrations(app: Flask) -> str:
    from marketplace.registration.confirmation import prune_pending_registrations

    return f"deleted {prune_pending_registrations()} old registration request(s)"


def _search_alerts(app: Flask) -> str:
    from marketplace.search.saved import send_alerts

    searches, emails = send_alerts()
    return f"ran {searches} saved search(es), queued {emails} email(s)"


JOBS: tuple[Job, ...] = (
    Job("notifications.send", MINUTE, _send_emails, lease=timedelta(minutes=10)),
    Job("search.catch_up", MINUTE, _search_catch_up, per_host=True, lease=timedelta(minutes=10)),
    Job("search.prune_feed", DAY, _prune_feed),
    Job("commissioning.close_expired", HOUR, _close_needs),
    Job("directory.send_reminders", DAY, _directory_reminders),
    Job("directory.sweep_stale", DAY, _stale_sweep),
    Job("verification.sweep", DAY, _verification_sweep),
    Job("kitemark.sweep", DAY, _kitemark_sweep),
    Job("monitoring.send_reminders", DAY, _monitoring_reminders),
    Job("search.send_alerts", DAY, _search_alerts),
    Job("registration.prune_pending", DAY, _prune_registrations),
)


def job_named(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
