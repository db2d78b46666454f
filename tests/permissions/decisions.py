"""Decision record routes: the need's body's approved commissioners and admins (others 403 from the decorator).

The walk's record belongs to an awarded need of the commissioner's body.
"""

from __future__ import annotations

from marketplace.commissioning.decisions.services import record_decision
from marketplace.commissioning.models import NeedStatus
from marketplace.extensions import db
from tests.factories import make_need
from tests.permissions.roles import only

READERS = only("commissioner", "admin")

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("decisions.record", "GET"): READERS,
    ("decisions.export_csv", "GET"): READERS,
    ("decisions.export_json", "GET"): READERS,
}


def make_url_args(users: dict) -> dict:
    commissioner = users["commissioner"]
    need = make_need(commissioner.commissioning_body, title="Walk awarded need", status=NeedStatus.AWARDED)
    record = record_decision(need, response=None, commissioner=commissioner)
    db.session.commit()
    return {"record_id": record.id}
