"""One place for "now", so tests and services agree (naive UTC, as stored by every database we support)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta

# Set only by :func:`shifted` (the demo's back-story); every other caller sees the real clock.
_offset: ContextVar[timedelta] = ContextVar("clock_offset", default=timedelta(0))


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None) + _offset.get()


@contextmanager
def shifted(by: timedelta) -> Iterator[None]:
    """Run the block with "now" moved by ``by``, for every service, default and audit event that asks here.

    The demo uses it to play a step that happened earlier (a listing confirmed 13 months ago) through the
    product's own services, instead of writing the dates into the rows by hand.
    """
    token = _offset.set(by)
    try:
        yield
    finally:
        _offset.reset(token)


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
