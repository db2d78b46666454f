"""The red/amber/green rule for a measure in a period. Pure functions: no database, no clock.

The rule, in the order it is applied (the first that applies decides):

1. No value reported for the period → ``no_data`` (a missing return is never rated on old figures);
   a value reported as "not available" → ``not_available``.
2. The measure is new (its baseline or target is "New measure" or "Baseline year") and has no target value →
   ``new_measure``: this period's figures are the baseline being built, not a performance.
3. No target value (none given, or "To be confirmed") → ``no_target``.
4. No direction (neither higher nor lower is better) → ``no_direction``: a value cannot be judged against a target
   without knowing which side is good.
5. Otherwise compare the value with the target in the good direction:
   on or beyond the target → ``green``; short of it by no more than the tolerance → ``amber``;
   further short → ``red``. The tolerance is in the measure's own unit (percentage points for a %) and
   defaults to none (0): without an agreed tolerance anything short of target is red, never amber by guess.

Only rule 5 gives green, amber or red: every other state is its own status and is shown as such, never green.
"""

from __future__ import annotations

from dataclasses import dataclass

GREEN = "green"
AMBER = "amber"
RED = "red"
NO_DATA = "no_data"
NOT_AVAILABLE = "not_available"
NEW_MEASURE = "new_measure"
NO_TARGET = "no_target"
NO_DIRECTION = "no_direction"

RAG = (RED, AMBER, GREEN)
STATUSES = (RED, AMBER, GREEN, NEW_MEASURE, NO_TARGET, NO_DIRECTION, NOT_AVAILABLE, NO_DATA)
LABELS = {
    GREEN: "On track",
    AMBER: "Slightly off track",
    RED: "Off track",
    NO_DATA: "No figure",
    NOT_AVAILABLE: "Not available",
    NEW_MEASURE: "New measure",
    NO_TARGET: "No target yet",
    NO_DIRECTION: "Direction not set",
}
NEW_STATES = frozenset({"new_measure", "baseline_year"})


@dataclass(frozen=True)
class MeasureRule:
    """What the rule needs to know about a measure (framework or contract)."""

    direction: str = ""  # higher | lower | ""
    target_value: float | None = None
    target_state: str = ""
    baseline_state: str = ""
    tolerance: float | None = None


def is_new(rule: MeasureRule) -> bool:
    return rule.baseline_state in NEW_STATES or rule.target_state in NEW_STATES


def shortfall(value: float, target: float, direction: str) -> float:
    """How far ``value`` falls short of ``target`` in the good direction (0 or less: met)."""
    return target - value if direction == "higher" else value - target


def rate(rule: MeasureRule, value: float | None, *, value_state: str = "") -> str:
    """The status of ``value`` (or of ``value_state`` when there is no value) against ``rule``."""
    if value is None:
        return NOT_AVAILABLE if value_state == NOT_AVAILABLE else NO_DATA
    if rule.target_value is None:
        return NEW_MEASURE if is_new(rule) else NO_TARGET
    if rule.direction not in ("higher", "lower"):
        return NO_DIRECTION
    gap = round(shortfall(value, rule.target_value, rule.direction), 9)  # 85 - 81.8 is 3.2, not 3.2000000000000028
    if gap <= 0:
        return GREEN
    if gap <= round(rule.tolerance or 0, 9):
        return AMBER
    return RED


def label(status: str) -> str:
    """The words for a status, as shown in pages, exports and the board report."""
    return LABELS.get(status, status.replace("_", " ").capitalize())


def count(statuses: list[str]) -> dict[str, int]:
    """How many of each status (every status present, zero when none), for roll-ups and the portfolio."""
    counts = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return counts
