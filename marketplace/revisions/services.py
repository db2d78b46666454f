"""Reviewed edits: proposing a material change to a trusted listing, withdrawing it, approving or rejecting it.

Each state change checks the rule, writes the change and an audit event (``revision.*``), emails the other side
(the assessors when a change is proposed; the account managers when it is decided) with an in-app notification,
and commits. Nothing here writes the live records except :func:`approve_revision` (through ``apply``).

Safeguarding and verification: proposing a change to a verified safeguarding record lapses the verification at
once, as a direct edit always has (``signals.safeguarding_changed``: the listing shows "verification lapsed" and a
re-verification request joins the queue), because the provider has said the verified record no longer describes
its practice. Approving applies the change, and the open re-verification then checks the record as changed (if it
was re-verified meanwhile, the approval lapses it again). Rejecting or withdrawing discards the change: the
re-verification checks the record as it stands.

The reviewer follows the kitemark queue's rules (``kitemark.assessing``): only assessors, never a member of the
organisation, and each declares no conflict of interest with the decision.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from marketplace.audit.services import record_event
from marketplace.core.clock import utcnow
from marketplace.core.links import external_url
from marketplace.directory.evidence.services import SAFEGUARDING_LABELS
from marketplace.directory.evidence.storage import FileChanges, stage_delete, stage_upload
from marketplace.directory.models import Accreditation, EvidenceDocument, Organisation
from marketplace.directory.signals import safeguarding_changed
from marketplace.extensions import db
from marketplace.kitemark.assessing import assessor_problem, eligible_assessors, provider_recipients, send_with_link
from marketplace.revisions import diff
from marketplace.revisions.apply import StaleRevision, apply_revision
from marketplace.revisions.models import ChangeFeedEntry, ProfileRevision, RevisionKind, RevisionStatus
from marketplace.revisions.trust import is_trusted
from marketplace.verification.models import VerificationStatus
from marketplace.verification.services import latest_decision, open_request, reverify_after_edit

MAX_REASONS = 5000


class RevisionError(Exception):
    """A rule refused the change; ``message`` says why, in words for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Questions ------------------------------------------------------------------------------------------------


def pending_for(organisation: Organisation | None) -> list[ProfileRevision]:
    """The organisation's changes waiting for review, oldest first (what its own pages show)."""
    if organisation is None or organisation.id is None:
        return []
    query = select(ProfileRevision).where(
        ProfileRevision.organisation_id == organisation.id, ProfileRevision.status == RevisionStatus.PENDING
    )
    return list(db.session.scalars(query.order_by(ProfileRevision.submitted_at, ProfileRevision.id)))


def history_for(organisation: Organisation) -> list[ProfileRevision]:
    query = select(ProfileRevision).where(ProfileRevision.organisation_id == organisation.id)
    return list(db.session.scalars(query.order_by(ProfileRevision.id.desc())))


def _pending(organisation: Organisation, kind: str, target_id: int | None) -> ProfileRevision | None:
    query = select(ProfileRevision).where(
        ProfileRevision.organisation_id == organisation.id,
        ProfileRevision.status == RevisionStatus.PENDING,
        ProfileRevision.kind == kind,
        ProfileRevision.target_id.is_(None) if target_id is None else ProfileRevision.target_id == target_id,
    )
    return db.session.scalars(query.limit(1)).first()


def _fields(revision: ProfileRevision) -> dict[str, Any]:
    return {
        "organisation_id": revision.organisation_id,
        "kind": revision.kind,
        "target_id": revision.target_id,
        "status": revision.status,
        "changes": revision.changes,
        "document_id": revision.document_id,
    }


# --- Proposing ------------------------------------------------------------------------------------------------


def _discard_document(revision: ProfileRevision, user: Any, changes: FileChanges) -> None:
    """A proposed document that will never go live is deleted with the change that brought it."""
    document = revision.document
    if document is not None:
        revision.document = None
        stage_delete(document, user, changes)


