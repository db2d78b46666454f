"""One place for "now", so tests and services agree (naive UTC, as stored by every database we support)."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()


def long_date(day: date | datetime) -> str:
    """A date as GOV.UK writes it: "3 March 2026"."""
    return f"{day.day} {day:%B %Y}"


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February).

    Awards, accreditations, safeguarding reviews and training all run for whole years; they share this so a
    leap-day award and a leap-day review expire on the same day.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
