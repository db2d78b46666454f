"""Kitemark records: applications (with the evidence snapshot they are judged on), checklist results and the
kitemarks awarded. Every step is an audit event; the history the provider and assessors see is read from those
events (see :mod:`marketplace.kitemark.history`).

An application moves ``submitted`` → ``in_review`` (assigned) → ``changes_requested`` (the provider fixes and
resubmits: back to ``submitted`` with a new snapshot) / ``awarded`` / ``refused``. An awarded application
creates a :class:`Kitemark`, in force from ``awarded_on`` to ``expires_on`` while its status is ``active``;
``suspended`` and ``lapsed`` (expiry or out-of-date safeguarding) take it out of force at once.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum, nonmember
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.clock import utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.directory.models import Organisation


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    AWARDED = "awarded"
    REFUSED = "refused"

    # The statuses that still wait on someone (not members: a tuple of the stored strings).
    OPEN = nonmember((SUBMITTED, IN_REVIEW, CHANGES_REQUESTED))

    @property
    def label(self) -> str:
        """The words the provider and assessors see for this status."""
        return _APPLICATION_LABELS[self]


_APPLICATION_LABELS = {
    ApplicationStatus.SUBMITTED: "Waiting for an assessor",
    ApplicationStatus.IN_REVIEW: "In review",
    ApplicationStatus.CHANGES_REQUESTED: "Changes requested",
    ApplicationStatus.AWARDED: "Awarded",
    ApplicationStatus.REFUSED: "Refused",
}


class KitemarkStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LAPSED = "lapsed"
    RENEWED = "renewed"  # replaced by a later award


class Decision(StrEnum):
    """An assessor's decision on an application (stored as the application status it leads to)."""

    AWARD = "award"
    CHANGES = "changes_requested"
    REFUSE = "refuse"

    @property
    def label(self) -> str:
        """The words on the assessor's decision radios and at the head of its history entry."""
        return _DECISION_LABELS[self]

    @property
    def status(self) -> ApplicationStatus:
        """The status the application takes when this decision is recorded."""
        return _DECISION_STATUSES[self]


_DECISION_LABELS = {
    Decision.AWARD: "Award the kitemark",
    Decision.CHANGES: "Request changes",
    Decision.REFUSE: "Refuse",
}
_DECISION_STATUSES = {
    Decision.AWARD: ApplicationStatus.AWARDED,
    Decision.CHANGES: ApplicationStatus.CHANGES_REQUESTED,
    Decision.REFUSE: ApplicationStatus.REFUSED,
}


class KitemarkApplication(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(30), default=ApplicationStatus.SUBMITTED, index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The evidence as it stood when (re)submitted: the assessor judges this, whatever changes afterwards.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    assigned_at: Mapped[datetime | None]
    no_conflict_declared_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decision_reasons: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    assessor: Mapped[User | None] = relationship(foreign_keys=[assessor_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    checks: Mapped[list[KitemarkCheck]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="KitemarkCheck.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status in ApplicationStatus.OPEN

    @property
    def status_label(self) -> str:
        return _APPLICATION_LABELS.get(self.status, self.status)


class KitemarkCheck(db.Model):
    """One checklist item's result in the latest review of an application: verified or failed, with a note."""

    __table_args__ = (UniqueConstraint("application_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("kitemark_application.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(40))
    verified: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    application: Mapped[KitemarkApplication] = relationship(back_populates="checks")


class Kitemark(db.Model):
    """A kitemark awarded to an organisation: in force while ``active`` and not past ``expires_on``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("kitemark_application.id", ondelete="SET NULL"))
    awarded_on: Mapped[date]
    expires_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default=KitemarkStatus.ACTIVE, index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime | None]
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    application: Mapped[KitemarkApplication | None] = relationship()
    awarded_by: Mapped[User | None] = relationship()
