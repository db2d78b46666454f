"""Commissioning bodies: local authorities, Children's Trusts, schools and health partners that buy services."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.reference.models import Locality, Term

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class CommissioningBody(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    kind: Mapped[Term | None] = relationship()
    locality: Mapped[Locality | None] = relationship()
    members: Mapped[list[User]] = relationship(back_populates="commissioning_body", order_by="User.name")

    def __repr__(self) -> str:
        return f"<CommissioningBody {self.name}>"
