"""The search index's change feed (the outbox every host's index follows) and each host's place in it.

Saved searches, which belong to the search page, are in :mod:`marketplace.search.models`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.clock import utcnow
from marketplace.extensions import db


class IndexChange(db.Model):
    """One search document to rewrite, written in the transaction that changed it: the hosts' change feed.

    Each host's index follows this table in id order from its own "last applied" position (kept beside the index,
    see :mod:`marketplace.search.index.position`), so any number of hosts, each with its own index folder, converge on
    the database. ``kind`` is ``organisation`` or ``consortium`` and ``object_id`` that row's id (the document id
    is derived from both). ``sqlite_autoincrement``: SQLite must never hand out an id again after pruning.
    """

    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class IndexFollower(db.Model):
    """Where each host's index has got to in the change feed, so old changes can be pruned once all have passed.

    ``name`` identifies a host's index (host name and index folder); one reserved row, :data:`PRUNED_MARKER`,
    records the highest change id pruned: an index behind it has missed changes and is rebuilt.
    """

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_applied_id: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


PRUNED_MARKER = "(pruned)"
