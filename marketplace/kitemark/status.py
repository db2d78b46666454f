"""The one place that answers "is this organisation kitemarked?".

Search documents, response warnings and shortlist comparisons all ask here, so when kitemark reviews land
(applications, awards, expiry, suspension) only this module changes. Until then no organisation holds one.
"""

from __future__ import annotations

from typing import Any


def is_kitemarked(organisation: Any) -> bool:
    return False


def kitemark_status(organisation: Any) -> str:
    """The kitemark in words, as commissioners and providers see it."""
    return "Kitemarked" if is_kitemarked(organisation) else "Not kitemarked"
