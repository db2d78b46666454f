"""The demo needs, dated for the day the demo is loaded.

``data/needs.json`` is in the needs interchange format (``docs/needs-interchange.md``) with its dates as they
were on ``WRITTEN_ON``. Loading moves every date forward by the whole weeks since then, so on any day the demo
shows the same picture: open needs whose deadlines fall between about five weeks and seven months ahead (on
the weekday written), contracts starting after them. Without this the demo's needs would expire one by one,
and the tests that respond to them would fail from the first deadline on. Loading twice in the same week changes
nothing.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from marketplace.commissioning.needs.importer import ImportReport, import_needs
from marketplace.core.clock import today

NEEDS_FILE = Path(__file__).resolve().parent / "data" / "needs.json"
WRITTEN_ON = date(2026, 12, 7)
DATE_FIELDS = ("contract_start", "contract_end", "deadline")


def shift_for(day: date) -> timedelta:
    """Whole weeks from ``WRITTEN_ON`` to ``day`` (so weekdays stay as written)."""
    return timedelta(weeks=(day - WRITTEN_ON).days // 7)


def dated_needs(day: date) -> dict[str, Any]:
    """``needs.json`` with every date moved as if the file had been written on ``day``."""
    data = json.loads(NEEDS_FILE.read_text(encoding="utf-8"))
    shift = shift_for(day)
    for record in data["needs"]:
        for name in DATE_FIELDS:
            if record.get(name):
                record[name] = (date.fromisoformat(record[name]) + shift).isoformat()
    return data


def load_demo_needs(day: date | None = None) -> ImportReport:
    """Create or update the demo needs through the needs importer, dated for ``day`` (default today)."""
    return import_needs(dated_needs(day or today()))
