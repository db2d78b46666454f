"""``flask kitemark import-register``: an assessor loads an existing accredited list as their own decisions.

A council or the Arts Council may already keep a list of providers it has kitemarked or whose safeguarding it has
checked. Loading it must not be a back door: every accepted row goes through the same services an assessor uses
on the pages (the kitemark room's open → assign → declare no conflict → award, or the verification room's
request → assign → declare no conflict → verify), recorded and audited as the named assessor's decision, with
the same rules (no assessor decides for their own organisation, a safeguarding policy past its review date or
training older than three years cannot be verified). Every refused row is listed with its row number and a
plain reason, and loading the same file again records nothing twice.

The format (a CSV file with a header row, or JSON: a list of objects or ``{"records": [...]}``):

- ``organisation_ref`` (required): the organisation's ref in this directory.
- ``scheme`` (required): ``kitemark`` (the award, which verifies safeguarding too, as every award does) or
  ``safeguarding`` (safeguarding verification only).
- ``decision_date`` (required): the day the register decided, ``YYYY-MM-DD``; not in the future.
- ``expires_on``: required for ``kitemark`` (after the decision date and not already past); not used for
  ``safeguarding``, whose verification runs until the policy's review date.
- ``safeguarding_verified_on``: the day the register checked safeguarding (kept in the decision's reasons).

This lives in the verification package because a row may need either room's services, and verification may
import the kitemark room but not the reverse; the command joins the ``flask kitemark`` group all the same.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.core.clock import long_date, today
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation
from marketplace.directory.readiness import policy_is_current
from marketplace.extensions import db
from marketplace.kitemark import services as kitemark_services
from marketplace.kitemark.assessing import assessor_problem
from marketplace.kitemark.checklist import CHECKLIST_KEYS
from marketplace.kitemark.models import Decision as KitemarkDecision
from marketplace.kitemark.models import Kitemark, KitemarkStatus
from marketplace.verification import services as verification_services
from marketplace.verification.checks import ITEM_KEYS, failed_by_rule

COLUMNS = ("organisation_ref", "scheme", "decision_date", "expires_on", "safeguarding_verified_on")
REQUIRED = COLUMNS[:3]
KITEMARK, SAFEGUARDING = "kitemark", "safeguarding"
SCHEMES = (KITEMARK, SAFEGUARDING)
MAX_ROWS = 5000


class RegisterError(Exception):
    """The whole file is refused (unreadable, wrong columns, or the named person is not an assessor)."""


@dataclass(frozen=True)
class RegisterRow:
    """A row that passed every check: what will be recorded."""

    number: int
    organisation: Organisation
    scheme: str
    decided_on: date
    expires_on: date | None
    verified_on: date | None

    def describe(self) -> str:
        if self.scheme == KITEMARK:
            return (
                f"{self.organisation.name}: kitemark from {long_date(self.decided_on)} to {long_date(self.expires_on)}"
            )
        return f"{self.organisation.name}: safeguarding verified on {long_date(self.verified_on or self.decided_on)}"


@dataclass
class RegisterReport:
    dry_run: bool = False
    recorded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would be recorded (dry run: nothing saved)" if self.dry_run else "recorded"
        lines = [f"{len(self.recorded)} row(s) {verb}", *(f"  {line}" for line in self.recorded)]
        lines += [f"{len(self.unchanged)} row(s) already recorded", *(f"  {line}" for line in self.unchanged)]
        lines += [f"{len(self.refused)} row(s) refused", *(f"  {line}" for line in self.refused)]
        return lines


class _Refused(Exception):
    """One row's plain reason for refusal."""


class _Unchanged(Exception):
    """The row is already recorded: loading the file again changes nothing."""


# --- Reading the file --------------------------------------------------------------------------------------------


