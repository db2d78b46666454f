"""How far one index has followed the change feed: its "last applied change id", kept beside the index.

The position lives in the live index directory (``APPLIED``, JSON, replaced atomically), so it always describes
the index it sits beside: a rebuild's new directory gets a new position, and a copied or restored index folder
carries its own. A missing file reads as "nothing applied yet": the follower then re-applies the whole feed, which
is idempotent (documents are rebuilt from the database) and bounded by pruning.

Change ids are handed out before their transaction commits, and on PostgreSQL transactions can commit out of id
order: a follower may see change 12 while change 11 is still uncommitted. So the position also keeps *gaps*: id
ranges below ``last`` not seen yet, with the time they were first noticed. Each round re-reads them; a gap is
forgotten once it has waited :data:`GAP_WAIT_SECONDS` (a transaction that was rolled back never fills its ids).
Changes are written just before their commit (see :mod:`marketplace.search.index.sync`), so a real gap lasts
milliseconds; the wait is generous.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

FILENAME = "APPLIED"
GAP_WAIT_SECONDS = 120.0
MAX_GAPS = 1000  # ranges; beyond this the oldest are dropped (a flood of rollbacks), check still finds any miss


@dataclass
class Position:
    last: int = 0
    # [first id, last id, unix time first noticed]
    gaps: list[list[float]] = field(default_factory=list)

    def advanced(self, seen: set[int], now: float) -> Position:
        """The position after applying the changes ``seen`` (ids after ``last`` or inside a gap)."""
        gaps = [
            piece
            for start, end, noticed in self.gaps
            if now - noticed < GAP_WAIT_SECONDS
            for piece in _without(int(start), int(end), noticed, seen)
        ]
        top = max(seen | {self.last})
        cursor = self.last + 1
        for change_id in sorted(i for i in seen if i > self.last):
            if change_id > cursor:
                gaps.append([cursor, change_id - 1, now])
            cursor = change_id + 1
        return Position(top, gaps[-MAX_GAPS:])

    @property
    def is_waiting(self) -> bool:
        return bool(self.gaps)


def _without(start: int, end: int, noticed: float, seen: set[int]) -> list[list[float]]:
    """The range ``start..end`` minus the ids in ``seen``, as ranges."""
    pieces: list[list[float]] = []
    cursor = start
    for change_id in sorted(i for i in seen if start <= i <= end):
        if change_id > cursor:
            pieces.append([cursor, change_id - 1, noticed])
        cursor = change_id + 1
    if cursor <= end:
        pieces.append([cursor, end, noticed])
    return pieces


def read(directory: Path) -> Position:
    """The position stored beside the index in ``directory`` (a fresh one if there is none or it is unreadable)."""
    try:
        data = json.loads((directory / FILENAME).read_text(encoding="utf-8"))
        return Position(int(data["last"]), [list(gap) for gap in data.get("gaps", [])])
    except (OSError, ValueError, KeyError, TypeError):
        return Position()


def write(directory: Path, position: Position) -> None:
    """Store ``position`` beside the index (atomically: a reader sees the old or the new one, never half)."""
    path = directory / FILENAME
    temporary = path.with_name(f".{FILENAME}.{uuid.uuid4().hex}")
    temporary.write_text(json.dumps({"last": position.last, "gaps": position.gaps}), encoding="utf-8")
    os.replace(temporary, path)
