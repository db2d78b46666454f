"""Evidence records: save and delete safeguarding, accreditations and impact evidence, with their documents.

Every change is audited, and a record's document is written, replaced or deleted in the same commit as the
record (see :class:`~marketplace.directory.evidence.storage.FileChanges`). Changing the safeguarding record
clears its verification: the evidence changed, so an assessor must verify it again.

The status helpers (:func:`policy_is_out_of_date`, :func:`accreditation_status`) are the one definition of
"out of date", "expired" and "expires soon" for pages, the readiness checklist and reminders.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from marketplace.audit.services import record_event
from marketplace.core.clock import today
from marketplace.directory.evidence.storage import FileChanges, stage_delete, stage_upload
from marketplace.directory.models import (
    Accreditation,
    EvidenceDocument,
    ImpactEvidence,
    Organisation,
    SafeguardingRecord,
)
from marketplace.directory.signals import note_listing_edited, safeguarding_changed
from marketplace.extensions import db
from marketplace.reference.models import Term

POLICY_MAX_AGE_MONTHS = 12
EXPIRES_SOON_DAYS = 30

SAFEGUARDING_FIELDS = (
    "policy_reviewed_on",
    "lead_name",
    "lead_trained_on",
    "dbs_coverage_percent",
    "training",
    "reporting_procedure",
)
# What each field is called where a change to it is explained (re-verification, the assessor's page).
SAFEGUARDING_LABELS = {
    "policy_reviewed_on": "policy review date",
    "lead_name": "designated lead",
    "lead_trained_on": "lead's training date",
    "dbs_coverage_percent": "DBS coverage",
    "training": "training",
    "reporting_procedure": "reporting procedure",
    "document": "policy document",
    "organisation_id": "organisation",
}
ACCREDITATION_FIELDS = ("scheme_id", "scheme_other_name", "reference", "awarded_on", "expires_on")
IMPACT_FIELDS = (
    "title",
    "kind",
    "outcome_id",
    "method",
    "baseline",
    "result",
    "sample_size",
    "period_start",
    "period_end",
)
DOCUMENT_ATTRIBUTE = {
    SafeguardingRecord: "policy_document",
    Accreditation: "certificate_document",
    ImpactEvidence: "document",
}


# --- Status -------------------------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the last day of the month when that day does not exist)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def policy_is_out_of_date(record: SafeguardingRecord | None, on: date | None = None) -> bool:
    """A policy never reviewed, or reviewed more than 12 months ago, is out of date."""
    if record is None or record.policy_reviewed_on is None:
        return True
    return record.policy_reviewed_on < months_before(on or today(), POLICY_MAX_AGE_MONTHS)


def accreditation_status(accreditation: Accreditation, on: date | None = None) -> str:
    """``expired``, ``expires_soon`` (within 30 days) or ``current``."""
    on = on or today()
    if accreditation.expires_on is None:
        return "current"
    if accreditation.expires_on < on:
        return "expired"
    if accreditation.expires_on <= on + timedelta(days=EXPIRES_SOON_DAYS):
        return "expires_soon"
    return "current"


def accreditation_name(accreditation: Accreditation) -> str:
    if accreditation.scheme.code == "other" and accreditation.scheme_other_name:
        return accreditation.scheme_other_name
    return accreditation.scheme.label


TYPE_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
}


def type_label(content_type: str) -> str:
    return TYPE_LABELS.get(content_type, content_type)


def size_text(size_bytes: int) -> str:
    """A file size for people: "532 bytes", "14 KB", "2.3 MB"."""
    if size_bytes < 1024:
        return f"{size_bytes} bytes"
    if size_bytes < 1024 * 1024:
        return f"{size_bytes / 1024:.0f} KB"
    return f"{size_bytes / (1024 * 1024):.1f} MB"


def document_owner_label(organisation: Organisation) -> dict[int, str]:
    """Which record each of the organisation's documents belongs to, by document id."""
    labels: dict[int, str] = {}
    record = organisation.safeguarding
    if record is not None and record.policy_document_id:
        labels[record.policy_document_id] = "Safeguarding policy"
    for accreditation in organisation.accreditations:
        if accreditation.certificate_document_id:
            labels[accreditation.certificate_document_id] = f"Certificate: {accreditation_name(accreditation)}"
    for evidence in organisation.impact_evidence:
        if evidence.document_id:
            labels[evidence.document_id] = f"Impact evidence: {evidence.title}"
    return labels


