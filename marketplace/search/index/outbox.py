"""The search change feed in the database: record changed documents, read what a position has not applied, prune.

Why the database and not a file beside the index: every host has its own index folder, and only the database is
shared by all of them. A change row is written in the transaction that makes the change, so it exists exactly when
the change does (a rollback takes both away), and each host's follower reads the rows after its own position.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import Connection, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from marketplace.core.clock import utcnow
from marketplace.search.index.documents import CONSORTIUM_PREFIX, ORGANISATION_PREFIX
from marketplace.search.index.models import PRUNED_MARKER, IndexChange, IndexFollower
from marketplace.search.index.position import Position

KINDS = {ORGANISATION_PREFIX: "organisation", CONSORTIUM_PREFIX: "consortium"}
PREFIXES = {kind: prefix for prefix, kind in KINDS.items()}
BATCH = 5000  # changes read per round; a follower far behind catches up over several rounds
KEEP_DAYS = 7  # a change older than this is pruned even if a host has not passed it (that host rebuilds)
KEEP_AT_LEAST = timedelta(hours=1)  # never prune younger changes: a rebuild re-applies its recent past from them


def _row(doc_id: str) -> dict | None:
    for prefix, kind in KINDS.items():
        if doc_id.startswith(prefix):
            return {"kind": kind, "object_id": int(doc_id.removeprefix(prefix))}
    return None


def doc_id_of(kind: str, object_id: int) -> str:
    return f"{PREFIXES[kind]}{object_id}"


def record(connection: Connection, doc_ids: Iterable[str]) -> int:
    """Write one change per document id on ``connection`` (inside the caller's transaction)."""
    now = utcnow()
    rows = [{**row, "created_at": now} for row in map(_row, sorted(set(doc_ids))) if row is not None]
    if rows:
        connection.execute(insert(IndexChange), rows)
    return len(rows)


def latest_id(session: Session) -> int:
    return int(session.scalar(select(func.max(IndexChange.id))) or 0)


def unapplied(session: Session, position: Position) -> list[tuple[int, str]]:
    """(change id, document id) after ``position`` or inside one of its gaps, oldest first, at most :data:`BATCH`."""
    conditions = [IndexChange.id > position.last]
    conditions += [IndexChange.id.between(int(start), int(end)) for start, end, _ in position.gaps]
    query = (
        select(IndexChange.id, IndexChange.kind, IndexChange.object_id)
        .where(or_(*conditions))
        .order_by(IndexChange.id)
        .limit(BATCH)
    )
    return [(change_id, doc_id_of(kind, object_id)) for change_id, kind, object_id in session.execute(query)]


def pruned_through(session: Session) -> int:
    """The highest change id pruned so far (0 if none): a position behind it has missed changes."""
    marker = session.get(IndexFollower, PRUNED_MARKER)
    return marker.last_applied_id if marker is not None else 0


def start_position(session: Session, *, started_at_margin: timedelta) -> Position:
    """Where a freshly built index starts following: before every change younger than the margin.

    A rebuild reads the whole database, but a transaction committing while it reads may or may not be in what it
    read; re-applying the last few minutes of changes afterwards (idempotent) covers every such case.
    """
    cutoff = utcnow() - started_at_margin
    settled = session.scalar(select(func.max(IndexChange.id)).where(IndexChange.created_at < cutoff))
    return Position(max(int(settled or 0), pruned_through(session)))


def report_position(session: Session, name: str, last_applied_id: int) -> None:
    """Record (and commit) how far the index called ``name`` has applied, for pruning and ``flask search check``."""
    follower = session.get(IndexFollower, name)
    if follower is None:
        session.add(IndexFollower(name=name[:200], last_applied_id=last_applied_id))
    else:
        follower.last_applied_id = last_applied_id
        follower.updated_at = utcnow()  # "seen recently", even when it has not moved
    session.commit()


def prune(session: Session, *, keep_days: int = KEEP_DAYS) -> int:
    """Delete changes every known index has applied, and any older than ``keep_days``; returns how many went.

    A host's index counts as known while it has reported within ``keep_days``. The highest pruned id is kept, so an
    index that comes back after missing pruned changes knows to rebuild rather than silently miss them.
    """
    now = utcnow()
    followers = select(func.min(IndexFollower.last_applied_id)).where(
        IndexFollower.name != PRUNED_MARKER, IndexFollower.updated_at >= now - timedelta(days=keep_days)
    )
    everyone_passed = int(session.scalar(followers) or 0)
    doomed = (IndexChange.created_at < now - KEEP_AT_LEAST) & (
        (IndexChange.id <= everyone_passed) | (IndexChange.created_at < now - timedelta(days=keep_days))
    )
    highest = session.scalar(select(func.max(IndexChange.id)).where(doomed))
    if highest is None:
        return 0
    removed = session.execute(delete(IndexChange).where(IndexChange.id <= highest)).rowcount
    report_position(session, PRUNED_MARKER, max(int(highest), pruned_through(session)))
    return int(removed or 0)
