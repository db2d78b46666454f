"""What the monitoring pages show: trend points per measure, the trend chart (server-rendered SVG), tags.

The chart follows ``search/charts.py``: a string of SVG with presentation attributes and ``.app-chart`` classes
only (the Content Security Policy forbids inline styles), every text escaped here, so ``|safe`` in the template
is safe. Each chart sits above a table of the same figures, which is what screen readers and print rely on.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from marketplace.commissioning.frameworks.labels import DIRECTIONS, STATES
from marketplace.monitoring import rating
from marketplace.monitoring.models import Contract, ContractMeasure, MeasureKind, ReturnStatus
from marketplace.monitoring.ratings import rating_for
from marketplace.monitoring.schedule import FREQUENCY_LABELS, PeriodStatus

WIDTH = 640
HEIGHT = 260
LEFT = 56
RIGHT = 16
TOP = 24
BOTTOM = 48
TAG_CLASSES = {
    rating.GREEN: "govuk-tag--green",
    rating.AMBER: "govuk-tag--yellow",
    rating.RED: "govuk-tag--red",
    rating.NEW_MEASURE: "govuk-tag--blue",
    rating.NO_TARGET: "govuk-tag--grey",
    rating.NO_DIRECTION: "govuk-tag--grey",
    rating.NOT_AVAILABLE: "govuk-tag--grey",
    rating.NO_DATA: "govuk-tag--grey",
}


@dataclass(frozen=True)
class TrendPoint:
    label: str
    value: float | None
    state: str
    status: str
    overridden: bool


def tag_class(status: str) -> str:
    return TAG_CLASSES.get(status, "govuk-tag--grey")


def format_value(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()


def trend(contract: Contract, measure: ContractMeasure) -> list[TrendPoint]:
    """The measure's figure and status in each period that has a live return, oldest first."""
    points = []
    live = sorted((r for r in contract.returns if r.status != ReturnStatus.SUPERSEDED), key=lambda r: r.period_start)
    for ret in live:
        value = next((item for item in ret.values if item.measure_id == measure.id), None)
        stored = rating_for(measure, ret.period_start)
        points.append(
            TrendPoint(
                label=ret.period_label,
                value=value.value if value else None,
                state=value.state if value else "",
                status=stored.status if stored else rating.NO_DATA,
                overridden=bool(stored and stored.override),
            )
        )
    return points


def _t(value: object) -> str:
    return escape(str(value), quote=True)


def _scale(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    return low - pad, high + pad


def trend_chart(measure: ContractMeasure, points: list[TrendPoint], *, chart_id: str) -> str:
    """A line of the measure's values per period with its baseline and target as horizontal lines."""
    numbers = [p.value for p in points if p.value is not None]
    references = [v for v in (measure.baseline_value, measure.target_value) if v is not None]
    low, high = _scale(numbers + references or [0.0])
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(points), 1)

    def y_of(value: float) -> float:
        return round(TOP + inner_h - (value - low) / (high - low) * inner_h, 1)

    def x_of(index: int) -> float:
        return round(LEFT + step * index + step / 2, 1)

    safe_id = _t(chart_id)
    description = "; ".join(
        f"{p.label}: {format_value(p.value, measure.unit) or rating.label(p.status)}" for p in points
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{safe_id}-title {safe_id}-desc">',
        f'<title id="{safe_id}-title">Trend for {_t(measure.title)}</title>',
        f'<desc id="{safe_id}-desc">{_t(description or "No returns yet")}</desc>',
        f'<line class="app-chart__axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + inner_h}"></line>',
        f'<line class="app-chart__axis" x1="{LEFT}" y1="{TOP + inner_h}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + inner_h}"></line>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{_t(format_value(high, measure.unit))}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + inner_h}" text-anchor="end">{_t(format_value(low, measure.unit))}</text>',
    ]
    for name, value, css in (
        ("Target", measure.target_value, "app-chart__target"),
        ("Baseline", measure.baseline_value, "app-chart__baseline"),
    ):
        if value is not None:
            y = y_of(value)
            parts.append(f'<line class="{css}" x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}"></line>')
            shown = _t(format_value(value, measure.unit))
            parts.append(f'<text x="{WIDTH - RIGHT}" y="{y - 4}" text-anchor="end">{name} {shown}</text>')
    plotted = [(x_of(i), y_of(p.value)) for i, p in enumerate(points) if p.value is not None]
    if len(plotted) > 1:
        path = " ".join(f"{x},{y}" for x, y in plotted)
        parts.append(f'<polyline class="app-chart__line" points="{path}"></polyline>')
    for index, point in enumerate(points):
        x = x_of(index)
        parts.append(f'<text x="{x}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{_t(point.label)}</text>')
        if point.value is not None:
            shown = f"{format_value(point.value, measure.unit)} ({rating.label(point.status)})"
            parts.append(
                f'<circle class="app-chart__point app-chart__point--{_t(point.status)}" cx="{x}" '
                f'cy="{y_of(point.value)}" r="6"><title>{_t(point.label)}: {_t(shown)}</title></circle>'
            )
    parts.append("</svg>")
    return "\n".join(parts)


def template_helpers() -> dict[str, Any]:
    """Words for codes, for the monitoring templates only (registered on the blueprint, not the app)."""
    return {
        "tag_class": tag_class,
        "status_label": rating.label,
        "period_label": lambda status: PeriodStatus.LABELS.get(status, status),
        "frequency_label": lambda code: FREQUENCY_LABELS.get(code, code),
        "kind_label": lambda code: MeasureKind.LABELS.get(code, code),
        "direction_label": lambda code: DIRECTIONS.get(code, "Direction not set"),
        "state_label": lambda code: STATES.get(code, ""),
        "format_value": format_value,
    }
