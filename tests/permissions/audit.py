"""The audit log pages: administrators only."""

from __future__ import annotations

from tests.permissions.roles import only

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("audit.index", "GET"): only("admin"),
    ("audit.export_csv", "GET"): only("admin"),
}
