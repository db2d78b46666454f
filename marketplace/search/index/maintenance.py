"""Rebuild the index from the database (built aside, swapped in atomically) and check it against the database."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy.orm import Session

from marketplace.core.collector import collector_paused
from marketplace.extensions import db
from marketplace.search.engines.engine import engine_for
from marketplace.search.index import outbox, position
from marketplace.search.index.documents import all_documents
from marketplace.search.index.sync import catch_up, start_position


@dataclass
class RebuildReport:
    documents: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


@dataclass
class CheckReport:
    indexed: int = 0
    expected: int = 0
    missing: list[str] = field(default_factory=list)  # in the database, not in the index
    stale: list[str] = field(default_factory=list)  # in both, but the index holds an older version
    extra: list[str] = field(default_factory=list)  # in the index, not (or no longer) in the database
    queued: list[str] = field(default_factory=list)  # changed in the database, not yet applied to this index
    applied_through: int = 0  # this host's index position in the change feed
    latest_change: int = 0  # the newest change in the feed

    @property
    def is_clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def rebuild(app: Flask) -> RebuildReport:
    """Build a complete new index from the database beside the live one and swap it in atomically.

    The new index starts following the change feed from just before the rebuild began (its position is written
    beside it before anyone can write to it), and the changes committed meanwhile are applied straight after the
    swap: the engine holds the write lock throughout, so no other writer slips in between.
    """
    engine = engine_for(app)
    started = time.perf_counter()
    with engine.lock.hold(None):
        start = start_position(app)
        with Session(db.engine) as session, collector_paused():
            count = engine.rebuild(all_documents(session))
        seconds = time.perf_counter() - started
        live = engine.live_directory()
        if live is not None:
            position.write(live, start)
            catch_up(app, timeout=None)
    return RebuildReport(count, seconds)


def check(app: Flask) -> CheckReport:
    """Compare the index with documents freshly built from the database."""
    engine = engine_for(app)
    indexed = engine.ids_and_versions()
    live = engine.live_directory()  # type: ignore[attr-defined]
    current = position.read(live) if live is not None else position.Position()
    with Session(db.engine) as session:
        expected = {document["id"]: document["version"] for document in all_documents(session)}
        queued = sorted({doc_id for _, doc_id in outbox.unapplied(session, current)})
        latest = outbox.latest_id(session)
    return CheckReport(
        indexed=len(indexed),
        expected=len(expected),
        missing=sorted(set(expected) - set(indexed)),
        stale=sorted(doc_id for doc_id in set(expected) & set(indexed) if expected[doc_id] != indexed[doc_id]),
        extra=sorted(set(indexed) - set(expected)),
        queued=queued,
        applied_through=current.last,
        latest_change=latest,
    )
