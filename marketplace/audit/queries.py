"""Reading the audit log: filters, the newest-first page, the full filtered set for export.

Reading only: nothing here (or anywhere) changes or removes an event (see ``models``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Row, Select, Text, select, type_coerce

from marketplace.audit.models import AuditEvent
from marketplace.extensions import db

PER_PAGE = 50


@dataclass(frozen=True)
class AuditFilters:
    """Blank means "any". Email and summary match a case-insensitive part; the rest match exactly.

    Dates are whole days (UTC, as stored): ``date_to`` includes that day.
    """

    actor_email: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


def known_actions() -> list[str]:
    """Every action the log holds, for the filter's select."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def object_types() -> list[str]:
    query = select(AuditEvent.object_type).where(AuditEvent.object_type != "").distinct()
    return list(db.session.scalars(query.order_by(AuditEvent.object_type)))


def _conditions(filters: AuditFilters) -> list[ColumnElement[bool]]:
    event = AuditEvent
    conditions = []
    if filters.actor_email:
        conditions.append(event.actor_email.icontains(filters.actor_email, autoescape=True))
    if filters.action:
        conditions.append(event.action == filters.action)
    if filters.object_type:
        conditions.append(event.object_type == filters.object_type)
    if filters.object_id:
        conditions.append(event.object_id == filters.object_id)
    if filters.date_from:
        conditions.append(event.occurred_at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to:
        conditions.append(event.occurred_at < datetime.combine(filters.date_to + timedelta(days=1), time.min))
    if filters.text:
        conditions.append(event.summary.icontains(filters.text, autoescape=True))
    return conditions


NEWEST_FIRST = (AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def filtered(filters: AuditFilters) -> Select:
    """The events matching ``filters``, newest first."""
    return select(AuditEvent).where(*_conditions(filters)).order_by(*NEWEST_FIRST)


def events_page(filters: AuditFilters, page: int) -> Pagination:
    """One page of matching events; a page past the end is empty, never an error."""
    return db.paginate(filtered(filters), page=page, per_page=PER_PAGE, error_out=False, count=True)


def all_events(filters: AuditFilters) -> Iterator[Row]:
    """Every matching event as a plain row (named like the model's attributes), fetched in batches.

    An export may cover the whole log, so rows skip building ORM objects.
    """
    table = AuditEvent.__table__.c
    # before/after come as the stored JSON text: decoding and re-encoding them was most of an export's time.
    raw = [
        type_coerce(column, Text).label(column.name) if column.name in ("before", "after") else column
        for column in table
    ]
    query = select(*raw).where(*_conditions(filters)).order_by(*NEWEST_FIRST)
    yield from db.session.execute(query.execution_options(yield_per=1000))
