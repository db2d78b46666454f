"""One index writer at a time across this host's processes: an exclusive ``fcntl`` lock on
``SEARCH_INDEX_DIR/write.lock``. Each host has its own index folder, so a lock local to the host is all it needs;
what hosts share (the change feed) is in the database.

Readers never take it. The lock is re-entrant inside a process (a sync that reads the database and writes the
index holds it once; the engine's own write inside takes it again without blocking itself), and waits at most
``timeout`` seconds so a web request never hangs behind a long rebuild: on :class:`IndexBusy` the caller
leaves its work in the change feed for the follower.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class IndexBusy(RuntimeError):
    """Another process held the index write lock for longer than we were willing to wait."""


class WriterLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @contextmanager
    def hold(self, timeout: float | None = 30.0) -> Iterator[None]:
        if not self._thread_lock.acquire(timeout=-1 if timeout is None else timeout):
            raise IndexBusy(f"{self.path} is held by another thread")
        try:
            if self._depth == 0:
                self._fd = self._acquire(timeout)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
                    os.close(self._fd)
                    self._fd = None
        finally:
            self._thread_lock.release()

    def _acquire(self, timeout: float | None) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    os.close(fd)
                    raise IndexBusy(f"{self.path} is held by another process") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)


_locks: dict[str, WriterLock] = {}
_locks_guard = threading.Lock()


def writer_lock(root: str | Path) -> WriterLock:
    """The process-wide lock object for the index directory ``root``."""
    path = Path(root).resolve() / "write.lock"
    with _locks_guard:
        return _locks.setdefault(str(path), WriterLock(path))
