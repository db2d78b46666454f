"""Fingerprints of imported records, so that importing an unchanged file again writes nothing and reads little.

Comparing a record with the stored organisation needs the organisation in its exported form: a dozen eager loads
per batch and a few milliseconds a record. Instead, each organisation keeps the fingerprint (SHA-256) of the
normalised record it was last imported from, written in the same transaction as the record. A record whose
fingerprint matches the stored one is unchanged, known from one query per batch.

That only holds while nothing else has changed the listing since, so any flush that touches an organisation or a
row of its exported form (offers, outcome contributions, framework statements) clears its fingerprint: the next
import of it compares in full, as before, and writes back what differs. A record that could not be written as
asked (refused, or imported as a draft because it cannot be published) keeps no fingerprint, so every import
reports it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, event, inspect, select, update
from sqlalchemy.orm import Session

from marketplace.directory.models import FrameworkStatement, Offer, Organisation, OutcomeContribution
from marketplace.extensions import db

# Changed whenever the normalised form or what the writer does with it changes: old fingerprints stop matching.
VERSION = "1"
CHILDREN = (Offer, OutcomeContribution, FrameworkStatement)
organisation_table = Organisation.__table__
# ``updated_at`` is set to itself: a fingerprint is bookkeeping, not a change to the listing (no ``onupdate``).


def fingerprint(record: dict[str, Any]) -> str:
    """The SHA-256 of a normalised record (only the keys it gives, so a record leaving a key out differs)."""
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{VERSION}:{text}".encode()).hexdigest()


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
