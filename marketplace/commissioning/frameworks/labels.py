"""Read measure labels as people write them in a framework: "81.8%", "604 days", "Q2 2013/14", "New measure".

Frameworks arrive as spreadsheets and Word tables, so the importer accepts the words a council uses rather than
codes, and turns them into the structured fields the rating rule reads. Each ``read_*`` function is pure and
raises :class:`LabelError` with a sentence a person can act on; anything it does not understand as a value is an
error, never a silent guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STATES = {
    "new_measure": "New measure",
    "baseline_year": "Baseline year",
    "to_be_confirmed": "To be confirmed",
    "not_available": "Not available",
}
DIRECTIONS = {"higher": "Higher is better", "lower": "Lower is better"}
FREQUENCIES = {"monthly": "Monthly", "quarterly": "Quarterly", "half_yearly": "Half-yearly", "annual": "Annual"}
UNITS = {"%": "%", "percent": "%", "percentage": "%", "day": "days", "days": "days", "weeks": "weeks"}

_STATE_WORDS = (
    (re.compile(r"^new measures?\b", re.I), "new_measure"),
    (re.compile(r"^baseline year\b", re.I), "baseline_year"),
    (re.compile(r"^(to be confirmed|tbc)\b", re.I), "to_be_confirmed"),
    (re.compile(r"^not (avail|available)\b", re.I), "not_available"),
)
_NUMBER = re.compile(r"^\s*(-?\d[\d,]*(?:\.\d+)?)\s*(%|[a-z][a-z ]*?)?\s*(?:\((.*)\))?\s*$", re.I)
_QUARTER = re.compile(r"^q([1-4])\s+(\d{2,4})\s*/\s*(\d{2,4})$", re.I)
_YEAR_SPAN = re.compile(r"^(\d{2,4})\s*/\s*(\d{2,4})$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = ("January February March April May June July August September October November December").split()


class LabelError(ValueError):
    """A label that cannot be read; the message says what was expected."""


@dataclass(frozen=True)
class Reading:
    """A position or target read from its label: a value (with unit and a note) or a state."""

    value: float | None = None
    unit: str = ""
    state: str = ""
    note: str = ""  # e.g. "National target 2010-13" or "current target 639"
    available_from: str = ""


def _full_year(text: str, century: int = 2000) -> int:
    number = int(text)
    return number if number >= 1000 else century + number


def read_period(label: str) -> str:
    """A period in one spelling: "Q2 2013/14", "2013/14", "2014", "March 2014"; "Q1 13/14" → "Q1 2013/14"."""
    text = " ".join(label.split())
    if not text:
        return ""
    if match := _QUARTER.match(text):
        start = _full_year(match.group(2))
        return f"Q{match.group(1)} {start}/{str(start + 1)[-2:]}"
    if match := _YEAR_SPAN.match(text):
        start = _full_year(match.group(1))
        return f"{start}/{str(start + 1)[-2:]}"
    if re.fullmatch(r"\d{4}", text):
        return text
    words = text.split()
    if len(words) == 2 and words[0][:3].lower() in _MONTHS and re.fullmatch(r"\d{2,4}", words[1]):
        return f"{_MONTH_NAMES[_MONTHS.index(words[0][:3].lower())]} {_full_year(words[1])}"
    raise LabelError(f"“{label}” is not a period: write it like Q2 2013/14, 2013/14, 2014 or March 2014")


def read_number(text: str) -> float:
    """ "1,000" → 1000.0, "81.8" → 81.8."""
    try:
        return float(text.replace(",", ""))
    except ValueError as error:
        raise LabelError(f"“{text}” is not a number") from error


def read_state(label: str) -> str:
    """The state code a label starts with ("New Measure" → ``new_measure``), or "" if it names none."""
    text = " ".join(label.split())
    for pattern, state in _STATE_WORDS:
        if pattern.match(text):
            return state
    if text in STATES:
        return text
    return ""


def _unit(word: str | None) -> str:
    if not word:
        return ""
    word = word.strip().lower()
    return UNITS.get(word, word)


def read_reading(label: str) -> Reading:
    """A current position or target as written: "81.8%", "604 days (National target 2010-13)", "New Measure",
    "Not avail until Q1 13/14". Empty text is an empty reading; words that are neither raise :class:`LabelError`.
    """
    text = " ".join(label.split())
    if not text:
        return Reading()
    state = read_state(text)
    if state:
        available = ""
        if state == "not_available" and (match := re.search(r"until\s+(q[1-4]\s+\d{2,4}/\d{2,4})", text, re.I)):
            available = read_period(match.group(1))
        return Reading(state=state, available_from=available)
    match = _NUMBER.match(text)
    if not match:
        raise LabelError(
            f"“{label}” is neither a value (like 81.8%, 604 days) nor a state "
            f"({', '.join(STATES.values())}); put other words in the notes"
        )
    return Reading(value=read_number(match.group(1)), unit=_unit(match.group(2)), note=(match.group(3) or "").strip())


def read_direction(label: str) -> str:
    """ "Higher is better", "higher", "up" → ``higher``; "Lower is better", "lower", "down" → ``lower``."""
    text = label.strip().lower()
    if not text:
        return ""
    if re.fullmatch(r"(higher|up|increase|more)( is better)?", text):
        return "higher"
    if re.fullmatch(r"(lower|down|decrease|less|fewer|reduce)( is better)?", text):
        return "lower"
    raise LabelError(f"“{label}” is not a direction: write Higher is better or Lower is better")


def read_frequency(label: str) -> str:
    """ "Quarterly" → ``quarterly``; also monthly, half-yearly, annual (or annually, yearly)."""
    text = label.strip().lower().replace("-", "_").replace(" ", "_")
    if not text:
        return ""
    aliases = {"annually": "annual", "yearly": "annual", "six_monthly": "half_yearly"}
    text = aliases.get(text, text)
    if text not in FREQUENCIES:
        raise LabelError(f"“{label}” is not a frequency: write {', '.join(FREQUENCIES.values())}")
    return text


def infer_direction(baseline: float | None, target: float | None) -> str:
    """When a framework does not say, a target below the baseline means lower is better (and above, higher).

    Equal or missing values infer nothing: the measure stays without a direction and is never rated green.
    """
    if baseline is None or target is None or baseline == target:
        return ""
    return "lower" if target < baseline else "higher"