def _submit(
    organisation: Organisation,
    *,
    kind: str,
    target_id: int | None,
    proposed: dict[str, Any],
    rows: list[dict[str, str]],
    document: EvidenceDocument | None,
    user: Any,
    changes: FileChanges,
) -> ProfileRevision:
    """Record the proposal; a newer one for the same record replaces the one still waiting (not committed)."""
    revision = _pending(organisation, kind, target_id)
    action = "revision.updated" if revision is not None else "revision.submitted"
    before = _fields(revision) if revision is not None else None
    if revision is None:
        revision = ProfileRevision(organisation=organisation, kind=kind, target_id=target_id)
        db.session.add(revision)
    else:
        # The forms show the approved values, so a later save names only what it changes: add it to the waiting one.
        if document is not None:
            _discard_document(revision, user, changes)
        proposed, rows = _merged(revision, proposed, rows)
    revision.proposed, revision.changes = proposed, rows
    revision.document = document or revision.document
    revision.submitted_by_id, revision.submitted_at = getattr(user, "id", None), utcnow()
    db.session.flush()
    summary = f"{organisation.name}: change to {revision.kind_label.lower()} waiting for review"
    record_event(action, obj=revision, actor=user, summary=summary, before=before, after=_fields(revision))
    send_with_link(
        eligible_assessors(organisation),
        f"Change to review: {organisation.name}",
        f"{organisation.name} has changed its {revision.kind_label.lower()}. The change is not public until you "
        "approve it:\n" + _rows_text(rows),
        external_url("revisions.review", revision_id=revision.id),
    )
    return revision


