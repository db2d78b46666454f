"""Shortlist routes: only the need's body's approved commissioners (others 403 from the decorator).

The walk's need is the needs table's "walk-open-need" of the commissioner's body; provider A's (draft)
organisation is put on its shortlist directly, since only published providers or responders can be added.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.commissioning.models import Need, Shortlist, ShortlistEntry
from marketplace.extensions import db
from tests.permissions.roles import only

COMMISSIONER_PAGE = only("commissioner")
COMMISSIONER_POST = only("commissioner", status=400)

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("shortlists.add", "POST"): COMMISSIONER_POST,
    ("shortlists.shortlist", "GET"): COMMISSIONER_PAGE,
    ("shortlists.edit_entry", "GET"): COMMISSIONER_PAGE,
    ("shortlists.edit_entry", "POST"): COMMISSIONER_POST,
    ("shortlists.move_up", "POST"): COMMISSIONER_POST,
    ("shortlists.move_down", "POST"): COMMISSIONER_POST,
    ("shortlists.remove", "POST"): COMMISSIONER_POST,
    ("shortlists.invite", "POST"): COMMISSIONER_POST,
    ("shortlists.compare", "GET"): COMMISSIONER_PAGE,
    ("shortlists.export_csv", "GET"): COMMISSIONER_PAGE,
    ("shortlists.award", "GET"): COMMISSIONER_PAGE,
    ("shortlists.award", "POST"): COMMISSIONER_POST,
}


def make_url_args(users: dict) -> dict:
    need = db.session.scalar(select(Need).where(Need.ref == "walk-open-need"))
    assert need is not None, "tests/permissions/needs.py creates the walk's open need"
    shortlist = Shortlist(body_id=need.body_id, need=need, name=need.title)
    entry = ShortlistEntry(organisation=users["provider_a"].organisation, rank=1)
    shortlist.entries.append(entry)
    db.session.add(shortlist)
    db.session.commit()
    return {"entry_id": entry.id}