# --- Audit snapshots ----------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def record_fields(record: SafeguardingRecord | Accreditation | ImpactEvidence) -> dict[str, Any]:
    """A record's fields and its document's filename and SHA-256, as JSON for the audit log."""
    names = {
        SafeguardingRecord: SAFEGUARDING_FIELDS,
        Accreditation: ACCREDITATION_FIELDS,
        ImpactEvidence: IMPACT_FIELDS,
    }[type(record)]
    fields = {name: _plain(getattr(record, name)) for name in names}
    fields["organisation_id"] = record.organisation_id
    document: EvidenceDocument | None = getattr(record, DOCUMENT_ATTRIBUTE[type(record)])
    fields["document"] = (
        {"filename": document.original_filename, "sha256": document.sha256, "size_bytes": document.size_bytes}
        if document is not None
        else None
    )
    return fields


# --- Saving and deleting ------------------------------------------------------------------------------------


def _save(record: Any, *, fields: tuple[str, ...], data: dict[str, Any], upload: Any, user: Any) -> FileChanges:
    """Copy ``data`` onto the record and store the upload (replacing the old document) in one unit of work.

    On any failure (a refused file, a full disk, a database error) the session is rolled back and any file
    already written is removed, so nothing is stored.
    """
    changes = FileChanges()
    try:
        for name in fields:
            if name in data:
                value = data[name]
                setattr(record, name, value.strip() if isinstance(value, str) else value)
        db.session.add(record)
        if upload is not None and getattr(upload, "filename", None):
            attribute = DOCUMENT_ATTRIBUTE[type(record)]
            old = getattr(record, attribute)
            setattr(record, attribute, stage_upload(upload, record.organisation, user, changes))
            if old is not None:
                stage_delete(old, user, changes)
        db.session.flush()
    except BaseException:
        changes.discard()
        raise
    return changes


def _audit_and_commit(
    changes: FileChanges, kind: str, record: Any, *, before: dict | None, user: Any, summary: str
) -> None:
    """Record ``evidence.<kind>_created`` (or ``_updated`` when there was a ``before``), then commit the save."""
    action = f"evidence.{kind}_updated" if before else f"evidence.{kind}_created"
    record_event(action, obj=record, actor=user, summary=summary, before=before, after=record_fields(record))
    changes.commit()


def save_safeguarding(
    organisation: Organisation, *, user: Any, data: dict[str, Any], upload: Any = None
) -> SafeguardingRecord:
    """Create or update the organisation's safeguarding record.

    Any change to a verified record sends it back for re-verification (``signals.safeguarding_changed``, in the
    same transaction); saving it unchanged keeps the verification.
    """
    record = organisation.safeguarding
    before = record_fields(record) if record is not None else None
    was_verified = record is not None and record.verified_at is not None
    record = record or SafeguardingRecord(organisation=organisation)
    changes = _save(record, fields=SAFEGUARDING_FIELDS, data=data, upload=upload, user=user)
    changed = [
        SAFEGUARDING_LABELS[name] for name, value in record_fields(record).items() if (before or {}).get(name) != value
    ]
    if was_verified and changed:
        safeguarding_changed.send(record, changed=changed, user=user)
        if record.verified_at is not None:  # nothing subscribed: never leave an edited record marked verified
            record.verified_at, record.verified_by = None, None
    _audit_and_commit(
        changes,
        "safeguarding",
        record,
        before=before,
        user=user,
        summary="Safeguarding record saved" + (" (verification lapsed)" if was_verified and changed else ""),
    )
    return record


