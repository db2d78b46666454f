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


# The object types whose rows have a name people recognise: type -> (table, column). Tables are looked up by
# name so the audit room imports no domain above it.
NAMED_OBJECTS = {
    "User": ("user", "name"),
    "Organisation": ("organisation", "name"),
    "Need": ("need", "title"),
    "Offer": ("offer", "title"),
    "CommissioningBody": ("commissioning_body", "name"),
    "Consortium": ("consortium", "name"),
}


def object_names(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """Names for the events' objects and actors, one query per type: ``("User", "12") -> "Asha Patel"``."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.actor_id:
            wanted.setdefault("User", set()).add(event.actor_id)
        if event.object_type in NAMED_OBJECTS and event.object_id.isdigit():
            wanted.setdefault(event.object_type, set()).add(int(event.object_id))
    names: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        table_name, column = NAMED_OBJECTS[object_type]
        table = db.metadata.tables.get(table_name)
        if table is None:
            continue
        rows = db.session.execute(select(table.c.id, table.c[column]).where(table.c.id.in_(ids)))
        names.update({(object_type, str(row_id)): name for row_id, name in rows if name})
    return names


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
