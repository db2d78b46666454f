"""One row per verification request: its assignment, conflict declaration, item results and the decision.

A request moves ``requested`` → ``in_review`` (assigned) → ``verified`` / ``not_verified``. A verification ends as
``lapsed`` when a material edit to the safeguarding record (or the policy's review date) overtakes it; a material
edit also opens the re-verification request at once, so the record is never silently unverified.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.clock import utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.directory.models import Organisation


class VerificationStatus:
    REQUESTED = "requested"
    IN_REVIEW = "in_review"
    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"
    LAPSED = "lapsed"

    OPEN = (REQUESTED, IN_REVIEW)
    LABELS = {
        REQUESTED: "Waiting for an assessor",
        IN_REVIEW: "In review",
        VERIFIED: "Verified",
        NOT_VERIFIED: "Not verified",
        LAPSED: "Verification lapsed",
    }


class RequestReason:
    PROVIDER = "provider"  # the provider asked
    REVERIFICATION = "reverification"  # a material edit ended a verification
    KITEMARK = "kitemark"  # decided within a kitemark review
    REGISTER = "register"  # recorded by an assessor from an existing register


class SafeguardingVerification(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=VerificationStatus.REQUESTED, index=True)
    reason: Mapped[str] = mapped_column(String(20), default=RequestReason.PROVIDER)
    # For a re-verification: what changed (field labels), shown to the assessor beside the items.
    changed_fields: Mapped[list[str] | None] = mapped_column(JSON)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    assigned_at: Mapped[datetime | None]
    no_conflict_declared_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Each item's result then: {key: {"met": bool, "note": str, "pre_assessed": bool}}.
    checks: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The safeguarding record as decided (dates, lead, DBS, the policy document's SHA-256).
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reasons: Mapped[str] = mapped_column(Text, default="")
    valid_until: Mapped[date | None]
    lapsed_at: Mapped[datetime | None]
    lapse_reason: Mapped[str] = mapped_column(Text, default="")
    kitemark_application_id: Mapped[int | None] = mapped_column(
        ForeignKey("kitemark_application.id", ondelete="SET NULL")
    )

    organisation: Mapped[Organisation] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    assessor: Mapped[User | None] = relationship(foreign_keys=[assessor_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_open(self) -> bool:
        return self.status in VerificationStatus.OPEN

    @property
    def status_label(self) -> str:
        return VerificationStatus.LABELS.get(self.status, self.status)
