"""Locking the decision record: a copy of the shortlist, the comparison and each provider's evidence at the award.

:func:`record_decision` runs inside the award's transaction (the ``need_awarded`` signal; ``award_need`` commits),
so an award never exists without its record and a failed award leaves none. The record is written once and
never updated: later edits to profiles, documents or responses change the live pages, not this.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.audit.services import record_event
from marketplace.commissioning.decisions.models import DecisionRecord
from marketplace.commissioning.models import Need, Response, ShortlistEntry
from marketplace.commissioning.shortlists.comparison import ComparisonTable, compare, organisations_of
from marketplace.commissioning.shortlists.services import entry_name, live_response_for_entry
from marketplace.core.clock import utcnow
from marketplace.directory.models import EvidenceDocument, Organisation
from marketplace.extensions import db


def canonical_json(content: dict[str, Any]) -> str:
    """The one serialisation the fingerprint is taken of (sorted keys, no spacing), so any copy can be checked."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _entry(entry: ShortlistEntry) -> dict[str, Any]:
    response = live_response_for_entry(entry)
    return {
        "rank": entry.rank,
        "name": entry_name(entry),
        "organisation_ref": entry.organisation.ref,
        "consortium_ref": entry.consortium.ref if entry.consortium is not None else None,
        "notes": entry.notes,
        "response_id": response.id if response is not None else None,
        "response_status": response.status if response is not None else None,
    }


def _document(document: EvidenceDocument) -> dict[str, Any]:
    return {
        "id": document.id,
        "filename": document.original_filename,
        "sha256": document.sha256,
        "content_type": document.content_type,
        "size_bytes": document.size_bytes,
        "uploaded_at": document.uploaded_at.isoformat(timespec="seconds"),
    }


def _organisation_evidence(organisation: Organisation) -> dict[str, Any]:
    documents = db.session.scalars(
        select(EvidenceDocument)
        .where(EvidenceDocument.organisation_id == organisation.id)
        .order_by(EvidenceDocument.id)
    )
    return {
        "id": organisation.id,
        "ref": organisation.ref,
        "name": organisation.name,
        "documents": [_document(document) for document in documents],
    }


def _comparison(table: ComparisonTable) -> dict[str, Any]:
    return {
        "columns": list(table.columns),
        "rows": [
            {"heading": row.heading, "cells": [{"text": cell.text, "mark": cell.mark} for cell in row.cells]}
            for row in table.rows
        ],
    }


def take_snapshot(need: Need, response: Response | None, commissioner: User | None) -> dict[str, Any]:
    """What the commissioners saw at the award, as plain JSON (nothing in it points at a live row's contents)."""
    table = compare(need)
    return {
        "need": {"id": need.id, "ref": need.ref, "title": need.title, "body": need.body.name},
        "decision": {
            "awarded_to": response.responder_name if response is not None else "",
            "response_id": response.id if response is not None else None,
            "note": need.decision_note,
            "decided_by": commissioner.name if commissioner is not None else "",
            "awarded_at": (need.awarded_at or utcnow()).isoformat(timespec="seconds"),
        },
        "shortlist": [_entry(entry) for entry in table.entries],
        "comparison": _comparison(table),
        "evidence": [
            {
                "provider": entry_name(entry),
                "organisations": [_organisation_evidence(o) for o in organisations_of(entry)],
            }
            for entry in table.entries
        ],
    }


def record_decision(need: Need, *, response: Response | None, commissioner: User | None) -> DecisionRecord:
    """Lock the need's decision record (no commit: the award's own commit writes it with the award)."""
    content = take_snapshot(need, response, commissioner)
    record = DecisionRecord(
        need=need,
        awarded_response_id=response.id if response is not None else None,
        recorded_by_id=commissioner.id if commissioner is not None else None,
        content=content,
        content_sha256=fingerprint(content),
    )
    db.session.add(record)
    db.session.flush()
    record_event(
        "need.decision_recorded",
        obj=need,
        actor=commissioner,
        summary=f"Decision record of {need.title} locked ({len(content['shortlist'])} shortlisted)",
        after={"decision_record_id": record.id, "content_sha256": record.content_sha256},
    )
    return record
