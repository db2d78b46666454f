"""Directory events other domains may act on, without the directory importing them.

``safeguarding_changed`` is sent by ``save_safeguarding`` inside its transaction, before the commit, when an edit
changes a verified safeguarding record: the record is the sender, ``changed`` (labels of the fields changed) and
``user`` are keyword arguments. Verification subscribes to send the record back for re-verification, so a
receiver's changes are committed (or rolled back) with the edit itself.

``material_edit`` is sent before a material edit (safeguarding, accreditations, the legal name, legal form or
registration number) is saved, with the organisation as sender and ``kind`` plus the edit as keyword arguments.
A receiver that holds the edit for an assessor's review (a trusted listing: see ``marketplace.revisions``)
returns what it made; the directory then saves nothing itself (:func:`held_for_review`).

``reviewed_listing`` asks whether a listing's material edits are reviewed (a trusted listing), for a writer that
cannot hold an edit for review, such as the directory import: it refuses the record instead
(:func:`edits_are_reviewed`).

``listing_edited`` is sent inside the transaction of a minor edit that went live at once (profile steps, offers,
impact evidence), so the assessors' change feed can list edits to trusted listings.

``organisations_written_in_bulk`` is sent inside the transaction of a bulk write that the ORM does not see (the
directory import creates new organisations with multi-row INSERTs), with ``organisation_ids``: the search index
queues their documents as it does a flush's changes.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace

_signals = Namespace()
safeguarding_changed = _signals.signal("safeguarding-changed")
material_edit = _signals.signal("material-edit")
listing_edited = _signals.signal("listing-edited")
reviewed_listing = _signals.signal("reviewed-listing")
organisations_written_in_bulk = _signals.signal("organisations-written-in-bulk")


def held_for_review(organisation: Any, kind: str, **edit: Any) -> Any | None:
    """What a receiver made to hold this material edit for review, or None when it is to be saved now."""
    for _receiver, held in material_edit.send(organisation, kind=kind, **edit):
        if held is not None:
            return held
    return None


def edits_are_reviewed(organisation: Any) -> bool:
    """True when a receiver says this listing's material edits wait for an assessor's review."""
    return any(answer for _receiver, answer in reviewed_listing.send(organisation))


def note_listing_edited(organisation: Any, summary: str, *, user: Any) -> None:
    """Tell subscribers a minor edit went live (call before the commit, so the two are saved together)."""
    listing_edited.send(organisation, summary=summary, user=user)
