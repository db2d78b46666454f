"""The comparison as a CSV file, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re

from marketplace.commissioning.models import Need
from marketplace.commissioning.shortlists.comparison import ComparisonTable
from marketplace.core.spreadsheets import safe_cell


def comparison_csv(table: ComparisonTable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table.as_lists():
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def filename(need: Need) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", need.title.lower()).strip("-")[:60] or "need"
    return f"shortlist-{need.id}-{slug}.csv"
