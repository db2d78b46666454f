"""The comparison as a CSV file, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re

from marketplace.commissioning.models import Need
from marketplace.commissioning.shortlists.comparison import ComparisonTable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with a quote (CSV/formula injection)."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def comparison_csv(table: ComparisonTable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table.as_lists():
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def filename(need: Need) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", need.title.lower()).strip("-")[:60] or "need"
    return f"shortlist-{need.id}-{slug}.csv"
