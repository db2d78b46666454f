"""The RAG rule: directions, tolerances, boundaries and every state that is not a judgement."""

from __future__ import annotations

import pytest

from marketplace.monitoring import rating
from marketplace.monitoring.rating import MeasureRule, rate

HIGHER = MeasureRule(direction="higher", target_value=85, tolerance=2)
LOWER = MeasureRule(direction="lower", target_value=568, tolerance=20)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(90, "green"), (85, "green"), (84, "amber"), (83, "amber"), (82.9, "red"), (10, "red")],
)
def test_higher_is_better(value, expected):
    assert rate(HIGHER, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(500, "green"), (568, "green"), (570, "amber"), (588, "amber"), (588.5, "red"), (604, "red")],
)
def test_lower_is_better(value, expected):
    assert rate(LOWER, value) == expected


def test_without_a_tolerance_anything_short_is_red_never_amber():
    rule = MeasureRule(direction="higher", target_value=85)
    assert rate(rule, 84.99) == "red"
    assert rate(rule, 85) == "green"


def test_decimal_tolerance_boundaries_are_exact():
    rule = MeasureRule(direction="higher", target_value=85, tolerance=3.2)
    assert rate(rule, 81.8) == "amber"


def test_negative_targets_work_in_either_direction():
    rule = MeasureRule(direction="lower", target_value=-5, tolerance=1)  # "-5%" first-time entrants
    assert rate(rule, -6) == "green"
    assert rate(rule, -4.5) == "amber"
    assert rate(rule, 0) == "red"


def test_a_missing_figure_is_no_data_and_not_available_is_its_own_state():
    assert rate(HIGHER, None) == "no_data"
    assert rate(HIGHER, None, value_state="not_available") == "not_available"


@pytest.mark.parametrize(
    "rule",
    [
        MeasureRule(direction="higher", baseline_state="new_measure"),
        MeasureRule(direction="higher", target_state="new_measure"),
        MeasureRule(direction="higher", target_state="baseline_year"),
        MeasureRule(baseline_state="baseline_year"),
    ],
)
def test_a_new_measure_without_a_target_is_a_new_measure_never_green(rule):
    assert rate(rule, 100) == "new_measure"


@pytest.mark.parametrize(
    "rule",
    [
        MeasureRule(direction="higher"),
        MeasureRule(direction="lower", target_state="to_be_confirmed"),
        MeasureRule(direction="higher", baseline_state="not_available", target_state="to_be_confirmed"),
    ],
)
def test_no_target_yet_is_its_own_state_never_green(rule):
    assert rate(rule, 100) == "no_target"


def test_a_new_measure_with_a_target_is_judged_against_it():
    rule = MeasureRule(direction="higher", target_value=80, baseline_state="new_measure")
    assert rate(rule, 81) == "green"


def test_without_a_direction_a_value_is_not_judged():
    assert rate(MeasureRule(target_value=85), 99) == "no_direction"


def test_only_the_comparison_gives_green():
    statuses = set()
    for rule in [MeasureRule(), MeasureRule(target_state="new_measure"), MeasureRule(target_value=1)]:
        for value in (None, 0, 1, 1000):
            statuses.add(rate(rule, value))
    assert "green" not in statuses


def test_counts_include_every_status_and_labels_read_as_words():
    counts = rating.count(["red", "red", "green", "no_target"])
    assert counts["red"] == 2 and counts["green"] == 1 and counts["amber"] == 0 and counts["no_target"] == 1
    assert set(counts) == set(rating.STATUSES)
    assert rating.label("no_target") == "No target yet"
    assert rating.label("red") == "Off track"
