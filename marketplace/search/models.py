"""Saved searches: a user's bookmarked directory search, optionally emailing them when new providers match.

The search index's own tables (its change feed) live with the index, in :mod:`marketplace.search.index.models`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.clock import utcnow
from marketplace.extensions import db


class SavedSearch(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    query_string: Mapped[str] = mapped_column(String(2000))  # the search page's URL parameters
    alerts_enabled: Mapped[bool] = mapped_column(default=False)
    known_result_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)  # ids already alerted about
    last_alerted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
