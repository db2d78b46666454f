"""When returns are due: reporting periods from a contract's dates and frequency. Pure functions.

Periods follow the financial year as councils report it (April–March; Q1 is April–June), so "Q2 2013/14" in a
framework and a contract's second quarter mean the same months. The first and last periods are cut to the
contract's start and end. A return is due ``DUE_DAYS`` after its period ends; reminders go ``REMIND_DAYS`` before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DUE_DAYS = 28
REMIND_DAYS = 7
MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "annual": 12}
FREQUENCY_LABELS = {"monthly": "Monthly", "quarterly": "Quarterly", "half_yearly": "Half-yearly", "annual": "Annual"}
MONTH_NAMES = "January February March April May June July August September October November December".split()


class PeriodStatus:
    UPCOMING = "upcoming"  # not ended yet
    DUE = "due"  # ended, due date not passed, nothing received
    OVERDUE = "overdue"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    LABELS = {
        UPCOMING: "Not due yet",
        DUE: "Due",
        OVERDUE: "Overdue",
        SUBMITTED: "Submitted",
        ACCEPTED: "Accepted",
    }


@dataclass(frozen=True)
class Period:
    number: int  # 1…n within the contract
    label: str
    start: date
    end: date
    due_on: date


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _financial_year(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{str(start + 1)[-2:]}"


def _label(start: date, frequency: str) -> str:
    offset = (start.month - 4) % 12  # months since April
    year = _financial_year(start)
    if frequency == "quarterly":
        return f"Q{offset // 3 + 1} {year}"
    if frequency == "half_yearly":
        return f"H{offset // 6 + 1} {year}"
    if frequency == "annual":
        return year
    return f"{MONTH_NAMES[start.month - 1]} {start.year}"


def _aligned_start(day: date, months: int) -> date:
    """The start of the financial-year period of ``months`` months that contains ``day``."""
    offset = ((day.month - 4) % 12) // months * months
    year_start = date(day.year if day.month >= 4 else day.year - 1, 4, 1)
    return _add_months(year_start, offset)


def periods(start: date, end: date, frequency: str) -> list[Period]:
    """Every reporting period from ``start`` to ``end`` inclusive (none if ``end`` is before ``start``)."""
    months = MONTHS_PER_PERIOD.get(frequency, 3)
    result: list[Period] = []
    period_start = _aligned_start(start, months)
    while period_start <= end:
        next_start = _add_months(period_start, months)
        period_end = min(next_start - timedelta(days=1), end)
        result.append(
            Period(
                number=len(result) + 1,
                label=_label(period_start, frequency),
                start=max(period_start, start),
                end=period_end,
                due_on=period_end + timedelta(days=DUE_DAYS),
            )
        )
        period_start = next_start
    return result


def period_status(period: Period, today: date, return_status: str | None) -> str:
    """Where a period stands: received (``submitted``/``accepted``), or by the date ``upcoming``/``due``/``overdue``."""
    if return_status in (PeriodStatus.SUBMITTED, PeriodStatus.ACCEPTED):
        return return_status
    if today <= period.end:
        return PeriodStatus.UPCOMING
    return PeriodStatus.OVERDUE if today > period.due_on else PeriodStatus.DUE


def reminder_due(period: Period, today: date, return_status: str | None) -> str | None:
    """Which reminder (``due_soon`` or ``overdue``) a period calls for today, if any."""
    status = period_status(period, today, return_status)
    if status == PeriodStatus.OVERDUE:
        return "overdue"
    if status == PeriodStatus.DUE and (period.due_on - today).days <= REMIND_DAYS:
        return "due_soon"
    return None
