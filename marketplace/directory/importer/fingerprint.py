"""Fingerprints of imported records, so that importing an unchanged file again checks nothing and writes nothing.

Checking a record and comparing it with the stored organisation (in its exported form: a dozen eager loads per
batch) costs about a millisecond a record. Instead, each organisation keeps the fingerprint (SHA-256) of the record
it was last imported from, written in the same transaction as the record: a record whose fingerprint matches is
unchanged, known from one query per batch.

The fingerprint is of the record as read (its serialised form), the vocabularies and localities it was checked
against (:attr:`Catalogue.digest <marketplace.directory.importer.catalogue.Catalogue.digest>`) and
:data:`VERSION`: the same three always check and normalise the same way, so a matching record is valid and
unchanged without checking it again. A code withdrawn since changes the digest, and the record is checked (and
rejected) as before. Only the duplicate checks, which depend on the rest of the file, still run.

That only holds while nothing else has changed the listing since, so any flush that touches an organisation or a
row of its exported form (offers, outcome contributions, framework statements) clears its fingerprint: the next
import of it compares in full, as before, and writes back what differs. A record that could not be written as
asked (refused, or imported as a draft because it cannot be published) keeps no fingerprint, so every import
reports it again.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, event, inspect, select, update
from sqlalchemy.orm import Session

from marketplace.directory.models import FrameworkStatement, Offer, Organisation, OutcomeContribution
from marketplace.extensions import db

# Changed whenever checking, normalising or writing a record changes: old fingerprints stop matching.
VERSION = "1"
CHILDREN = (Offer, OutcomeContribution, FrameworkStatement)
organisation_table = Organisation.__table__
# ``updated_at`` is set to itself: a fingerprint is bookkeeping, not a change to the listing (no ``onupdate``).


def fingerprint(record: dict[str, Any], catalogue_digest: str) -> str:
    """The SHA-256 of a record as read, with what it was checked against."""
    # marshal (format 2: no back-references, so only the content counts) is 5x quicker than JSON here. Keys in
    # another order give another fingerprint: that record is compared in full once, which is only slower.
    try:
        content = marshal.dumps(record, 2)
    except ValueError:  # a value marshal does not know (a Decimal from a caller's own data): as text instead
        content = json.dumps(record, sort_keys=True, default=str).encode()
    return hashlib.sha256(f"{VERSION}:{catalogue_digest}:".encode() + content).hexdigest()


def stored(refs: Iterable[str]) -> dict[str, tuple[int, str | None]]:
    """``ref → (id, fingerprint)`` of the organisations among ``refs`` that exist: one query."""
    query = select(organisation_table.c.ref, organisation_table.c.id, organisation_table.c.import_hash).where(
        organisation_table.c.ref.in_(list(refs))
    )
    return {ref: (organisation_id, value) for ref, organisation_id, value in db.session.execute(query)}


def store(fingerprints: dict[int, str]) -> None:
    """Keep ``organisation id → fingerprint`` (after the batch's last flush, in its transaction)."""
    if fingerprints:
        statement = (
            update(organisation_table)
            .where(organisation_table.c.id == bindparam("organisation_id"))
            .values(import_hash=bindparam("value"), updated_at=organisation_table.c.updated_at)
        )
        rows = [{"organisation_id": key, "value": value} for key, value in fingerprints.items()]
        db.session.connection().execute(statement, rows)


def _organisation_id(instance: object) -> int | None:
    if isinstance(instance, Organisation):
        return instance.id
    if isinstance(instance, CHILDREN):
        return inspect(instance).dict.get("organisation_id")  # never a lazy load inside a flush
    return None


@event.listens_for(Session, "after_flush")
def _forget_changed(session: Session, flush_context: object) -> None:
    """Any write to a listing clears its fingerprint: its next import compares the record in full."""
    ids = {_organisation_id(instance) for instance in (*session.new, *session.dirty, *session.deleted)}
    ids.discard(None)
    if ids:
        statement = (
            update(organisation_table)
            .where(organisation_table.c.id.in_(sorted(ids)), organisation_table.c.import_hash.is_not(None))
            .values(import_hash=None, updated_at=organisation_table.c.updated_at)
        )
        session.connection().execute(statement)
