"""The durable retry queue: document ids whose index write failed, one JSON object a line.

``SEARCH_INDEX_DIR/pending.jsonl`` survives restarts and is shared by every worker; appends and the
read-and-truncate of :func:`take` hold an exclusive ``fcntl`` lock on the file itself, so no id is lost
between processes. The queue is drained by the next successful index write and by ``flask search
process-queue``.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable
from pathlib import Path

from marketplace.core.clock import utcnow

FILENAME = "pending.jsonl"


def queue_path(root: str | Path) -> Path:
    return Path(root) / FILENAME


def enqueue(root: str | Path, ids: Iterable[str], *, reason: str = "") -> int:
    ids = sorted(set(ids))
    if not ids:
        return 0
    path = queue_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().isoformat(timespec="seconds")
    lines = "".join(json.dumps({"id": doc_id, "at": stamp, "reason": reason[:200]}) + "\n" for doc_id in ids)
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write(lines)
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return len(ids)


def take(root: str | Path) -> set[str]:
    """Remove and return every queued id (the caller re-queues them if its write fails)."""
    path = queue_path(root)
    if not path.exists():
        return set()
    with path.open("r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            ids = _parse(handle.read())
            handle.seek(0)
            handle.truncate()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return ids


def peek(root: str | Path) -> set[str]:
    path = queue_path(root)
    if not path.exists():
        return set()
    return _parse(path.read_text(encoding="utf-8"))


def _parse(text: str) -> set[str]:
    ids: set[str] = set()
    for line in text.splitlines():
        try:
            ids.add(str(json.loads(line)["id"]))
        except (ValueError, KeyError, TypeError):
            continue  # a torn or foreign line is skipped, never fatal
    return ids
