"""Running an import: check each batch of records, then write it, streaming the file (JSON interchange or CSV).

Records are read, checked and written a batch at a time (:data:`~.schema.BATCH_SIZE`), so memory does not grow
with the file: what is kept across batches is the refs seen so far (for the duplicate checks) and the report.
Consortia, which name organisations, are read after every organisation has been written.
"""

from __future__ import annotations

import csv
import gc
import io
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, Any

from marketplace.directory.importer import fingerprint
from marketplace.directory.importer.catalogue import Catalogue
from marketplace.directory.importer.checks import (
    SeenRefs,
    check_consortium,
    check_consortium_duplicates,
    check_duplicates,
    check_organisation,
)
from marketplace.directory.importer.consortia_writer import write_consortia
from marketplace.directory.importer.schema import (
    ASSESSOR_ONLY,
    ASSESSOR_ONLY_KEYS,
    BATCH_SIZE,
    CSV_COLUMNS,
    Candidate,
    ImportReport,
    InterchangeFileError,
    Rejection,
)
from marketplace.directory.importer.stream import check_csv, check_json, json_records, read_text
from marketplace.directory.importer.writer import write_organisations

Item = tuple[str, int, Any]  # where in the file, its index (or line), the record as read

__all__ = ["import_csv", "import_directory", "import_file", "import_records", "read_text"]


class CellsProblem(str):
    """A CSV row that cannot become a record at all (reported as it is, with no ref)."""


