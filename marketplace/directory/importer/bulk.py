"""Creating a batch of new organisations in a handful of statements, under the services' rules.

Writing a new organisation through the ORM costs about 10 ms of CPU (the unit of work, relationship events, one
INSERT per row of every table). A new record has nothing stored to compare with or keep, so its rows are built
directly and written with one executemany per table per batch: organisations, their localities and term
links, outcome contributions and their aims, framework statements, offers and their links; one audit event per
organisation (:func:`~marketplace.audit.services.record_events_in_bulk`, the same rows ``record_event`` writes);
and the batch's documents are queued for the search index once (``signals.organisations_written_in_bulk``).

The rules stay the services': each record's profile values and status are set on a stand-in organisation by
:func:`~marketplace.directory.services.apply_profile_values` and
:func:`~marketplace.directory.services.apply_status` (a refused publish is imported as a draft with the page's
reasons) and its row is read back from it; offers keep to :data:`~marketplace.directory.offers.services.SCALAR_FIELDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from marketplace.audit.services import record_events_in_bulk
from marketplace.directory.importer.catalogue import Catalogue
from marketplace.directory.importer.fingerprint import organisation_table
from marketplace.directory.importer.schema import VOCABULARY_OF, ImportReport
from marketplace.directory.importer.values import audit_view, profile_value, value_for_money
from marketplace.directory.models import (
    FrameworkStatement,
    Offer,
    Organisation,
    OrganisationStatus,
    OutcomeContribution,
    contribution_aim,
    offer_aim,
    offer_delivery_mode,
    offer_locality,
    offer_outcome,
    offer_service_area,
    organisation_indicator,
    organisation_locality,
    organisation_problem_area,
    organisation_target_group,
)
from marketplace.directory.offers.services import SCALAR_FIELDS
from marketplace.directory.services import BASIC_TEXT_FIELDS, VALUE_FIELDS, apply_profile_values, apply_status
from marketplace.directory.signals import organisations_written_in_bulk
from marketplace.extensions import db

# The organisation's columns an import sets; the rest take their column defaults (created_at, confirmed_at …).
TEXT_COLUMNS = (*BASIC_TEXT_FIELDS, "unit_cost_basis", "added_value")
COLUMNS = (
    *TEXT_COLUMNS,
    "ref",
    "organisation_type_id",
    "legal_form_id",
    "age_min",
    "age_max",
    "adults_only",
    "full_cost_recovery",
    "unit_cost_pence",
    "social_return_ratio",
    "status",
    "published_at",
    "import_hash",
)
PROBE_ATTRIBUTES = dict.fromkeys(
    [column.name for column in organisation_table.columns] + ["organisation_type", "legal_form"]
)
SCALAR_KEYS = frozenset({*BASIC_TEXT_FIELDS, "organisation_type", "legal_form", "age_min", "age_max", "adults_only"})
ORGANISATION_LINKS: dict[str, Table] = {
    "localities": organisation_locality,
    "target_groups": organisation_target_group,
    "indicators": organisation_indicator,
    "problem_areas": organisation_problem_area,
}
OFFER_LINKS: dict[str, Table] = {
    "delivery_modes": offer_delivery_mode,
    "localities": offer_locality,
    "outcomes": offer_outcome,
    "aims": offer_aim,
    "service_areas": offer_service_area,
}
OFFER_COLUMNS = ("title", "description", "venue", "age_min", "age_max", "group_size_min", "group_size_max")
OFFER_COLUMNS += ("capacity_per_year", "price_pence", "send_suitable")
assert set(OFFER_COLUMNS) | {"cost_basis_id"} <= set(SCALAR_FIELDS)  # only what the offer pages may set


@dataclass
class NewOrganisation:
    """A new record ready to insert: its row, the keys it sets and why its publish was refused (if it was)."""

    record: dict[str, Any]
    row: dict[str, Any]
    changed: list[str]
    refused: list[str] = field(default_factory=list)


def prepare(record: dict, catalogue: Catalogue, print_: str) -> NewOrganisation:
    """The record's organisation row, set through the services' rules on a stand-in organisation.

    Raises :class:`~marketplace.directory.services.ProfileError` as the services do (the record is rejected).
    """
    # A stand-in with the organisation's attributes: the services' functions only read and set them, and a plain
    # object costs a tenth of a transient ORM instance (no instrumented attributes, nothing to keep out of the session).
    probe: Any = SimpleNamespace(**{**PROBE_ATTRIBUTES, "ref": record["ref"]})
    values = {key: profile_value(key, record[key], catalogue) for key in record if key in SCALAR_KEYS}
    if "value_for_money" in record:
        values.update(value_for_money(record["value_for_money"]))
    apply_profile_values(probe, values)
    refused = apply_status(probe, record["status"]) if "status" in record else []
    row = {name: getattr(probe, name) for name in (*TEXT_COLUMNS, *VALUE_FIELDS, "age_min", "age_max")}
    row.update({name: row[name] or "" for name in TEXT_COLUMNS})
    row.update(
        ref=record["ref"],
        organisation_type_id=_term_id(catalogue, "organisation_type", record.get("organisation_type")),
        legal_form_id=_term_id(catalogue, "legal_form", record.get("legal_form")),
        adults_only=bool(probe.adults_only),
        status=probe.status or OrganisationStatus.DRAFT,
        published_at=probe.published_at,
        import_hash=None if refused else print_,  # a refused record is compared (and reported) every time
    )
    changed = [key for key in record if key != "ref" and not (refused and key == "status")]
    return NewOrganisation(record, {name: row[name] for name in COLUMNS}, changed, refused)


def _term_id(catalogue: Catalogue, field_name: str, code: str | None) -> int | None:
    return catalogue.term_id(field_name, code) if code else None


def _driver_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> tuple[str, list[tuple]] | None:
    """``rows`` as the driver takes them (column defaults filled in, values bound by their column types) and
    the INSERT for them; None for a driver whose parameter style this does not write."""
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(connection.dialect.paramstyle)
    if marker is None:
        return None
    defaults = {
        column.name: column.default.arg(None) if column.default.is_callable else column.default.arg
        for column in table.columns
        if column.default is not None and column.name not in rows[0]
    }
    columns = [*rows[0], *defaults]
    processors = [table.c[name].type.bind_processor(connection.dialect) for name in columns]
    quote = connection.dialect.identifier_preparer.quote
    markers = ", ".join([marker] * len(columns))
    # Identifiers come from the table's metadata, quoted by the dialect; every value is bound by the driver.
    statement = f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) VALUES ({markers})"  # nosec B608
    values = []
    for row in rows:
        row = {**row, **defaults} if defaults else row
        values.append(
            tuple(row[name] if p is None else p(row[name]) for name, p in zip(columns, processors, strict=True))
        )
    return statement, values


def _insert(table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` with the driver's own executemany.

    An import writes dozens of rows per organisation (links, offers, statements); passed straight to the driver
    (with SQLAlchemy's own type conversions) they cost a few microseconds each instead of the tens that
    SQLAlchemy's per-row statement machinery takes. What SQLAlchemy would log or fire events for is not seen.
    """
    if not rows:
        return
    connection = db.session.connection()
    driver = _driver_rows(connection, table, rows)
    if driver is None:
        connection.execute(insert(table), rows)
    else:
        connection.exec_driver_sql(*driver)


