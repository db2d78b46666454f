"""Matching: a need's matches are for the approved commissioners of its body; opportunities are for providers.

``need_id`` is an open need of the commissioner's body (Derby Children's Services); the needs table's shared
"walk-open-need" has the same owner, so whichever table sets ``need_id`` last the expected statuses hold.
Provider A's (draft) organisation gets its opportunities; provider B's (published) one too.
"""

from __future__ import annotations

from marketplace.commissioning.models import NeedStatus
from tests.factories import make_need
from tests.permissions.roles import only

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("matching.need_matches", "GET"): only("commissioner"),
    ("matching.shortlist_matches", "POST"): only("commissioner", status=400),
    ("matching.opportunities", "GET"): only("provider_a", "provider_b"),
}


def make_url_args(users: dict) -> dict:
    need = make_need(users["commissioner"].commissioning_body, status=NeedStatus.OPEN, deadline_days=60)
    return {"need_id": need.id}
