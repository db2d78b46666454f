"""Framework labels as people write them: values with units, periods, states, directions, frequencies."""

from __future__ import annotations

import pytest

from marketplace.commissioning.frameworks.labels import (
    LabelError,
    Reading,
    infer_direction,
    read_direction,
    read_frequency,
    read_period,
    read_reading,
)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("81.8%", Reading(value=81.8, unit="%")),
        ("604 days", Reading(value=604, unit="days")),
        ("568 days (National target 2010-13)", Reading(value=568, unit="days", note="National target 2010-13")),
        ("604 (current target 639)", Reading(value=604, note="current target 639")),
        ("1,000", Reading(value=1000)),
        ("-5%", Reading(value=-5, unit="%")),
        ("New Measure", Reading(state="new_measure")),
        ("New measures", Reading(state="new_measure")),
        ("Baseline year", Reading(state="baseline_year")),
        ("To be confirmed (Annual Decrease)", Reading(state="to_be_confirmed")),
        ("TBC", Reading(state="to_be_confirmed")),
        ("Not avail until Q1 13/14 Annual measure", Reading(state="not_available", available_from="Q1 2013/14")),
        ("", Reading()),
    ],
)
def test_readings_are_read_as_written(label, expected):
    assert read_reading(label) == expected


@pytest.mark.parametrize("label", ["In top 25% of local authorities", "57.6% Lower Middle", "English: 85% Maths: 83%"])
def test_prose_is_not_mistaken_for_a_value(label):
    with pytest.raises(LabelError, match="neither a value"):
        read_reading(label)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Q2 2013/14", "Q2 2013/14"),
        ("q1 13/14", "Q1 2013/14"),
        ("2013/14", "2013/14"),
        ("2014", "2014"),
        ("Mar 2014", "March 2014"),
        ("", ""),
    ],
)
def test_periods_have_one_spelling(label, expected):
    assert read_period(label) == expected


def test_an_unreadable_period_says_how_to_write_one():
    with pytest.raises(LabelError, match="write it like Q2 2013/14"):
        read_period("second quarter")


@pytest.mark.parametrize(
    ("label", "expected"), [("Higher is better", "higher"), ("lower", "lower"), ("Reduce", "lower"), ("", "")]
)
def test_directions(label, expected):
    assert read_direction(label) == expected


def test_an_unknown_direction_is_refused():
    with pytest.raises(LabelError, match="Higher is better or Lower is better"):
        read_direction("sideways")


@pytest.mark.parametrize(
    ("label", "expected"), [("Quarterly", "quarterly"), ("Annually", "annual"), ("half-yearly", "half_yearly")]
)
def test_frequencies(label, expected):
    assert read_frequency(label) == expected


def test_an_unknown_frequency_is_refused():
    with pytest.raises(LabelError, match="not a frequency"):
        read_frequency("fortnightly")


def test_direction_is_inferred_only_from_two_different_values():
    assert infer_direction(604, 568) == "lower"
    assert infer_direction(81.8, 85) == "higher"
    assert infer_direction(100, 100) == ""
    assert infer_direction(None, 85) == ""