def _insert_returning_ids(table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows``; their new ids in the same order.

    SQLite: one executemany, then the ids above the highest before it, in order. The transaction already holds
    SQLite's one write lock (``writer.start_transaction``), so no one else's rows can be among them, and SQLite
    hands out ids in ascending order. Other databases: INSERT … RETURNING, ordered by SQLAlchemy.
    """
    if not rows:
        return []
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(connection.execute(statement, rows).scalars())
    before = connection.scalar(select(func.max(table.c.id))) or 0
    _insert(table, rows)
    ids = list(connection.scalars(select(table.c.id).where(table.c.id > before).order_by(table.c.id)))
    if len(ids) != len(rows):  # cannot happen while the write lock is held; never guess
        raise SQLAlchemyError(f"{table.name}: {len(rows)} rows inserted but {len(ids)} new ids found")
    return ids


def _link(table: Table, owner_ids: list[int], records: list[dict], key: str, lookup: Callable[[str], int]) -> None:
    """Insert the link rows joining each owner to the codes its record lists under ``key``."""
    owner, target = (column.name for column in table.columns)  # link tables: (owner id, linked id)
    rows = [
        {owner: owner_id, target: lookup(code)}
        for owner_id, record in zip(owner_ids, records, strict=True)
        for code in record.get(key, [])
    ]
    _insert(table, rows)


def _lookup(catalogue: Catalogue, key: str) -> Callable[[str], int]:
    if key == "localities":
        return catalogue.locality_ids.__getitem__
    return catalogue.term_ids[VOCABULARY_OF[key]].__getitem__


def _write_children(ids: list[int], records: list[dict], catalogue: Catalogue) -> int:
    """Every row that hangs off the new organisations; returns how many offers were created."""
    for key, table in ORGANISATION_LINKS.items():
        _link(table, ids, records, key, _lookup(catalogue, key))
    contributions = [
        (oid, item) for oid, record in zip(ids, records, strict=True) for item in record.get("outcomes", [])
    ]
    rows = [
        {
            "organisation_id": oid,
            "outcome_id": catalogue.term_id("outcome", item["outcome"]),
            "statement": item["statement"],
        }
        for oid, item in contributions
    ]
    contribution_ids = _insert_returning_ids(OutcomeContribution.__table__, rows)
    _link(contribution_aim, contribution_ids, [item for _, item in contributions], "aims", _lookup(catalogue, "aims"))
    rows = [
        {
            "organisation_id": oid,
            "framework_id": catalogue.term_id("framework", item["framework"]),
            "statement": item["statement"],
        }
        for oid, record in zip(ids, records, strict=True)
        for item in record.get("framework_statements", [])
    ]
    _insert(FrameworkStatement.__table__, rows)
    return _write_offers(ids, records, catalogue)


def _write_offers(ids: list[int], records: list[dict], catalogue: Catalogue) -> int:
    offers = [(oid, offer) for oid, record in zip(ids, records, strict=True) for offer in record.get("offers", [])]
    rows = []
    for organisation_id, offer in offers:
        row = {name: offer[name] for name in OFFER_COLUMNS}
        cost_basis = offer["cost_basis"]
        row.update(
            ref=offer["ref"],
            organisation_id=organisation_id,
            cost_basis_id=catalogue.term_id("cost_basis", cost_basis) if cost_basis else None,
            description=offer["description"] or "",
            venue=offer["venue"] or "",
        )
        rows.append(row)
    offer_ids = _insert_returning_ids(Offer.__table__, rows)
    for key, table in OFFER_LINKS.items():
        _link(table, offer_ids, [offer for _, offer in offers], key, _lookup(catalogue, key))
    return len(offer_ids)


def create_organisations(news: list[NewOrganisation], catalogue: Catalogue, report: ImportReport) -> None:
    """Insert the prepared new organisations and everything under them, audit each, queue their documents.

    Runs in the caller's savepoint; a database refusal raises (the caller rolls it back and writes the records
    one at a time instead). The caller notes refused publishes (``NewOrganisation.refused``).
    """
    if not news:
        return
    records = [new.record for new in news]
    ids = _insert_returning_ids(organisation_table, [new.row for new in news])
    offers = _write_children(ids, records, catalogue)
    record_events_in_bulk(
        "organisation.imported",
        "Organisation",
        [
            {
                "object_id": organisation_id,
                "summary": f"Created {new.row['name']} from an import file",
                "after": audit_view(new.record, new.changed),
            }
            for organisation_id, new in zip(ids, news, strict=True)
        ],
    )
    organisations_written_in_bulk.send(Organisation, organisation_ids=set(ids))
    report.organisations.created += len(news)
    report.offers.created += offers
