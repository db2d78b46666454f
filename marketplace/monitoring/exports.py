"""Returns and measures in and out as CSV or JSON, for bodies and providers who keep them in spreadsheets.

Export: every live return's figures (one row per period and measure) and the contract's measures.
Import (returns, by the provider): the same shape as the export, one row per period and measure; rows are read
and checked first, every problem reported with its line, and nothing is saved unless there are none; then each
period goes through :func:`submit_return` (or, for an accepted period, is refused), the one write path.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from marketplace.commissioning.frameworks.labels import read_period
from marketplace.monitoring import rating
from marketplace.monitoring.forms import read_figure
from marketplace.monitoring.models import Contract, ContractStatus, ReturnStatus
from marketplace.monitoring.presenters import format_value
from marketplace.monitoring.ratings import rating_for
from marketplace.monitoring.returns import Figure, ReturnDetails, schedule_of

MAX_FILE_BYTES = 2 * 1024 * 1024
RETURN_COLUMNS = ("period", "measure_id", "measure", "value", "status", "story", "needs_help", "help_note")
MEASURE_COLUMNS = ("id", "kind", "title", "unit", "direction", "baseline", "target", "tolerance", "framework_measure")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading quote; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(row.get(key, "")) for key in columns})
    return buffer.getvalue()


def return_rows(contract: Contract) -> list[dict[str, Any]]:
    rows = []
    live = sorted((r for r in contract.returns if r.status != ReturnStatus.SUPERSEDED), key=lambda r: r.period_start)
    for ret in live:
        values = {value.measure_id: value for value in ret.values}
        for measure in contract.measures:
            value = values.get(measure.id)
            stored = rating_for(measure, ret.period_start)
            rows.append(
                {
                    "period": ret.period_label,
                    "measure_id": measure.id,
                    "measure": measure.title,
                    "value": value.value
                    if value and value.value is not None
                    else ("not available" if value and value.state else ""),
                    "status": rating.label(stored.status) if stored else "",
                    "story": ret.story,
                    "needs_help": "yes" if ret.needs_help else "no",
                    "help_note": ret.help_note,
                }
            )
    return rows


def measure_rows(contract: Contract) -> list[dict[str, Any]]:
    return [
        {
            "id": measure.id,
            "kind": measure.kind,
            "title": measure.title,
            "unit": measure.unit,
            "direction": measure.direction,
            "baseline": format_value(measure.baseline_value, measure.unit)
            or measure.baseline_state
            or measure.baseline_text,
            "target": format_value(measure.target_value, measure.unit) or measure.target_state or measure.target_text,
            "tolerance": measure.tolerance if measure.tolerance is not None else "",
            "framework_measure": measure.framework_measure.title if measure.framework_measure else "",
        }
        for measure in contract.measures
    ]


def export(kind: str, fmt: str, contract: Contract) -> tuple[str, str]:
    """(body, mimetype) of ``kind`` (returns | measures) as ``fmt`` (csv | json)."""
    rows = return_rows(contract) if kind == "returns" else measure_rows(contract)
    if fmt == "json":
        return json.dumps({"contract": contract.title, kind: rows}, indent=2, ensure_ascii=False), "application/json"
    return _csv(RETURN_COLUMNS if kind == "returns" else MEASURE_COLUMNS, rows), "text/csv"


PORTFOLIO_COLUMNS = (
    "contract",
    "provider",
    "status",
    "value_pounds",
    "start_date",
    "end_date",
    "returns_due",
    "returns_overdue",
    "needs_help",
    *(f"measures_{status}" for status in rating.STATUSES),
)


def portfolio_csv(result: Any) -> str:
    """The portfolio as CSV: one row per contract with its rating counts and returns due/overdue."""
    rows = [
        {
            "contract": row.contract.title,
            "provider": row.contract.provider_name,
            "status": row.contract.status,
            "value_pounds": f"{row.contract.value_pence / 100:.2f}" if row.contract.value_pence is not None else "",
            "start_date": row.contract.start_date.isoformat(),
            "end_date": row.contract.end_date.isoformat(),
            "returns_due": row.due,
            "returns_overdue": row.overdue,
            "needs_help": "yes" if row.needs_help else "no",
            **{f"measures_{status}": row.rating_counts.get(status, 0) for status in rating.STATUSES},
        }
        for row in result.rows
    ]
    return _csv(PORTFOLIO_COLUMNS, rows)


# Import ---------------------------------------------------------------------------------------------------------------


@dataclass
class PeriodImport:
    number: int
    label: str
    details: ReturnDetails


def _rows(filename: str, content: bytes) -> list[tuple[str, dict[str, Any]]]:
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(["The selected file must be smaller than 2MB"])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(["The selected file must be saved as UTF-8"]) from error
    if filename.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFileError([f"Line {error.lineno}: the file is not valid JSON ({error.msg})"]) from error
        items = data.get("returns") if isinstance(data, dict) else None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ImportFileError(["The file must hold an object with a list of returns rows"])
        return [(f"returns[{index}]", item) for index, item in enumerate(items)]
    if filename.lower().endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = [c for c in ("period", "measure_id", "value") if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportFileError([f"Line 1: the file is missing the columns {', '.join(missing)}"])
        return [(f"Line {index + 2}", row) for index, row in enumerate(reader)]
    raise ImportFileError(["The selected file must be a CSV or JSON file"])


def _read_row(at: str, row: dict[str, Any], by_label: dict, measures: dict) -> tuple[Any, Any, Figure]:
    """One row checked: (its scheduled period, its measure, its figure); raises ValueError with the problem."""
    label = str(row.get("period") or "").strip()
    try:
        label = read_period(label)
    except ValueError:
        pass  # reported below as not a reporting period
    scheduled = by_label.get(label)
    if scheduled is None:
        raise ValueError(f"{at}: “{label}” is not one of this contract's reporting periods")
    if scheduled.live is not None and scheduled.live.status == ReturnStatus.ACCEPTED:
        raise ValueError(f"{at}: the {label} return has been accepted; send a correction on its page instead")
    measure = measures.get(str(row.get("measure_id") or "").strip())
    if measure is None:
        raise ValueError(f"{at}: measure_id {row.get('measure_id')!r} is not a measure of this contract")
    raw = row.get("value")
    try:
        value, state = read_figure("" if raw is None else str(raw), measure.title[:80])
    except ValueError as error:
        raise ValueError(f"{at}: {error}") from error
    return scheduled, measure, Figure(value=value, state=state)


def _add_row(found: dict[str, PeriodImport], scheduled: Any, measure: Any, figure: Figure, row: dict) -> None:
    label = scheduled.period.label
    entry = found.setdefault(label, PeriodImport(scheduled.period.number, label, ReturnDetails(figures={})))
    entry.details.figures[measure.id] = figure
    entry.details.story = entry.details.story or str(row.get("story") or "").strip()
    if str(row.get("needs_help") or "").strip().lower() in ("yes", "true", "1"):
        entry.details.needs_help = True
        entry.details.help_note = entry.details.help_note or str(row.get("help_note") or "").strip()


def _period_problems(entry: PeriodImport) -> list[str]:
    problems = []
    if not entry.details.story:
        problems.append(f"{entry.label}: enter the story behind the numbers (the story column)")
    if entry.details.needs_help and not entry.details.help_note:
        problems.append(f"{entry.label}: enter what you need help with (the help_note column)")
    return problems


def read_returns_file(contract: Contract, filename: str, content: bytes) -> list[PeriodImport]:
    """The file's returns by period, checked against the contract's schedule and measures."""
    if contract.status != ContractStatus.ACTIVE:
        raise ImportFileError(["This contract is closed: returns can no longer be submitted"])
    by_label = {row.period.label: row for row in schedule_of(contract)}
    measures = {str(measure.id): measure for measure in contract.measures}
    problems: list[str] = []
    found: dict[str, PeriodImport] = {}
    for at, row in _rows(filename, content):
        try:
            scheduled, measure, figure = _read_row(at, row, by_label, measures)
        except ValueError as error:
            problems.append(str(error))
            continue
        _add_row(found, scheduled, measure, figure, row)
    for entry in found.values():
        problems.extend(_period_problems(entry))
    if not found and not problems:
        problems.append("The file has no rows of figures")
    if problems:
        raise ImportFileError(problems)
    return sorted(found.values(), key=lambda entry: entry.number)
