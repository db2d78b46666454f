"""Freshness: a listing says when it was last confirmed accurate, and stale ones leave search and matching.

- At 6 months since the last confirmation the account managers are asked "is this still accurate?" (one click
  confirms, or they edit), with a reminder at 9 months; each is sent once per confirmation (``ReminderSent``).
- At 12 months without a confirmation the listing is marked out of date: it leaves search and matching (the
  search document is dropped) but stays reachable by its link, marked out of date, until confirmed.

``flask directory sweep-stale`` runs this daily; confirming is :func:`confirm_accurate` (one click), and saving a
profile step counts as confirming too (:func:`mark_edited`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from marketplace.audit.services import record_event
from marketplace.core.clock import long_date, utcnow
from marketplace.core.links import external_url
from marketplace.directory.models import Organisation, OrganisationStatus, ReminderSent
from marketplace.extensions import db
from marketplace.notifications.services import notify, send_email

ASK_MONTHS = (6, 9)  # "is this still accurate?", then a reminder
STALE_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (clipped to the month's last day: 31 August + 6 months is 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def confirmed_on(organisation: Organisation) -> date:
    return organisation.confirmed_at.date()


def stale_from(organisation: Organisation) -> date:
    """The day the listing goes out of date without a confirmation."""
    return add_months(confirmed_on(organisation), STALE_MONTHS)


def confirm_accurate(organisation: Organisation, *, user: Any) -> None:
    """The account manager confirms the listing is accurate: it is fresh again (and back in search if stale)."""
    before = {"confirmed_at": organisation.confirmed_at.isoformat(), "is_stale": organisation.is_stale}
    organisation.confirmed_at, organisation.is_stale = utcnow(), False
    record_event(
        "organisation.confirmed_accurate",
        obj=organisation,
        actor=user,
        summary=f"{user.name} confirmed the listing of {organisation.name} is accurate",
        before=before,
        after={"confirmed_at": organisation.confirmed_at.isoformat(), "is_stale": False},
    )
    db.session.commit()


def mark_edited(organisation: Organisation) -> None:
    """Editing the profile counts as confirming it (no commit: the edit's own save commits it)."""
    organisation.confirmed_at, organisation.is_stale = utcnow(), False


@dataclass
class StaleReport:
    asked: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"{len(self.asked)} listing(s) asked to confirm", f"{len(self.stale)} listing(s) marked out of date"]


def _tell(organisation: Organisation, subject: str, body: str) -> None:
    link = external_url("directory.dashboard")
    members = [user for user in organisation.members if user.is_active]
    for user in [user for user in members if user.is_org_admin] or members:
        send_email(user.email, subject, f"Dear {user.name},\n\n{body}\n\n{link}\n")
        notify(user.id, subject, urlsplit(link).path)


def _ask(organisation: Organisation, on: date, report: StaleReport) -> None:
    due = [months for months in ASK_MONTHS if add_months(confirmed_on(organisation), months) <= on]
    if not due:
        return
    key = f"freshness:{organisation.id}:{confirmed_on(organisation).isoformat()}:{max(due)}"
    if db.session.scalar(select(ReminderSent.id).where(ReminderSent.key == key)):
        return
    _tell(
        organisation,
        "Is your listing still accurate?",
        f"{organisation.name} was last confirmed accurate on {long_date(confirmed_on(organisation))}. Check it and "
        f"confirm it from your dashboard with one click, or edit it. If it is not confirmed by "
        f"{long_date(stale_from(organisation))} it leaves search and matching until it is.",
    )
    db.session.add(ReminderSent(key=key))
    report.asked.append(organisation.name)


def _mark_stale(organisation: Organisation, report: StaleReport) -> None:
    organisation.is_stale = True
    record_event(
        "organisation.marked_stale",
        obj=organisation,
        summary=f"{organisation.name} not confirmed accurate for {STALE_MONTHS} months: out of search and matching",
        before={"is_stale": False},
        after={"is_stale": True},
    )
    _tell(
        organisation,
        "Your listing is out of date",
        f"{organisation.name} has not been confirmed accurate for {STALE_MONTHS} months, so it no longer appears in "
        "search or matching. Confirm it from your dashboard to bring it back.",
    )
    report.stale.append(organisation.name)


def sweep_stale(on: date) -> StaleReport:
    """Ask, remind and mark out of date what is due on ``on`` (idempotent: run it daily)."""
    report = StaleReport()
    query = select(Organisation).where(
        Organisation.status == OrganisationStatus.PUBLISHED, Organisation.is_stale.is_(False)
    )
    for organisation in list(db.session.scalars(query)):
        if stale_from(organisation) <= on:
            _mark_stale(organisation, report)
        else:
            _ask(organisation, on, report)
    db.session.commit()
    return report
