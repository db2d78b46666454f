"""Import commissioning bodies from a CSV or JSON register (``flask commissioning import-bodies FILE``).

Needs refer to their body by ``ref`` (``import-needs``), so a region's bodies can be loaded before its needs. The
format is in ``docs/needs-interchange.md``. Every row is checked in full and each rejected row is reported with
all its reasons; valid rows are created or updated by ``ref``, so importing the same file twice changes nothing.
A body has one locality (the authority it commissions for). ``email_domains`` is accepted and ignored, so
registers kept elsewhere import unchanged: who may act for a body is decided by an admin approving its members,
never by a file.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from marketplace.audit.services import record_event
from marketplace.commissioning.models import CommissioningBody
from marketplace.commissioning.needs.importer import ImportReport  # the same counts and summary as needs
from marketplace.core.refs import is_ref
from marketplace.extensions import db
from marketplace.reference.models import Locality
from marketplace.reference.services import terms_by_code

KEYS = ("ref", "name", "kind", "locality", "localities", "description", "email_domains")
CSV_REQUIRED = ("ref", "name")
LIMITS = {"name": 200, "description": 10_000}


class BodyFileError(Exception):
    """The file cannot be read at all (not UTF-8, not JSON or CSV, wrong shape): nothing was imported."""


# Reading the file --------------------------------------------------------------------------------------------------


def read_bodies_file(name: str, content: bytes) -> list[tuple[str, Any]]:
    """The file's rows as ``(where, record)``: ``line 3`` for CSV, ``commissioning_bodies[2]`` for JSON."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BodyFileError("The file must be UTF-8 text") from error
    if name.lower().endswith(".csv"):
        return _csv_rows(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BodyFileError(f"The file is not JSON: {error}") from error
    records = data.get("commissioning_bodies") if isinstance(data, dict) else None
    if not isinstance(records, list):
        raise BodyFileError('The file must hold {"commissioning_bodies": [ … ]}')
    return [(f"commissioning_bodies[{index}]", record) for index, record in enumerate(records)]


def _csv_rows(text: str) -> list[tuple[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    columns = [column.strip() for column in reader.fieldnames or []]
    missing = [column for column in CSV_REQUIRED if column not in columns]
    if missing:
        raise BodyFileError(f"The CSV file needs a header row with the columns {', '.join(missing)}")
    unknown = [column for column in columns if column not in KEYS]
    if unknown:
        raise BodyFileError(f"Unknown CSV columns: {', '.join(unknown)}")
    rows = []
    for number, row in enumerate(reader, start=2):
        record = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
        if "localities" in record:
            record["localities"] = [code.strip() for code in record["localities"].split(";") if code.strip()]
        rows.append((f"line {number}", {key: value for key, value in record.items() if value not in ("", [])}))
    return rows


# Checking a row ----------------------------------------------------------------------------------------------------


@dataclass
class _Known:
    kinds: dict = field(default_factory=lambda: terms_by_code("commissioning_body_kind"))
    localities: dict = field(
        default_factory=lambda: {loc.ons_code: loc for loc in db.session.scalars(select(Locality))}
    )


def _text(record: dict, name: str, problems: list[str], *, required: bool = False) -> str:
    value = record.get(name, "")
    if not isinstance(value, str):
        problems.append(f"{name} must be text")
        return ""
    value = value.strip()
    if required and not value:
        problems.append(f"{name} is missing")
    if len(value) > LIMITS[name]:
        problems.append(f"{name} must be {LIMITS[name]:,} characters or fewer (it has {len(value):,})")
    return value


def _locality_code(record: dict, problems: list[str]) -> str | None:
    """The one ONS code of ``locality`` (or of a one-item ``localities`` list), or None when neither is given."""
    code = record.get("locality")
    listed = record.get("localities")
    if listed is not None:
        if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
            problems.append("localities must be a list of ONS codes")
            return None
        if len(listed) > 1 or (code and listed and listed != [code]):
            problems.append("a commissioning body has one locality: give one ONS code")
            return None
        code = code or (listed[0] if listed else None)
    if code is not None and not isinstance(code, str):
        problems.append("locality must be an ONS code, like E06000015")
        return None
    return code or None


def check_body(record: Any, known: _Known) -> tuple[list[str], dict[str, Any]]:
    """Every problem of one row, and (when there are none) its values ready to write."""
    if not isinstance(record, dict):
        return ["each commissioning body must be a JSON object"], {}
    problems: list[str] = []
    unknown = sorted(set(record) - set(KEYS))
    if unknown:
        problems.append(f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    ref = record.get("ref")
    if not is_ref(ref):
        problems.append("ref must be lower-case letters, digits and hyphens, 80 characters or fewer")
    values: dict[str, Any] = {
        "name": _text(record, "name", problems, required=True),
        "description": _text(record, "description", problems),
    }
    kind_code = record.get("kind")
    values["kind"] = known.kinds.get(kind_code) if isinstance(kind_code, str) else None
    if kind_code not in (None, "") and values["kind"] is None:
        problems.append(f"kind: unknown commissioning_body_kind {kind_code!r}")
    code = _locality_code(record, problems)
    values["locality"] = known.localities.get(code) if code else None
    if code and values["locality"] is None:
        problems.append(f"locality: unknown ONS code {code!r}")
    domains = record.get("email_domains")
    if domains is not None and not isinstance(domains, (str, list)):
        problems.append("email_domains must be text or a list (it is not used)")
    return problems, {"ref": ref, **values}


# Writing -----------------------------------------------------------------------------------------------------------


def _snapshot(body: CommissioningBody) -> dict[str, Any]:
    return {
        "name": body.name,
        "description": body.description or "",
        "kind": body.kind.code if body.kind else None,
        "locality": body.locality.ons_code if body.locality else None,
    }


def _save(values: dict[str, Any], report: ImportReport) -> None:
    body = db.session.scalar(select(CommissioningBody).where(CommissioningBody.ref == values["ref"]))
    created = body is None
    if body is None:
        body = CommissioningBody(ref=values["ref"], is_listed=True)
        db.session.add(body)
    before = None if created else _snapshot(body)
    body.name, body.description = values["name"], values["description"]
    body.kind, body.locality = values["kind"], values["locality"]
    db.session.flush()
    after = _snapshot(body)
    if created:
        report.created += 1
        record_event("commissioning_body.imported", obj=body, summary=f"Imported body {body.ref}", after=after)
    elif before != after:
        report.updated += 1
        summary = f"Imported body {body.ref}"
        record_event("commissioning_body.imported", obj=body, summary=summary, before=before, after=after)
    else:
        report.unchanged += 1


def import_bodies(rows: list[tuple[str, Any]]) -> ImportReport:
    """Check every row, write the valid ones (created or updated by ``ref``) and commit once."""
    report = ImportReport()
    known = _Known()
    seen: set[str] = set()
    for where, record in rows:
        problems, values = check_body(record, known)
        named = isinstance(record, dict) and isinstance(record.get("ref"), str)
        label = f"{where} ({record['ref']})" if named else where
        if not problems and values["ref"] in seen:
            problems = [f"ref {values['ref']} is used by an earlier row in the file"]
        if problems:
            report.rejected.append((label, problems))
            continue
        seen.add(values["ref"])
        _save(values, report)
    db.session.commit()
    return report
