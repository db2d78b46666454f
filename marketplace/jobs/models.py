"""One row per scheduled job: its lease (who runs it now, until when) and the outcome of its last runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db


class ScheduledJob(db.Model):
    """``name`` is the job's name, or ``name@host`` for work every host does for itself (its search index)."""

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    lease_holder: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None]
    last_started_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default=str)
    last_host: Mapped[str | None] = mapped_column(String(200))
    runs: Mapped[int] = mapped_column(default=0)