def _merged(
    revision: ProfileRevision, proposed: dict[str, Any], rows: list[dict[str, str]]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The waiting change with a newer one laid over it, field by field (the newer value wins)."""
    newer = {row["field"] for row in rows}
    kept = [row for row in revision.changes if row["field"] not in newer]
    return {**revision.proposed, **proposed}, [*kept, *rows]


def _rows_text(rows: list[dict[str, str]]) -> str:
    return "\n".join(f"- {row['label']}: {row['before']} → {row['after']}" for row in rows)


def _stage(upload: Any, organisation: Organisation, user: Any, changes: FileChanges) -> EvidenceDocument | None:
    return stage_upload(upload, organisation, user, changes) if upload is not None else None


def _committed(changes: FileChanges, work: Any) -> Any:
    """Run ``work`` and commit it with its files; on any failure nothing is stored."""
    try:
        result = work()
    except BaseException:
        db.session.rollback()
        changes.discard()
        raise
    changes.commit()
    return result


def propose_basics(organisation: Organisation, *, proposed: dict[str, Any], user: Any) -> ProfileRevision:
    """Hold a change to the legal name, legal form or registration number for review."""
    proposed = {name: diff.plain(value) for name, value in proposed.items()}
    changes = FileChanges()
    rows = diff.basics_changes(organisation, proposed)
    return _committed(
        changes,
        lambda: _submit(
            organisation,
            kind=RevisionKind.BASICS,
            target_id=None,
            proposed=proposed,
            rows=rows,
            document=None,
            user=user,
            changes=changes,
        ),
    )


def _lapse_verification(organisation: Organisation, labels: list[str], user: Any) -> None:
    """A proposed change to a verified record lapses its verification now, as a direct edit does."""
    record = organisation.safeguarding
    if record is not None and record.verified_at is not None:
        safeguarding_changed.send(record, changed=labels, user=user)


def _propose_record_change(
    organisation: Organisation,
    *,
    kind: RevisionKind,
    record: Any,
    target_id: int | None,
    proposed: dict[str, Any],
    upload: Any,
    user: Any,
    document_label: str,
    old_document: Any,
    on_rows: Callable[[list[dict]], None] | None = None,
) -> ProfileRevision:
    """Stage the upload and submit the change to ``record`` (a safeguarding record or an accreditation) with its
    diff rows, the new document's row last; ``on_rows`` sees the rows before the revision is submitted."""
    changes = FileChanges()

    def work() -> ProfileRevision:
        document = _stage(upload, organisation, user, changes)
        rows = diff.change_rows(record, proposed)
        if document is not None:
            rows.append(diff.document_row(document_label, old_document, document))
        if on_rows is not None:
            on_rows(rows)
        return _submit(
            organisation,
            kind=kind,
            target_id=target_id,
            proposed=proposed,
            rows=rows,
            document=document,
            user=user,
            changes=changes,
        )

    return _committed(changes, work)


def propose_safeguarding(
    organisation: Organisation, *, data: dict[str, Any], upload: Any, user: Any
) -> ProfileRevision | None:
    """Hold a change to the safeguarding record for review (None when nothing would change)."""
    record = organisation.safeguarding
    proposed = diff.safeguarding_proposal(record, data)
    if not proposed and upload is None:
        return None

    def lapse(rows: list[dict]) -> None:
        labels = [SAFEGUARDING_LABELS["document" if row["field"] == "document" else row["field"]] for row in rows]
        _lapse_verification(organisation, labels, user)

    return _propose_record_change(
        organisation,
        kind=RevisionKind.SAFEGUARDING,
        record=record,
        target_id=None,
        proposed=proposed,
        upload=upload,
        user=user,
        document_label="Policy document",
        old_document=record.policy_document if record else None,
        on_rows=lapse,
    )


def propose_accreditation(
    organisation: Organisation, *, data: dict[str, Any], upload: Any, user: Any, accreditation: Accreditation | None
) -> ProfileRevision | None:
    """Hold a new or changed accreditation for review (None when nothing would change)."""
    if accreditation is not None and accreditation.organisation_id != organisation.id:
        raise RevisionError("Select one of your own accreditations")
    proposed = diff.accreditation_proposal(accreditation, data)
    if not proposed and upload is None:
        return None
    return _propose_record_change(
        organisation,
        kind=RevisionKind.ACCREDITATION,
        record=accreditation,
        target_id=accreditation.id if accreditation is not None else None,
        proposed=proposed,
        upload=upload,
        user=user,
        document_label="Certificate",
        old_document=accreditation.certificate_document if accreditation is not None else None,
    )


def propose_accreditation_deletion(accreditation: Accreditation, *, user: Any) -> ProfileRevision:
    """Hold the removal of an accreditation for review (commissioners keep seeing it until approved)."""
    changes = FileChanges()
    return _committed(
        changes,
        lambda: _submit(
            accreditation.organisation,
            kind=RevisionKind.ACCREDITATION_DELETION,
            target_id=accreditation.id,
            proposed={},
            rows=diff.deletion_rows(accreditation),
            document=None,
            user=user,
            changes=changes,
        ),
    )


# --- Provider: withdrawing ------------------------------------------------------------------------------------


def withdraw_revision(revision: ProfileRevision, *, user: Any) -> ProfileRevision:
    """The provider takes back a change still waiting: it is discarded, its document deleted."""
    if not revision.is_pending:
        raise RevisionError("Only a change waiting for review can be withdrawn.")
    if getattr(user, "organisation_id", None) != revision.organisation_id:
        raise RevisionError("Only your own organisation's changes can be withdrawn.")
    changes = FileChanges()

    def work() -> ProfileRevision:
        before = _fields(revision)
        revision.status, revision.decided_at, revision.decided_by_id = RevisionStatus.WITHDRAWN, utcnow(), user.id
        _discard_document(revision, user, changes)
        record_event(
            "revision.withdrawn",
            obj=revision,
            actor=user,
            summary=f"{revision.organisation.name} withdrew its change to {revision.kind_label.lower()}",
            before=before,
            after=_fields(revision),
        )
        return revision

    return _committed(changes, work)


# --- Assessor: the decision -----------------------------------------------------------------------------------


def _check_decision(revision: ProfileRevision, assessor: Any, no_conflict: bool) -> None:
    problem = assessor_problem(assessor, revision.organisation, "review its changes")
    if problem:
        raise RevisionError(problem)
    if not revision.is_pending:
        raise RevisionError("This change has already been decided or withdrawn.")
    if not no_conflict:
        raise RevisionError("Confirm that you have no conflict of interest with this organisation")


def _decided(revision: ProfileRevision, assessor: Any, status: str, reasons: str) -> dict[str, Any]:
    before = _fields(revision)
    revision.status, revision.reasons = status, reasons
    revision.decided_at = revision.no_conflict_declared_at = utcnow()
    revision.decided_by_id = assessor.id
    return before


def _tell_provider(revision: ProfileRevision, subject: str, body: str) -> None:
    organisation = revision.organisation
    send_with_link(provider_recipients(organisation), subject, body, external_url("revisions.provider_changes"))


def _reverify_after_approval(revision: ProfileRevision, assessor: Any) -> None:
    """The approved safeguarding change goes to the assessors for verification, unless a request is open already."""
    organisation = revision.organisation
    if revision.kind != RevisionKind.SAFEGUARDING or open_request(organisation) is not None:
        return
    record = organisation.safeguarding
    decided = latest_decision(organisation)
    was_trusted = record.verified_at is not None or (
        decided is not None and decided.status in (VerificationStatus.VERIFIED, VerificationStatus.LAPSED)
    )
    if was_trusted:
        labels = [row["label"].lower() for row in revision.changes]
        reverify_after_edit(record, changed=labels, user=assessor)


def approve_revision(revision: ProfileRevision, *, assessor: Any, no_conflict: bool) -> ProfileRevision:
    """Apply the change to the live listing (search follows after the commit) and tell the provider."""
    _check_decision(revision, assessor, no_conflict)
    changes = FileChanges()

    def work() -> ProfileRevision:
        before = _decided(revision, assessor, RevisionStatus.APPROVED, "")
        try:
            apply_revision(revision, user=assessor, changes=changes)
        except StaleRevision as error:
            raise RevisionError(f"{error}: reject the change instead.") from error
        _reverify_after_approval(revision, assessor)
        name = revision.organisation.name
        record_event(
            "revision.approved",
            obj=revision,
            actor=assessor,
            summary=f"{name}: change to {revision.kind_label.lower()} approved and published",
            before=before,
            after=_fields(revision),
        )
        _tell_provider(
            revision,
            "Your change has been approved",
            f"An assessor has approved the change to the {revision.kind_label.lower()} of {name}. It is now "
            "public:\n" + _rows_text(revision.changes),
        )
        return revision

    return _committed(changes, work)


def reject_revision(revision: ProfileRevision, *, assessor: Any, no_conflict: bool, reasons: str) -> ProfileRevision:
    """Discard the change with reasons; the provider is told why and the public listing stays as approved."""
    reasons = reasons.strip()
    _check_decision(revision, assessor, no_conflict)
    if not reasons:
        raise RevisionError("Enter the reasons the change is rejected")
    if len(reasons) > MAX_REASONS:
        raise RevisionError(f"Reasons must be {MAX_REASONS:,} characters or fewer")
    changes = FileChanges()

    def work() -> ProfileRevision:
        before = _decided(revision, assessor, RevisionStatus.REJECTED, reasons)
        _discard_document(revision, assessor, changes)
        name = revision.organisation.name
        record_event(
            "revision.rejected",
            obj=revision,
            actor=assessor,
            summary=f"{name}: change to {revision.kind_label.lower()} rejected",
            before=before,
            after={**_fields(revision), "reasons": reasons},
        )
        _tell_provider(
            revision,
            "Your change was not approved",
            f"An assessor did not approve the change to the {revision.kind_label.lower()} of {name}, so your "
            f"approved details stay public.\n\nReasons:\n{reasons}\n\nThe change was:\n" + _rows_text(revision.changes),
        )
        return revision

    return _committed(changes, work)


# --- Minor edits: the change feed -------------------------------------------------------------------------------


def note_minor_edit(organisation: Organisation, summary: str, *, user: Any) -> None:
    """Add a minor edit of a trusted listing to the assessors' change feed (the caller commits with its edit)."""
    if is_trusted(organisation):
        db.session.add(
            ChangeFeedEntry(organisation=organisation, summary=summary[:500], actor_id=getattr(user, "id", None))
        )
