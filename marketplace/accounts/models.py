"""Users, invitations and two-factor recovery codes.

A user belongs to at most one organisation (providers) or one commissioning body (commissioners);
``is_org_admin`` marks the member who may invite others. ``session_token`` is part of the login id, so
rotating it (sign-out, password change) ends every session of that user, not just the cookie in hand.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.clock import utcnow
from marketplace.core.roles import Role
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.commissioning.models import CommissioningBody
    from marketplace.directory.models import Organisation


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    commissioning_body_id: Mapped[int | None] = mapped_column(ForeignKey("commissioning_body.id"), index=True)
    is_org_admin: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    # Two-factor (TOTP): the base32 secret, when it was confirmed, and the last time step a code was accepted
    # for (a code is refused for that step or an earlier one, so a code seen over a shoulder cannot be replayed).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    two_factor_enabled_at: Mapped[datetime | None]
    totp_last_counter: Mapped[int | None] = mapped_column(BigInteger)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    commissioning_body: Mapped[CommissioningBody | None] = relationship(back_populates="members")
    approved_by: Mapped[User | None] = relationship(remote_side=[id])

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def has_two_factor(self) -> bool:
        return self.two_factor_enabled_at is not None and bool(self.totp_secret)

    @property
    def is_approved(self) -> bool:
        """Commissioners see private data only once an admin has approved them; other roles need no approval."""
        return self.role_enum is not Role.COMMISSIONER or self.approved_at is not None

    @property
    def membership_name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        if self.commissioning_body is not None:
            return self.commissioning_body.name
        return ""

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class AnonymousUser(AnonymousUserMixin):
    """Answers the same membership questions as a :class:`User`, all with "none"."""

    role_enum = None
    is_approved = False
    is_org_admin = False
    organisation_id = None
    organisation = None
    commissioning_body_id = None
    commissioning_body = None


class Invitation(db.Model):
    """An emailed invitation to join an organisation or body (or, from an admin, to become an assessor/admin)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    commissioning_body_id: Mapped[int | None] = mapped_column(ForeignKey("commissioning_body.id"))
    is_org_admin: Mapped[bool] = mapped_column(default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    invited_by: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    commissioning_body: Mapped[CommissioningBody | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()


class RecoveryCode(db.Model):
    """One single-use two-factor recovery code, stored as an argon2 hash like a password (never the code)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
