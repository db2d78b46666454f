"""A decision record: what the commissioners saw when they awarded a need, locked at the moment of the award.

Profiles, evidence and responses keep changing after an award; an audit or a challenge asks what the decision
was based on. The record holds a copy (JSON), never links to live rows, so it reads the same years later; its
SHA-256 (of the canonical JSON) lets an export be checked against it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from marketplace.core.clock import utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.commissioning.models import Need


class DecisionRecord(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), unique=True)
    awarded_response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # {"need", "decision", "shortlist", "comparison", "evidence"}: see ``services.take_snapshot``.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))

    need: Mapped[Need] = relationship(backref=backref("decision_record", uselist=False, passive_deletes=True))
