"""A registration waiting for its email address to be confirmed: no account exists until the link is followed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.clock import utcnow
from marketplace.extensions import db


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
