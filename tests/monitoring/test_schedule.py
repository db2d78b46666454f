"""Reporting periods follow the financial year; due dates, statuses and reminders follow the periods."""

from __future__ import annotations

from datetime import date

from marketplace.monitoring.schedule import period_status, periods, reminder_due


def test_quarters_follow_the_financial_year_and_are_cut_to_the_contract():
    result = periods(date(2026, 5, 15), date(2027, 1, 31), "quarterly")
    assert [p.label for p in result] == ["Q1 2026/27", "Q2 2026/27", "Q3 2026/27", "Q4 2026/27"]
    assert (result[0].start, result[0].end) == (date(2026, 5, 15), date(2026, 6, 30))
    assert (result[-1].start, result[-1].end) == (date(2027, 1, 1), date(2027, 1, 31))
    assert result[0].due_on == date(2026, 7, 28)


def test_other_frequencies():
    assert [p.label for p in periods(date(2026, 4, 1), date(2027, 3, 31), "half_yearly")] == [
        "H1 2026/27",
        "H2 2026/27",
    ]
    assert [p.label for p in periods(date(2026, 4, 1), date(2028, 3, 31), "annual")] == ["2026/27", "2027/28"]
    assert [p.label for p in periods(date(2026, 12, 1), date(2027, 1, 31), "monthly")] == [
        "December 2026",
        "January 2027",
    ]
    assert periods(date(2026, 4, 1), date(2026, 3, 1), "quarterly") == []


def test_a_periods_status_moves_from_upcoming_to_due_to_overdue_unless_received():
    q1 = periods(date(2026, 4, 1), date(2027, 3, 31), "quarterly")[0]  # ends 30 June, due 28 July
    assert period_status(q1, date(2026, 6, 30), None) == "upcoming"
    assert period_status(q1, date(2026, 7, 1), None) == "due"
    assert period_status(q1, date(2026, 7, 28), None) == "due"
    assert period_status(q1, date(2026, 7, 29), None) == "overdue"
    assert period_status(q1, date(2026, 9, 1), "submitted") == "submitted"
    assert period_status(q1, date(2026, 9, 1), "accepted") == "accepted"


def test_reminders_go_in_the_week_before_the_due_date_and_after_it():
    q1 = periods(date(2026, 4, 1), date(2027, 3, 31), "quarterly")[0]
    assert reminder_due(q1, date(2026, 7, 20), None) is None
    assert reminder_due(q1, date(2026, 7, 21), None) == "due_soon"
    assert reminder_due(q1, date(2026, 7, 29), None) == "overdue"
    assert reminder_due(q1, date(2026, 7, 29), "submitted") is None
