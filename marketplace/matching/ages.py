"""Whether a provider works with a need's ages: the one age rule matching and opportunities share.

Semantics (decided here, documented for commissioners): an age range "a–b" covers the years from a to b, and
two ranges only count as overlapping when they share more than a boundary year — "12–18" and "18+" touch at 18
(a youth service up to 18, an adult service from 18) and do not overlap; "12–18" and "16–25" do. A range of a
single year ("5–5") overlaps any range that contains that year. An unstated bound is open (no minimum is 0, no
maximum is any age); a provider that states nothing works with all ages, and one that says it works with
adults only works from :data:`ADULT_AGE`.
"""

from __future__ import annotations

ADULT_AGE = 18
ANY_AGE = 200


def _bounds(low: int | None, high: int | None) -> tuple[int, int]:
    return (low if low is not None else 0), (high if high is not None else ANY_AGE)


def ranges_overlap(a: tuple[int | None, int | None], b: tuple[int | None, int | None]) -> bool:
    """True when the two age ranges share more than a boundary year (see the module docstring)."""
    a_low, a_high = _bounds(*a)
    b_low, b_high = _bounds(*b)
    if a_low == a_high:
        return b_low <= a_low <= b_high
    if b_low == b_high:
        return a_low <= b_low <= a_high
    return max(a_low, b_low) < min(a_high, b_high)


def provider_ages(document: dict) -> tuple[int | None, int | None]:
    """The ages a provider's search document says it works with (adults only: from 18)."""
    low, high = document.get("age_min"), document.get("age_max")
    if document.get("adults_only"):
        low = max(low or 0, ADULT_AGE)
    return low, high


def states_ages(document: dict) -> bool:
    low, high = provider_ages(document)
    return low is not None or high is not None


def excluded_by_ages(need_ages: tuple[int | None, int | None], document: dict) -> bool:
    """True when the need states ages and the provider works with none of them: such a provider never matches."""
    if need_ages == (None, None) or not states_ages(document):
        return False
    return not ranges_overlap(need_ages, provider_ages(document))


def describe(document: dict) -> str:
    """ "Works with ages 5–11", "Works with adults (18 and over)" or "Works with all ages"."""
    low, high = provider_ages(document)
    if document.get("adults_only") and high is None:
        return f"Works with adults ({low} and over)"
    if low is None and high is None:
        return "Works with all ages"
    if high is None:
        return f"Works with ages {low} and over"
    return f"Works with ages {low or 0}–{high}"
