"""Reviewed edits: a trusted listing's pending material change, and the feed of its minor edits.

A :class:`ProfileRevision` holds a proposed change to material fields (safeguarding record, an accreditation, the
legal name, legal form or registration number) without touching the live records, so the public profile, search,
matching, the API and comparisons keep the approved values with no code of their own. It moves ``pending`` →
``approved`` (applied then) / ``rejected`` (with reasons) / ``withdrawn`` (by the provider).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.clock import utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.directory.models import EvidenceDocument, Organisation


class RevisionStatus:
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    LABELS = {PENDING: "Waiting for review", APPROVED: "Approved", REJECTED: "Rejected", WITHDRAWN: "Withdrawn"}


class RevisionKind:
    BASICS = "basics"
    SAFEGUARDING = "safeguarding"
    ACCREDITATION = "accreditation"
    ACCREDITATION_DELETION = "accreditation_deletion"

    LABELS = {
        BASICS: "Name, legal form and registration number",
        SAFEGUARDING: "Safeguarding record",
        ACCREDITATION: "Accreditation",
        ACCREDITATION_DELETION: "Accreditation removed",
    }


class ProfileRevision(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    # The accreditation changed or removed (none for a new one, the basics or the safeguarding record).
    target_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default=RevisionStatus.PENDING, index=True)
    # The values to apply on approval (JSON: dates as ISO strings), and each changed field as shown: before → after.
    proposed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # A new document uploaded with the change: stored at once, linked to the record only on approval.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_document.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    no_conflict_declared_at: Mapped[datetime | None]
    reasons: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()
    document: Mapped[EvidenceDocument | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        return self.status == RevisionStatus.PENDING

    @property
    def status_label(self) -> str:
        return RevisionStatus.LABELS.get(self.status, self.status)

    @property
    def kind_label(self) -> str:
        return RevisionKind.LABELS.get(self.kind, self.kind)


class ChangeFeedEntry(db.Model):
    """A minor edit (description, contact, offers …) that went live at once on a trusted listing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    summary: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    organisation: Mapped[Organisation] = relationship()
    actor: Mapped[User | None] = relationship()
