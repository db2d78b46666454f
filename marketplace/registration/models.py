"""Registration's records: a registration waiting for its email address to be confirmed (no account exists until
the link is followed), and a request to join an organisation that is already listed, made at registration
instead of a duplicate profile.

A joining registrant gets a provider account with no organisation when they confirm; the organisation's account
managers approve (the registrant becomes a member) or decline (they are told, and may register their own
organisation). Until then the registrant sees what happens next and nothing of the organisation.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.clock import utcnow
from marketplace.directory.models import Organisation
from marketplace.extensions import db


class JoinRequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the registrant created their own organisation instead


class JoinRequest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=JoinRequestStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        return self.status == JoinRequestStatus.PENDING


class PendingRegistration(db.Model):
    """What the registration form said (the password only as its argon2 hash), until the emailed link is followed.
    The link's token is stored as a SHA-256 hash, like invitation tokens."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]

    @property
    def is_open(self) -> bool:
        return self.confirmed_at is None and self.expires_at > utcnow()
