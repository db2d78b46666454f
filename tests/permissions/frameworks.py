"""Outcomes frameworks: only the body's approved commissioners."""

from __future__ import annotations

from tests.factories import make_framework
from tests.permissions.roles import only

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("frameworks.index", "GET"): only("commissioner"),
    ("frameworks.import_framework", "GET"): only("commissioner"),
    ("frameworks.import_framework", "POST"): only("commissioner", status=400),
    ("frameworks.framework", "GET"): only("commissioner"),
    ("frameworks.map_outcome", "GET"): only("commissioner"),
    ("frameworks.map_outcome", "POST"): only("commissioner", status=400),
}


def make_url_args(users: dict) -> dict:
    framework = make_framework(users["commissioner"].commissioning_body)
    outcome = framework.themes[0].aims[0].outcomes[0]
    return {"framework_id": framework.id, "framework_outcome_id": outcome.id}
