"""Form helpers shared by every domain. Vocabulary choices live in ``marketplace.reference.choices``."""

from __future__ import annotations


def optional_int(value: object) -> int | None:
    """Coerce a select's submitted value: blank means none; anything not an integer is rejected."""
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[arg-type]
