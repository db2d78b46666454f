"""Reading import files (JSON interchange or basic CSV) and running an import: check everything, then write."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from marketplace.directory.importer.catalogue import Catalogue
from marketplace.directory.importer.checks import (
    check_consortium,
    check_consortium_duplicates,
    check_duplicates,
    check_organisation,
)
from marketplace.directory.importer.consortia_writer import write_consortia
from marketplace.directory.importer.schema import (
    ASSESSOR_ONLY,
    ASSESSOR_ONLY_KEYS,
    CSV_COLUMNS,
    Candidate,
    ImportReport,
    InterchangeFileError,
    Rejection,
)
from marketplace.directory.importer.writer import write_organisations


def _records(data: dict, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InterchangeFileError(f'"{key}" must be a list of records')
    return value


def _candidates(
    items: Iterable[tuple[str, int, Any]], check: Callable[[dict], tuple[dict, list[str]]]
) -> list[Candidate]:
    candidates = []
    for where, index, item in items:
        if not isinstance(item, dict):
            candidates.append(Candidate(where, index, {}, ["must be an object with a ref and a name"]))
            continue
        record, reasons = check(item)
        candidates.append(Candidate(where, index, record, reasons))
    return candidates


def _run(organisation_items: list[tuple[str, int, Any]], consortium_items: list[tuple[str, int, Any]]) -> ImportReport:
    started = time.perf_counter()
    report = ImportReport()
    catalogue = Catalogue.load()
    organisations = _candidates(organisation_items, lambda item: check_organisation(item, catalogue))
    check_duplicates(organisations, catalogue)
    valid = [c for c in organisations if not c.reasons]
    known_refs = catalogue.organisation_refs | {c.ref for c in valid}
    consortia = _candidates(consortium_items, lambda item: check_consortium(item, catalogue, known_refs))
    check_consortium_duplicates(consortia)
    report.rejected.extend(c.rejection() for c in organisations + consortia if c.reasons)
    write_organisations(valid, catalogue, report)
    write_consortia([c for c in consortia if not c.reasons], catalogue, report)
    report.rejected.sort(key=lambda r: (r.where.startswith("consortia"), r.index))
    report.drafted.sort(key=lambda r: r.index)
    report.seconds = time.perf_counter() - started
    return report


def import_directory(data: dict) -> ImportReport:
    """Import ``{"organisations": [...], "consortia": [...]}``; valid records are written, invalid ones reported.

    Raises :class:`InterchangeFileError` when the data is not that shape at all (nothing is imported).
    """
    if not isinstance(data, dict) or not ({"organisations", "consortia"} & set(data)):
        raise InterchangeFileError(
            'The file must be a JSON object with an "organisations" list (and optionally "consortia")'
        )
    organisations = [(f"organisations[{i}]", i, item) for i, item in enumerate(_records(data, "organisations"))]
    consortia = [(f"consortia[{i}]", i, item) for i, item in enumerate(_records(data, "consortia"))]
    return _run(organisations, consortia)


def _csv_value(column: str, value: str | None) -> Any:
    value = (value or "").strip()
    if column == "localities":
        return [code.strip() for code in value.split(";") if code.strip()]
    if column in ("age_min", "age_max"):
        return int(value) if value.isdigit() else (value or None)
    if column in ("organisation_type", "legal_form"):
        return value or None
    return value


def _csv_items(content: str) -> list[tuple[str, int, Any]]:
    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in ("ref", "name") if name not in header]
    unknown = [name for name in header if name not in CSV_COLUMNS]
    trusted = [name for name in unknown if name.lower() in ASSESSOR_ONLY_KEYS]
    if trusted:
        raise InterchangeFileError(f"The CSV has the column(s) {', '.join(trusted)}: {ASSESSOR_ONLY}")
    if missing or unknown:
        problems = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
        )
        raise InterchangeFileError(
            f"The CSV header must use the columns {', '.join(CSV_COLUMNS)}: {'; '.join(problems)}"
        )
    reader.fieldnames = header
    items: list[tuple[str, int, Any]] = []
    line = reader.line_num + 1
    for row in reader:
        if None in row:
            items.append((f"line {line}", line, f"has more cells than the header ({len(header)})"))
        else:
            record = {column: _csv_value(column, value) for column, value in row.items()}
            if record.get("status") == "":
                del record["status"]  # an empty status leaves it as it is (a new organisation is a draft)
            items.append((f"line {line}", line, record))
        line = reader.line_num + 1
    return items


def import_csv(content: str) -> ImportReport:
    """Import organisations' basic fields from CSV text (see ``CSV_COLUMNS``); other fields stay as they are."""
    try:
        items = _csv_items(content)
    except csv.Error as error:
        raise InterchangeFileError(f"The CSV file cannot be read: {error}") from error
    report = _run([item for item in items if isinstance(item[2], dict)], [])
    report.rejected.extend(
        Rejection(where, index, None, [str(item)]) for where, index, item in items if isinstance(item, str)
    )
    report.rejected.sort(key=lambda r: r.index)
    return report


def read_text(path: Path) -> str:
    """The file's text, or :class:`InterchangeFileError` saying clearly why it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as error:
        raise InterchangeFileError(f"File not found: {path}") from error
    except IsADirectoryError as error:
        raise InterchangeFileError(f"{path} is a folder, not a file") from error
    except OSError as error:
        raise InterchangeFileError(f"{path} cannot be read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InterchangeFileError(
            f"{path} is not UTF-8 text (byte {error.start} cannot be read): save it as UTF-8 and try again"
        ) from error


def import_file(path: Path) -> ImportReport:
    """Import a ``.csv`` file (basic fields) or a JSON interchange file (anything else)."""
    content = read_text(path)
    if path.suffix.lower() == ".csv":
        return import_csv(content)
    try:
        data = json.loads(content)
    except json.JSONDecodeError as error:
        raise InterchangeFileError(
            f"{path} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
    return import_directory(data)
