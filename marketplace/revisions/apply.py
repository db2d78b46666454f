"""Applying an approved revision to the live records (the only place a reviewed change goes live).

Runs inside the approval's transaction (the caller audits and commits through ``FileChanges``): the fields are
written as the directory's own services would write them, a replaced document is deleted once the commit succeeds,
and search follows the flushed rows after the commit (``search.sync``).
"""

from __future__ import annotations

from typing import Any

from marketplace.directory.evidence.storage import FileChanges, stage_delete
from marketplace.directory.models import Accreditation, SafeguardingRecord
from marketplace.extensions import db
from marketplace.reference.models import Term
from marketplace.revisions.diff import restore
from marketplace.revisions.models import ProfileRevision, RevisionKind


class StaleRevision(Exception):
    """The record the revision changes is gone (an accreditation deleted meanwhile): it cannot be applied."""


def _set(record: Any, proposed: dict[str, Any]) -> None:
    for name, value in proposed.items():
        setattr(record, name, restore(name, value))


def _swap_document(record: Any, attribute: str, revision: ProfileRevision, user: Any, changes: FileChanges) -> None:
    if revision.document is None:
        return
    old = getattr(record, attribute)
    setattr(record, attribute, revision.document)
    if old is not None and old is not revision.document:
        stage_delete(old, user, changes)


def _basics(revision: ProfileRevision, user: Any, changes: FileChanges) -> None:
    proposed = dict(revision.proposed)
    if proposed.get("legal_form_id") and db.session.get(Term, proposed["legal_form_id"]) is None:
        raise StaleRevision("The legal form chosen no longer exists")
    _set(revision.organisation, proposed)


def _safeguarding(revision: ProfileRevision, user: Any, changes: FileChanges) -> None:
    organisation = revision.organisation
    record = organisation.safeguarding or SafeguardingRecord(organisation=organisation)
    db.session.add(record)
    _set(record, revision.proposed)
    _swap_document(record, "policy_document", revision, user, changes)


def _target(revision: ProfileRevision) -> Accreditation:
    accreditation = db.session.get(Accreditation, revision.target_id)
    if accreditation is None or accreditation.organisation_id != revision.organisation_id:
        raise StaleRevision("The accreditation this change is for has been removed")
    return accreditation


def _accreditation(revision: ProfileRevision, user: Any, changes: FileChanges) -> None:
    if revision.target_id is None:
        accreditation = Accreditation(organisation=revision.organisation)
        db.session.add(accreditation)
    else:
        accreditation = _target(revision)
    _set(accreditation, revision.proposed)
    _swap_document(accreditation, "certificate_document", revision, user, changes)


def _accreditation_deletion(revision: ProfileRevision, user: Any, changes: FileChanges) -> None:
    accreditation = _target(revision)
    document = accreditation.certificate_document
    db.session.delete(accreditation)
    if document is not None:
        stage_delete(document, user, changes)


APPLY = {
    RevisionKind.BASICS: _basics,
    RevisionKind.SAFEGUARDING: _safeguarding,
    RevisionKind.ACCREDITATION: _accreditation,
    RevisionKind.ACCREDITATION_DELETION: _accreditation_deletion,
}


def apply_revision(revision: ProfileRevision, *, user: Any, changes: FileChanges) -> None:
    """Write the revision's values (and new document) to the live records, without committing."""
    APPLY[revision.kind](revision, user, changes)
    db.session.flush()