def _records(data: dict, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InterchangeFileError(f'"{key}" must be a list of records')
    return value


def _candidates(items: list[Item], check: Callable[[dict], tuple[dict, list[str]]]) -> list[Candidate]:
    candidates = []
    for where, index, item in items:
        if not isinstance(item, dict):
            candidates.append(Candidate(where, index, {}, ["must be an object with a ref and a name"]))
        else:
            record, reasons = check(item)
            candidates.append(Candidate(where, index, record, reasons))
    return candidates


def _ref(item: Any) -> str | None:
    ref = item.get("ref") if isinstance(item, dict) else None
    return ref if isinstance(ref, str) else None


def _organisation_candidates(items: list[Item], catalogue: Catalogue, report: ImportReport) -> list[Candidate]:
    """The batch's records checked, but for those unchanged since their last import (their fingerprint matches)."""
    prints = {
        id(item): fingerprint.fingerprint(item, catalogue.digest) for _, _, item in items if isinstance(item, dict)
    }
    known = fingerprint.stored(ref for _, _, item in items if (ref := _ref(item)))
    candidates = []
    for where, index, item in items:
        if isinstance(item, CellsProblem):
            report.rejected.append(Rejection(where, index, None, [str(item)]))
        elif not isinstance(item, dict):
            candidates.append(Candidate(where, index, {}, ["must be an object with a ref and a name"]))
        elif _ref(item) in known and known[item["ref"]][1] == prints[id(item)]:
            candidates.append(Candidate(where, index, item, [], prints[id(item)], unchanged=True))
        else:
            record, reasons = check_organisation(item, catalogue)
            candidates.append(Candidate(where, index, record, reasons, prints[id(item)]))
    return candidates


def _named_refs(items: list[Item]) -> set[str]:
    """Every organisation ref the consortia name (lead and members), for one query."""
    refs: set[str] = set()
    for _, _, item in items:
        if isinstance(item, dict):
            members = item.get("members")
            named = [item.get("lead"), *(members if isinstance(members, list) else [])]
            refs.update(ref for ref in named if isinstance(ref, str))
    return refs


@contextmanager
def _collector_spares_what_exists() -> Iterator[None]:
    """Keep Python's cycle collector off the objects alive before the import (the app, its modules, the catalogue).

    Reading a file makes millions of short-lived objects, and every collection of the oldest generation would
    walk all the long-lived ones again: a quarter of an unchanged re-import's time. ``gc.freeze`` sets them aside
    until the import ends. Skipped where something else froze objects already (a preloading server).
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def import_records(organisations: Iterable[Item], consortia: Iterable[Item] = ()) -> ImportReport:
    """Import ``(where, index, record)`` items, read lazily: each batch is checked, then written and committed.

    Every record is checked completely and every reason it is wrong reported; refs must be unique in the whole
    file (a later copy is rejected, naming where the first was). ``consortia`` is read after the organisations.
    """
    with _collector_spares_what_exists():
        return _import_records(organisations, consortia)


def _import_records(organisations: Iterable[Item], consortia: Iterable[Item]) -> ImportReport:
    started = time.perf_counter()
    report = ImportReport()
    catalogue = Catalogue.load()
    seen = SeenRefs()
    records = iter(organisations)
    while items := list(islice(records, BATCH_SIZE)):
        candidates = _organisation_candidates(items, catalogue, report)
        del items  # the records as read are not needed once checked: memory stays one batch deep
        check_duplicates(candidates, catalogue, seen)
        report.rejected.extend(c.rejection() for c in candidates if c.reasons)
        valid = [c for c in candidates if not c.reasons]
        for candidate in valid:
            if candidate.unchanged:
                report.organisations.unchanged += 1
                report.offers.unchanged += len(candidate.record.get("offers", []))
        if changed := [c for c in valid if not c.unchanged]:
            write_organisations(changed, catalogue, report)
    consortium_items = list(consortia)  # a few per hundred organisations
    known = seen.valid | catalogue.existing_refs(_named_refs(consortium_items))
    candidates = _candidates(consortium_items, lambda item: check_consortium(item, catalogue, known))
    check_consortium_duplicates(candidates)
    report.rejected.extend(c.rejection() for c in candidates if c.reasons)
    write_consortia([c for c in candidates if not c.reasons], catalogue, report)
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
    return import_records(organisations, consortia)


def _csv_value(column: str, value: str | None) -> Any:
    value = (value or "").strip()
    if column == "localities":
        return [code.strip() for code in value.split(";") if code.strip()]
    if column in ("age_min", "age_max"):
        return int(value) if value.isdigit() else (value or None)
    if column in ("organisation_type", "legal_form"):
        return value or None
    return value


def _csv_header(reader: csv.DictReader) -> list[str]:
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
    return header


def _csv_items(reader: csv.DictReader, header: list[str]) -> Iterator[Item]:
    reader.fieldnames = header
    line = reader.line_num + 1
    for row in reader:
        if None in row:
            yield f"line {line}", line, CellsProblem(f"has more cells than the header ({len(header)})")
        else:
            record = {column: _csv_value(column, value) for column, value in row.items()}
            if record.get("status") == "":
                del record["status"]  # an empty status leaves it as it is (a new organisation is a draft)
            yield f"line {line}", line, record
        line = reader.line_num + 1


def _import_csv_stream(text: IO[str]) -> ImportReport:
    reader = csv.DictReader(text)
    return import_records(_csv_items(reader, _csv_header(reader)))


def import_csv(content: str) -> ImportReport:
    """Import organisations' basic fields from CSV text (see ``CSV_COLUMNS``); other fields stay as they are."""
    try:
        for _row in csv.reader(io.StringIO(content, newline="")):
            pass  # a file the csv module cannot read imports nothing
    except csv.Error as error:
        raise InterchangeFileError(f"The CSV file cannot be read: {error}") from error
    return _import_csv_stream(io.StringIO(content, newline=""))


def import_file(path: Path) -> ImportReport:
    """Import a ``.csv`` file (basic fields) or a JSON interchange file (anything else), streaming it.

    The file is checked whole first (:mod:`.stream`), so a file that cannot be read imports nothing.
    """
    if path.suffix.lower() == ".csv":
        check_csv(path)
        with path.open(encoding="utf-8-sig", newline="") as text:
            return _import_csv_stream(text)
    checked = check_json(path)
    if checked.data is not None:  # only ijson found it unreadable (NaN, say): import it read whole, as before
        return import_directory(checked.data)
    return import_records(json_records(path, "organisations"), checked.consortia)
