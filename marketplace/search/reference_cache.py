"""The reference data the search page reads on every request (term codes and labels, localities, outcode
centres), cached.

Vocabularies and localities change only on ``flask reference load`` or an admin import, yet the search page
needed about fifteen queries a request to re-read them. Each process keeps one snapshot per app: it is dropped
at once when this process flushes a change to a term, vocabulary or locality, and after ``MAX_AGE_SECONDS``
otherwise, so a change made by another process (a CLI load, another worker) shows within that time.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session, aliased

from marketplace.extensions import db
from marketplace.reference.geography import overlapping
from marketplace.reference.models import Locality, Outcode, Term, Vocabulary

MAX_AGE_SECONDS = 60.0
EXTENSION_KEY = "search_reference_cache"
REFERENCE_MODELS = (Term, Vocabulary, Locality, Outcode)

_lock = threading.Lock()
_changes = 0  # bumped by any flush of reference rows in this process
_listening = False


@dataclass(frozen=True)
class ReferenceSnapshot:
    labels: dict[str, dict[str, str]]  # vocabulary key → term code → label (retired terms included)
    locality_names: dict[str, str]  # ONS code → name
    locality_parent: dict[str, str]  # district ONS code → county ONS code
    locality_districts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # county → districts
    outcode_centres: dict[str, tuple[int, int]] = field(default_factory=dict)  # outcode → (easting, northing)
    loaded_at: float = 0.0
    changes: int = 0

    def term_labels(self, vocabulary_key: str) -> dict[str, str]:
        return self.labels.get(vocabulary_key, {})

    def expanded_localities(self, codes: Iterable[str]) -> set[str]:
        """The codes overlapping any of ``codes``: a county brings in its districts, a district its county."""
        return {
            overlapping_code
            for code in codes
            for overlapping_code in overlapping(
                code, self.locality_parent.get(code), self.locality_districts.get(code, ())
            )
        }

    def outcodes_within(self, outcode: str, km: float) -> dict[str, float] | None:
        """Every known outcode whose centre is within ``km`` of ``outcode``'s, with its distance in km.

        None when ``outcode`` is unknown. A few thousand outcodes: one pass over them is about a millisecond,
        which keeps a radius search as cheap as any other filter whatever the size of the directory.
        """
        centre = self.outcode_centres.get(outcode)
        if centre is None:
            return None
        east, north = centre
        found = {}
        for code, (easting, northing) in self.outcode_centres.items():
            distance = math.hypot(easting - east, northing - north) / 1000
            if distance <= km:
                found[code] = distance
        return found


def _note_reference_changes(session: Session, flush_context: object) -> None:
    global _changes
    if any(isinstance(row, REFERENCE_MODELS) for row in chain(session.new, session.dirty, session.deleted)):
        with _lock:
            _changes += 1


def _load(session: Session) -> ReferenceSnapshot:
    labels: dict[str, dict[str, str]] = {}
    for key, code, label in session.execute(select(Vocabulary.key, Term.code, Term.label).join(Term.vocabulary)):
        labels.setdefault(key, {})[code] = label
    parent = aliased(Locality)
    rows = session.execute(
        select(Locality.ons_code, Locality.name, parent.ons_code).outerjoin(parent, Locality.parent_id == parent.id)
    ).all()
    districts: dict[str, list[str]] = {}
    for code, _, county in rows:
        if county is not None:
            districts.setdefault(county, []).append(code)
    return ReferenceSnapshot(
        labels=labels,
        locality_names={code: name for code, name, _ in rows},
        locality_parent={code: county for code, _, county in rows if county is not None},
        locality_districts={county: tuple(sorted(codes)) for county, codes in districts.items()},
        outcode_centres={
            code: (easting, northing)
            for code, easting, northing in session.execute(select(Outcode.outcode, Outcode.easting, Outcode.northing))
        },
        loaded_at=time.monotonic(),
        changes=_changes,
    )


def reference_snapshot(app: Flask | None = None) -> ReferenceSnapshot:
    """The app's reference data, read from the database at most once a minute (or after a local change)."""
    global _listening
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if not _listening:
        with _lock:
            if not _listening:
                event.listen(db.session, "after_flush", _note_reference_changes)
                _listening = True
    snapshot: ReferenceSnapshot | None = app.extensions.get(EXTENSION_KEY)
    fresh = (
        snapshot is not None
        and snapshot.changes == _changes
        and time.monotonic() - snapshot.loaded_at < MAX_AGE_SECONDS
    )
    if not fresh:
        snapshot = _load(db.session)
        app.extensions[EXTENSION_KEY] = snapshot
    return snapshot  # type: ignore[return-value]
