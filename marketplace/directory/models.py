"""Organisations: the cultural providers listed in the directory."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.reference.models import Term

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class OrganisationStatus:
    DRAFT = "draft"
    PUBLISHED = "published"
    SUSPENDED = "suspended"


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    organisation_type_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    legal_form_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    registration_number: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default=OrganisationStatus.DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation_type: Mapped[Term | None] = relationship(foreign_keys=[organisation_type_id])
    legal_form: Mapped[Term | None] = relationship(foreign_keys=[legal_form_id])
    members: Mapped[list[User]] = relationship(back_populates="organisation", order_by="User.name")

    @property
    def is_published(self) -> bool:
        return self.status == OrganisationStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"
