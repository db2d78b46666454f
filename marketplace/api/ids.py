"""Open Referral UK ids: a stable UUID for every record, derived from the kind of record and its key.

The profile requires a UUID for every ``id`` and ``*_id``. Ours are derived, never stored: ``uuid5`` of a fixed
namespace and ``"{kind}:{key}"``, where the key is what identifies the record here (an organisation's or offer's
database id, a vocabulary's key, ``vocabulary:code`` for a term). So the same record always has the same UUID, no
migration is needed, and vocabularies and terms have the same UUIDs on every deployment.

Routing on ``/{id}`` needs the way back: a process-wide map from UUID to key, filled from every UUID handed out
and, on a miss, from the keys the caller lists: :func:`id_of` asks only for database ids above the highest it has
seen (so a miss, e.g. a made-up UUID, costs one indexed query once the map is warm), :func:`key_of` for every
key of a small kind (vocabularies, terms). The first lookup in a worker computes the UUIDs of every record of the
kind (about 3 µs each). The map can be shared by every database because a UUID is a pure function of kind and
key.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache

NAMESPACE = uuid.UUID("6f2c8a7e-3b0d-5c1e-9a4f-0d2b7e8c1a55")  # this marketplace's ids; never change it
# Kinds routed on /{id}: only their UUIDs are remembered for the way back (an entry is ~200 bytes, so 50,000
# organisations with 125,000 offers cost some 60 MB per worker; nested records' ids are never looked up).
ROUTED = frozenset({"organization", "service", "service_at_location", "taxonomy", "taxonomy_term"})
_keys: dict[tuple[str, str], Hashable] = {}
_highest: dict[str, int] = {}


@lru_cache(maxsize=50_000)
def uuid_for(kind: str, key: Hashable) -> str:
    """The UUID (as text) of the record of ``kind`` (``service``, ``organization``, ``taxonomy`` …) with ``key``."""
    value = str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))
    if kind in ROUTED:
        _keys[(kind, value)] = key
    return value


def id_of(kind: str, value: uuid.UUID | str, ids_above: Callable[[int], Iterable[int]]) -> int | None:
    """The database id whose UUID is ``value``, or None; ``ids_above(n)`` lists every id of ``kind`` above ``n``."""
    text = str(value).lower()
    if (kind, text) not in _keys:
        highest = _highest.get(kind, 0)
        for key in ids_above(highest):
            uuid_for(kind, key)
            highest = max(highest, key)
        _highest[kind] = highest
    found = _keys.get((kind, text))
    return found if isinstance(found, int) else None


def key_of(kind: str, value: uuid.UUID | str, all_keys: Callable[[], Iterable[Hashable]]) -> Hashable | None:
    """The key whose UUID is ``value``, or None; ``all_keys`` lists every key of ``kind`` (asked on a miss only)."""
    text = str(value).lower()
    if (kind, text) not in _keys:
        for key in all_keys():
            uuid_for(kind, key)
    return _keys.get((kind, text))
