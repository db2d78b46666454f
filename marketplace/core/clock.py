"""One place for "now", so tests and services agree (naive UTC, as stored by every database we support)."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()


def long_date(day: date | datetime) -> str:
    """A date as GOV.UK writes it: "3 March 2026"."""
    return f"{day.day} {day:%B %Y}"
