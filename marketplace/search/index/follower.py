"""Each host's index follows the change feed from a background thread in the app's own processes.

Why a thread in the app and not a separate ``flask search follow`` service: the index is only needed where the app
serves, so whenever a host serves it also follows (nothing extra to deploy, monitor or forget on a new host), and
a host that was down catches up as soon as it starts. ``flask search follow`` runs the same loop in the foreground
for a host that wants it as its own service (set ``SEARCH_FOLLOW=0`` for the app then).

One follower per host, not one per worker: each worker starts a thread, but only the one holding an exclusive lock
on ``SEARCH_INDEX_DIR/follower.lock`` polls; the others wait to take over (the lock goes with the process, so a
recycled or killed worker hands over within :data:`TAKEOVER_SECONDS`). Polling costs one ``max(id)`` query per
``SEARCH_FOLLOW_INTERVAL`` (0.25 s), so a change made on another host is searchable here within about half a second.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from pathlib import Path

from flask import Flask

from marketplace.search.index.sync import catch_up, is_behind, report_position

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 0.25
TAKEOVER_SECONDS = 2.0
MAX_WAIT_SECONDS = 10.0  # the longest pause between rounds while they keep failing
REPORT_SECONDS = 10.0  # how often the host's position is written to the database (it only guides pruning)
EXTENSION_KEY = "search_follower"


class Follower:
    """The loop: hold the host's follower lock, then apply the feed whenever it has moved on."""

    def __init__(self, app: Flask, *, interval: float | None = None) -> None:
        self.app = app
        configured = app.config.get("SEARCH_FOLLOW_INTERVAL", DEFAULT_INTERVAL)
        self.interval = float(interval if interval is not None else configured)
        self.stopped = threading.Event()
        self._fd: int | None = None
        self._reported_at = 0.0
        self._wait = self.interval  # grows while rounds fail (a corrupted index), back to the interval on success
        self.thread: threading.Thread | None = None

    def start(self) -> Follower:
        self.thread = threading.Thread(target=self.run, name="search-follower", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                if self._take_lock():
                    self._wait = self.interval if self._round() else min(self._wait * 2, MAX_WAIT_SECONDS)
                    self.stopped.wait(self._wait)
                else:
                    self.stopped.wait(TAKEOVER_SECONDS)
        finally:
            self._release_lock()

    def _round(self) -> bool:
        """One look at the feed; False if the index could not be brought up to date (the next wait is longer)."""
        try:
            with self.app.app_context():
                applied = not is_behind(self.app) or catch_up(self.app, timeout=self.interval * 4, report=False)
                if time.monotonic() - self._reported_at >= REPORT_SECONDS:
                    report_position(self.app)
                    self._reported_at = time.monotonic()
        except Exception:  # a database or disk hiccup: log it and try again next round
            logger.exception("Search follower round failed")
            return False
        return applied is not None  # True (nothing to do) or what catch_up did; None: it failed

    def _take_lock(self) -> bool:
        if self._fd is not None:
            return True
        root = Path(self.app.config["SEARCH_INDEX_DIR"])
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / "follower.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def _release_lock(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


_start_guard = threading.Lock()


def start_follower(app: Flask) -> Follower | None:
    """Start this process's follower once (no-op when ``SEARCH_FOLLOW`` or ``SEARCH_SYNC`` is off)."""
    if not (app.config.get("SEARCH_FOLLOW", True) and app.config.get("SEARCH_SYNC", True)):
        app.extensions.setdefault(EXTENSION_KEY, None)
        return None
    with _start_guard:
        follower = app.extensions.get(EXTENSION_KEY)
        if follower is None or follower.thread is None or not follower.thread.is_alive():
            follower = app.extensions[EXTENSION_KEY] = Follower(app).start()
    return follower


def init_follower(app: Flask) -> None:
    """Start the follower with the first request a process serves (after gunicorn's fork, never before it)."""

    @app.before_request
    def _ensure_follower() -> None:
        if EXTENSION_KEY not in app.extensions:
            start_follower(app)
