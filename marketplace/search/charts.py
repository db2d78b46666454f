"""Server-rendered SVG charts.

Charts are built as strings so a page can show them without scripts. The page's Content Security Policy forbids
inline styles, so the SVG uses presentation attributes and the ``.app-chart`` classes of ``static/app.css`` only.
Every piece of text put into the SVG is escaped here, which is what makes ``|safe`` in the template safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

LABEL_WIDTH = 230
CHART_WIDTH = 640
BAR_HEIGHT = 14
ROW_GAP = 14
TOP = 40
VALUE_GAP = 6
VALUE_ROOM = 40


@dataclass(frozen=True)
class Series:
    """One kind of bar: its name (for the legend) and CSS class."""

    name: str
    css_class: str


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _legend(series: list[Series]) -> list[str]:
    parts = []
    for index, item in enumerate(series):
        x = LABEL_WIDTH + index * 150
        parts.append(f'<rect class="{_text(item.css_class)}" x="{x}" y="8" width="14" height="14"></rect>')
        parts.append(f'<text x="{x + 20}" y="20">{_text(item.name)}</text>')
    return parts


def _row(label: str, values: list[int], series: list[Series], y: int, scale: float) -> list[str]:
    parts = [f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT + 4}" text-anchor="end">{_text(label)}</text>']
    for index, (value, item) in enumerate(zip(values, series, strict=True)):
        bar_y = y + index * BAR_HEIGHT
        width = round(max(value, 0) * scale)
        parts.append(
            f'<rect class="{_text(item.css_class)}" x="{LABEL_WIDTH}" y="{bar_y}" width="{width}" '
            f'height="{BAR_HEIGHT - 2}"><title>{_text(label)}: {_text(value)} {_text(item.name.lower())}</title></rect>'
        )
        parts.append(f'<text x="{LABEL_WIDTH + width + VALUE_GAP}" y="{bar_y + BAR_HEIGHT - 3}">{_text(value)}</text>')
    return parts


def horizontal_bar_chart(
    *,
    title: str,
    description: str,
    rows: list[tuple[str, list[int]]],
    series: list[Series],
    chart_id: str = "chart",
) -> str:
    """An SVG of horizontal grouped bars: one group per row (label, one value per series), with a legend.

    The SVG has ``role="img"`` and is labelled by its ``<title>`` and ``<desc>``; all text is escaped.
    """
    row_height = BAR_HEIGHT * len(series) + ROW_GAP
    height = TOP + row_height * max(len(rows), 1) + 10
    largest = max((value for _, values in rows for value in values), default=0)
    scale = (CHART_WIDTH - LABEL_WIDTH - VALUE_ROOM) / largest if largest else 0.0
    safe_id = _text(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'aria-labelledby="{safe_id}-title {safe_id}-desc">',
        f'<title id="{safe_id}-title">{_text(title)}</title>',
        f'<desc id="{safe_id}-desc">{_text(description)}</desc>',
        *_legend(series),
        f'<line class="app-chart__axis" x1="{LABEL_WIDTH}" y1="{TOP - 6}" x2="{LABEL_WIDTH}" y2="{height - 10}">'
        "</line>",
    ]
    for index, (label, values) in enumerate(rows):
        parts.extend(_row(label, values, series, TOP + index * row_height, scale))
    parts.append("</svg>")
    return "\n".join(parts)