def save_accreditation(
    organisation: Organisation,
    *,
    user: Any,
    data: dict[str, Any],
    upload: Any = None,
    accreditation: Accreditation | None = None,
) -> Accreditation:
    """Create an accreditation for ``organisation``, or update ``accreditation`` (which must belong to it)."""
    before = record_fields(accreditation) if accreditation is not None else None
    data = dict(data)
    scheme_id = data.pop("scheme_id", None)
    scheme = db.session.get(Term, scheme_id) if scheme_id else None
    record = accreditation or Accreditation(organisation=organisation)
    record.scheme = scheme or record.scheme
    if record.scheme is None or record.scheme.code != "other":
        data["scheme_other_name"] = ""
    changes = _save(record, fields=ACCREDITATION_FIELDS, data=data, upload=upload, user=user)
    _audit_and_commit(
        changes,
        "accreditation",
        record,
        before=before,
        user=user,
        summary=f"Accreditation: {accreditation_name(record)}",
    )
    return record


def save_impact_evidence(
    organisation: Organisation,
    *,
    user: Any,
    data: dict[str, Any],
    upload: Any = None,
    evidence: ImpactEvidence | None = None,
) -> ImpactEvidence:
    """Create impact evidence for ``organisation``, or update ``evidence`` (which must belong to it)."""
    before = record_fields(evidence) if evidence is not None else None
    data = dict(data)
    outcome_id = data.pop("outcome_id", None)
    outcome = db.session.get(Term, outcome_id) if outcome_id else None
    record = evidence or ImpactEvidence(organisation=organisation)
    record.outcome = outcome
    changes = _save(record, fields=IMPACT_FIELDS, data=data, upload=upload, user=user)
    note_listing_edited(organisation, f"Impact evidence saved: {record.title}", user=user)
    _audit_and_commit(changes, "impact", record, before=before, user=user, summary=f"Impact evidence: {record.title}")
    return record


def stage_impact_evidence(organisation: Organisation, *, user: Any, data: dict[str, Any]) -> ImpactEvidence:
    """Add impact evidence (no document) and its audit event without committing: the caller's save commits it.

    For evidence typed beside an outcome statement, so the two are saved, or refused, together.
    """
    data = dict(data)
    outcome_id = data.pop("outcome_id", None)
    record = ImpactEvidence(organisation=organisation, outcome=db.session.get(Term, outcome_id) if outcome_id else None)
    _save(record, fields=IMPACT_FIELDS, data=data, upload=None, user=user)  # no upload, so no file to commit
    note_listing_edited(organisation, f"Impact evidence saved: {record.title}", user=user)
    record_event(
        "evidence.impact_created",
        obj=record,
        actor=user,
        summary=f"Impact evidence: {record.title}",
        after=record_fields(record),
    )
    return record


def delete_record(record: Accreditation | ImpactEvidence, *, user: Any) -> None:
    """Delete an accreditation or impact evidence and its document; the audit log keeps what they held."""
    action = "evidence.accreditation_deleted" if isinstance(record, Accreditation) else "evidence.impact_deleted"
    record_event(action, obj=record, actor=user, summary="Deleted", before=record_fields(record))
    if isinstance(record, ImpactEvidence):
        note_listing_edited(record.organisation, f"Impact evidence deleted: {record.title}", user=user)
    changes = FileChanges()
    document = getattr(record, DOCUMENT_ATTRIBUTE[type(record)])
    db.session.delete(record)
    if document is not None:
        stage_delete(document, user, changes)
    changes.commit()


def organisation_documents(organisation: Organisation) -> list[EvidenceDocument]:
    return sorted(organisation.documents, key=lambda document: document.uploaded_at, reverse=True)
