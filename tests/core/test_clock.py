"""``core.clock``: the date helpers every domain shares."""

from datetime import date, timedelta

import pytest

from marketplace.core.clock import add_years, long_date, shifted, utcnow


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2026, 3, 3), 1, date(2027, 3, 3)),
        (date(2026, 12, 31), 3, date(2029, 12, 31)),
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 29), 3, date(2027, 2, 28)),
        (date(2025, 2, 28), 3, date(2028, 2, 28)),
    ],
)
def test_add_years_keeps_the_day_and_moves_a_leap_day_to_28_february(day, years, expected):
    assert add_years(day, years) == expected


def test_long_date_is_written_as_gov_uk_writes_dates():
    assert long_date(date(2026, 3, 3)) == "3 March 2026"


def test_shifted_moves_now_only_inside_its_block():
    before = utcnow()
    with shifted(-timedelta(days=400)):
        inside = utcnow()
    after = utcnow()

    assert timedelta(days=399) < before - inside < timedelta(days=401)
    assert after >= before