def read_register(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The file's rows with their numbers (the spreadsheet row for CSV, counting the header; from 1 for JSON)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RegisterError(f"Cannot read {path.name}: {error}") from error
    rows = _json_rows(text) if path.suffix.lower() == ".json" else _csv_rows(text)
    if len(rows) > MAX_ROWS:
        raise RegisterError(f"The file has {len(rows)} rows: load at most {MAX_ROWS} at a time")
    return rows


def _json_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RegisterError(f"The file is not valid JSON: {error}") from error
    records = data.get("records") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise RegisterError('The JSON must be a list of records or {"records": [...]}')
    return [(number, record) for number, record in enumerate(records, start=1)]


def _csv_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        problems = [f"missing {', '.join(missing)}"] if missing else []
        problems += [f"unknown {', '.join(unknown)}"] if unknown else []
        raise RegisterError(f"The CSV header must use the columns {', '.join(COLUMNS)} ({'; '.join(problems)})")
    reader.fieldnames = header
    rows = []
    for record in reader:
        if any((value or "").strip() for value in record.values() if isinstance(value, str)):
            rows.append((reader.line_num, record))
    return rows


# --- Checking a row ----------------------------------------------------------------------------------------------


def _text(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    return "" if value is None else str(value).strip()


def _date(record: dict[str, Any], name: str) -> date | None:
    value = _text(record, name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Refused(f"{name} “{value}” is not a date: write it as YYYY-MM-DD") from None


def _organisation(ref: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.ref == ref))
    if organisation is None:
        raise _Refused(f"unknown organisation “{ref}”")
    return organisation


def _parse(number: int, record: Any) -> RegisterRow:
    if not isinstance(record, dict):
        raise _Refused("each record must be an object with the register's columns")
    unknown = sorted(str(key) for key in record if key not in COLUMNS)
    if unknown:
        raise _Refused(f"unknown field {', '.join(unknown)}")
    missing = [name for name in REQUIRED if not _text(record, name)]
    if missing:
        raise _Refused(f"{', '.join(missing)} missing")
    scheme = _text(record, "scheme").lower()
    if scheme not in SCHEMES:
        raise _Refused(f"unknown scheme “{_text(record, 'scheme')}”: use kitemark or safeguarding")
    decided_on, expires_on = _date(record, "decision_date"), _date(record, "expires_on")
    verified_on = _date(record, "safeguarding_verified_on")
    organisation = _organisation(_text(record, "organisation_ref"))
    return RegisterRow(number, organisation, scheme, decided_on, expires_on, verified_on)


def _check_dates(row: RegisterRow, on: date) -> None:
    if row.decided_on > on:
        raise _Refused(f"decision_date {long_date(row.decided_on)} is in the future")
    if row.verified_on is not None and row.verified_on > on:
        raise _Refused(f"safeguarding_verified_on {long_date(row.verified_on)} is in the future")
    if row.scheme != KITEMARK:
        return
    if row.expires_on is None:
        raise _Refused("expires_on missing: a kitemark row needs its expiry date")
    if row.expires_on <= row.decided_on:
        raise _Refused("expires_on is not after decision_date")
    if row.expires_on < on:
        raise _Refused(f"the kitemark expired on {long_date(row.expires_on)}: there is nothing in force to record")


def _check_safeguarding(organisation: Organisation, on: date) -> None:
    """The rules an assessor on the pages cannot overrule hold here too."""
    record = organisation.safeguarding
    if record is None:
        raise _Refused(f"{organisation.name} has no safeguarding record here to verify")
    failed = failed_by_rule(record, on)
    if failed or not policy_is_current(record, on):
        findings = "; ".join(failed.values()) or "the safeguarding policy is past its review date"
        raise _Refused(f"{organisation.name}'s safeguarding record cannot be verified: {findings}")


def _check_kitemark_state(organisation: Organisation, row: RegisterRow) -> None:
    same = select(Kitemark.id).where(
        Kitemark.organisation_id == organisation.id,
        Kitemark.awarded_on == row.decided_on,
        Kitemark.expires_on == row.expires_on,
    )
    if db.session.scalar(same.limit(1)) is not None:
        raise _Unchanged
    latest = kitemark_services.latest_kitemark(organisation)
    if latest is not None and latest.status == KitemarkStatus.SUSPENDED:
        raise _Refused(f"the kitemark of {organisation.name} is suspended: reinstate it from its kitemark page")
    if kitemark_services.open_application(organisation) is not None:
        raise _Refused(f"{organisation.name} has an open kitemark application: decide it in the queue")


def _check_state(row: RegisterRow, assessor: User, on: date) -> None:
    organisation = row.organisation
    problem = assessor_problem(assessor, organisation, "record its register entry")
    if problem:
        raise _Refused(problem)
    if row.scheme == KITEMARK:
        _check_kitemark_state(organisation, row)
    elif organisation.safeguarding is not None and organisation.safeguarding.verified_at is not None:
        raise _Unchanged
    _check_safeguarding(organisation, on)


# --- Recording a row through the assessors' services ---------------------------------------------------------------


def _reasons(row: RegisterRow, register: str) -> str:
    reasons = f"Recorded from the register {register} (row {row.number}): decided on {long_date(row.decided_on)}."
    if row.verified_on is not None:
        reasons += f" Safeguarding verified by the register on {long_date(row.verified_on)}."
    return reasons


def _record_kitemark(row: RegisterRow, assessor: User, register: str) -> None:
    reasons = _reasons(row, register)
    application = kitemark_services.open_register_application(row.organisation, assessor=assessor, register=register)
    kitemark_services.assign_application(application, assessor=assessor, by=assessor)
    kitemark_services.declare_no_conflict(application, assessor=assessor)
    kitemark_services.decide_application(
        application,
        assessor=assessor,
        results={key: kitemark_services.CheckResult(True, reasons) for key in CHECKLIST_KEYS},
        decision=KitemarkDecision.AWARD,
        reasons=reasons,
        awarded_on=row.decided_on,
        expires_on=row.expires_on,
    )


def _record_verification(row: RegisterRow, assessor: User, register: str) -> None:
    reasons = _reasons(row, register)
    verification = verification_services.open_register_verification(
        row.organisation, assessor=assessor, register=register
    )
    verification_services.assign_verification(verification, assessor=assessor, by=assessor)
    verification_services.declare_no_conflict(verification, assessor=assessor)
    verification_services.decide_verification(
        verification,
        assessor=assessor,
        results={key: verification_services.ItemResult(True, reasons) for key in ITEM_KEYS},
        decision=verification_services.Decision.VERIFIED,
        reasons=reasons,
    )


def _record(row: RegisterRow, assessor: User, register: str) -> None:
    try:
        (_record_kitemark if row.scheme == KITEMARK else _record_verification)(row, assessor, register)
    except (kitemark_services.KitemarkError, verification_services.VerificationError) as error:
        db.session.rollback()
        raise _Refused(error.message) from error


# --- The import ----------------------------------------------------------------------------------------------------


def register_assessor(email: str) -> User:
    """The active assessor the rows are recorded against (the whole file is refused for anyone else)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or user.role_enum is not Role.ASSESSOR or not user.is_active:
        raise RegisterError(f"{email} is not an active assessor: only an assessor can record register decisions")
    return user


def _take(number: int, record: Any, assessor: User, seen: dict[tuple[str, str], int], on: date) -> RegisterRow:
    row = _parse(number, record)
    key = (row.organisation.ref, row.scheme)
    if key in seen:
        raise _Refused(f"duplicate of row {seen[key]} ({row.scheme} for {row.organisation.ref})")
    seen[key] = number
    _check_dates(row, on)
    _check_state(row, assessor, on)
    return row


def import_register(path: Path, *, assessor_email: str, dry_run: bool = False) -> RegisterReport:
    """Check every row, then record each accepted one as ``assessor_email``'s decision (nothing with ``dry_run``)."""
    assessor = register_assessor(assessor_email)
    rows, on, report = read_register(path), today(), RegisterReport(dry_run=dry_run)
    seen: dict[tuple[str, str], int] = {}
    for number, record in rows:
        try:
            row = _take(number, record, assessor, seen, on)
            if not dry_run:
                _record(row, assessor, path.name)
        except _Refused as refusal:
            report.refused.append(f"row {number}: {refusal}")
        except _Unchanged:
            report.unchanged.append(f"row {number}: already recorded")
        else:
            report.recorded.append(f"row {number}: {row.describe()}")
    return report
