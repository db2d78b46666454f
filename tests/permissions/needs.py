"""Needs: the public board and need pages; the body's approved commissioners manage their needs.

Creates the shared "walk-open-need" (an open need of the commissioner's body) that the responses and
shortlists tables use too.
"""

from __future__ import annotations

from marketplace.commissioning.models import NeedStatus
from tests.factories import make_need
from tests.permissions.roles import everyone, only

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("needs.board", "GET"): everyone(200),
    ("needs.need", "GET"): everyone(200),  # an open need is public
    ("needs.index", "GET"): only("commissioner"),
    ("needs.new", "GET"): only("commissioner"),
    ("needs.new", "POST"): only("commissioner", status=400),
    ("needs.edit", "GET"): only("commissioner"),
    ("needs.edit", "POST"): only("commissioner", status=400),
    ("needs.publish", "POST"): only("commissioner", status=400),
    ("needs.close", "POST"): only("commissioner", status=400),
    ("needs.cancel", "POST"): only("commissioner", status=400),
}


def make_url_args(users: dict) -> dict:
    need = make_need(
        users["commissioner"].commissioning_body,
        status=NeedStatus.OPEN,
        deadline_days=60,
        ref="walk-open-need",
        consortium_welcome=True,
    )
    return {"need_id": need.id}
