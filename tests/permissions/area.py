"""Area overview: only approved commissioners (of any body) see the cultural offer of a locality."""

from __future__ import annotations

from marketplace.extensions import db
from tests.lookups import locality
from tests.permissions.roles import only

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("area.overview", "GET"): only("commissioner"),
    ("area.overview_csv", "GET"): only("commissioner"),
}


def make_url_args(users: dict) -> dict:
    """The routes take no URL arguments; give the commissioner's body (Derby Children's Services) its locality so
    the CSV, which defaults to the body's locality, has one."""
    body = users["commissioner"].commissioning_body
    body.locality = locality("E06000015")
    db.session.commit()
    return {}
