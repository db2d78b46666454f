"""The last step for the matches page: each worker keeps the ranked matches of the needs it ranked recently.

Ranking a regional need reads and scores hundreds of candidates (about 150 ms of CPU at 5,000 organisations after
everything else in issue 15), and commissioners open the same need's matches again and again while they shortlist.
So a worker keeps the ranked list of a need, keyed by everything the ranking reads:

* the need itself: a fingerprint of every field and code the ranking reads (:func:`need_fingerprint`), so an edit
  to the need is a new key;
* the directory: the newest entry of the search change feed (every commit that changes a provider's or a
  consortium's document writes one, in the same transaction) and the index generation (a rebuild or any index
  commit, on this host or another), so any change to a provider is a new key, whether or not the index has
  caught up yet;
* the day (kitemarks and accreditations lapse by date) and the reference snapshot (localities and vocabularies,
  re-read at least once a minute, so an entry lives a minute at most: a change to the reference data made by
  another process shows within that time, as on the search page).

Honest limits: the first request for a need in each worker still pays for the whole ranking, and so does the first
after any change to the directory (on a busy site that may be most of them). The cache is only used when the
change feed is recorded (``SEARCH_SYNC``) and ``MATCH_CACHE_SIZE`` is not 0; otherwise (some tests, a bulk load
with the index off) every request ranks afresh. The track record is not cached: it is read for the results shown
on every request.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from flask import current_app

from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.search.engines.engine import engine_for
from marketplace.search.index.outbox import latest_id
from marketplace.search.reference_cache import reference_snapshot

if TYPE_CHECKING:
    from marketplace.commissioning.models import Need
    from marketplace.matching.ranking import MatchResult

EXTENSION_KEY = "matching_cache"
SIZE = 64  # needs kept per worker (a few KB each): ``MATCH_CACHE_SIZE``


class RankedCache:
    """A small least-recently-used map from a ranking's key to its results, shared by a worker's threads."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, list[MatchResult]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> list[MatchResult] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple, results: list[MatchResult]) -> None:
        with self._lock:
            self._entries[key] = results
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def need_fingerprint(need: Need) -> str:
    """A hash of everything about ``need`` that the ranking reads (its words, codes, areas, ages, budget, rules)."""
    parts = [
        need.id,
        need.title,
        need.summary,
        need.description,
        need.service_area.code if need.service_area is not None else None,
        [term.code for term in need.outcomes],
        [term.code for term in need.aims],
        [term.code for term in need.target_groups],
        [term.code for term in need.indicators],
        [term.code for term in need.problem_areas],
        [locality.ons_code for locality in need.localities],
        need.localities_required,
        need.age_min,
        need.age_max,
        need.budget_max_pence,
        need.requires_safeguarding_verified,
        need.requires_kitemark,
        need.required_accreditation.code if need.required_accreditation is not None else None,
        need.consortium_welcome,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _key(need: Need, top: int) -> tuple | None:
    """The key of ``need``'s ranking now, or None when the change feed is not recorded (nothing to key on)."""
    app = current_app
    if not app.config.get("SEARCH_SYNC", True) or not app.config.get("MATCH_CACHE_SIZE", SIZE):
        return None
    generation = engine_for(app).generation()
    snapshot = reference_snapshot()
    directory = (latest_id(db.session), generation, today(), snapshot.loaded_at, snapshot.changes)
    return (need_fingerprint(need), top, *directory)


def cached_ranking(need: Need, top: int, rank: Callable[[Need, int], list[MatchResult]]) -> list[MatchResult]:
    """``rank(need, top)``, or the same list ranked earlier under the same key; callers get their own copies."""
    key = _key(need, top)
    size = current_app.config.get("MATCH_CACHE_SIZE", SIZE)
    cache: RankedCache = current_app.extensions.setdefault(EXTENSION_KEY, RankedCache(size))
    results = cache.get(key) if key is not None else None
    if results is None:
        results = rank(need, top)
        if key is not None:
            cache.put(key, results)
    return [replace(result, reasons=list(result.reasons), missing=list(result.missing)) for result in results]
