"""Import needs from JSON (``flask commissioning import-needs`` and the demo loader).

The format is described in ``docs/needs-interchange.md``: ``{"needs": [{ref, body, title, …}]}``. Every record
is checked in full and each rejected record is reported with all its reasons; valid records are created or
updated by their stable ``ref`` (collections are replaced), so importing the same file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from marketplace.audit.services import record_event
from marketplace.commissioning.frameworks.services import all_outcomes
from marketplace.commissioning.models import CommissioningBody, Need, NeedStatus, OutcomesFramework
from marketplace.commissioning.needs.services import (
    NeedDetails,
    apply_details,
    mark_open,
    publication_problems,
    snapshot,
)
from marketplace.core.clock import today
from marketplace.core.refs import is_ref
from marketplace.extensions import db
from marketplace.reference.models import Locality
from marketplace.reference.services import terms_by_code

TEXT_LIMITS = {"title": 200, "summary": 500, "description": 10000}
MAX_BUDGET_PENCE = 10_000_000_000  # £100 million
STATUSES = (NeedStatus.DRAFT, NeedStatus.OPEN)
# record key → (vocabulary, relationship)
TERM_LISTS = {
    "target_groups": "target_group",
    "outcomes": "ecm_outcome",
    "aims": "ecm_aim",
    "indicators": "national_indicator",
    "problem_areas": "problem_area",
}
TERM_SINGLES = {
    "level": ("commissioning_level", "level_id"),
    "kind": ("need_kind", "kind_id"),
    "service_area": ("service_area", "service_area_id"),
}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {len(self.rejected)} rejected" if self.rejected else "")


class Vocab:
    """Codes known to the importer, looked up once per import."""

    def __init__(self) -> None:
        self.terms = {
            key: terms_by_code(key)
            for key in {*TERM_LISTS.values(), *(vocab for vocab, _ in TERM_SINGLES.values()), "accreditation_scheme"}
        }
        self.localities = {loc.ons_code: loc for loc in db.session.scalars(select(Locality))}
        self.bodies = {body.ref: body for body in db.session.scalars(select(CommissioningBody)) if body.ref}


def import_needs(data: dict[str, Any]) -> ImportReport:
    """Import the needs in ``data`` (``{"needs": [...]}``). Commits valid records; reports rejected ones."""
    report = ImportReport()
    records = data.get("needs") if isinstance(data, dict) else None
    if not isinstance(records, list):
        report.rejected.append(("file", ['The file must hold {"needs": [ … ]}']))
        return report
    vocab = Vocab()
    seen: set[str] = set()
    for index, record in enumerate(records):
        label = f"needs[{index}]"
        if isinstance(record, dict) and isinstance(record.get("ref"), str):
            label = f"{label} ({record['ref']})"
        problems, parsed = check_record(record, vocab)
        if not problems and parsed["ref"] in seen:
            problems = [f"ref {parsed['ref']} is used by an earlier record in the file"]
        if problems:
            report.rejected.append((label, problems))
            continue
        seen.add(parsed["ref"])
        _save(parsed, report)
    db.session.commit()
    return report


# Checking a record -------------------------------------------------------------------------------------------


def check_record(record: Any, vocab: Vocab) -> tuple[list[str], dict[str, Any]]:
    """All the problems of one record, and (when there are none) its parsed values."""
    if not isinstance(record, dict):
        return ["each need must be a JSON object"], {}
    problems: list[str] = []
    parsed: dict[str, Any] = {"links": {}}
    _check_identity(record, vocab, problems, parsed)
    _check_texts(record, problems, parsed)
    _check_terms(record, vocab, problems, parsed)
    _check_numbers(record, problems, parsed)
    _check_dates(record, problems, parsed)
    _check_requirements(record.get("requirements", {}), vocab, problems, parsed)
    if parsed.get("body") is not None:
        _check_framework_outcomes(record.get("framework_outcomes", []), parsed["body"], problems, parsed)
    if not problems and parsed["status"] == NeedStatus.OPEN:
        problems.extend(_open_problems(parsed, vocab))
    return problems, parsed


def _check_identity(record: dict, vocab: Vocab, problems: list[str], parsed: dict) -> None:
    ref = record.get("ref")
    if not is_ref(ref):
        problems.append("ref must be lower-case letters, digits and hyphens, 80 characters or fewer")
    parsed["ref"] = ref
    body_ref = record.get("body")
    parsed["body"] = vocab.bodies.get(body_ref) if isinstance(body_ref, str) else None
    if parsed["body"] is None:
        problems.append(
            f"body {body_ref!r} is not a known commissioning body ref: "
            "import the bodies first with `flask commissioning import-bodies`"
        )
    status = record.get("status", NeedStatus.DRAFT)
    if status not in STATUSES:
        problems.append(f"status must be draft or open, not {status!r}")
    parsed["status"] = status


def _check_texts(record: dict, problems: list[str], parsed: dict) -> None:
    for name, limit in TEXT_LIMITS.items():
        value = record.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems.append(f"{name} must be text")
            value = ""
        value = value.strip()
        if name == "title" and not value:
            problems.append("title is missing")
        if len(value) > limit:
            problems.append(f"{name} must be {limit:,} characters or fewer (it has {len(value):,})")
        parsed[name] = value


def _codes(value: Any, name: str, known: dict, problems: list[str]) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        problems.append(f"{name} must be a list of codes")
        return []
    unknown = [code for code in value if code not in known]
    if unknown:
        problems.append(f"{name}: unknown code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    return [known[code] for code in dict.fromkeys(value) if code in known]


def _check_terms(record: dict, vocab: Vocab, problems: list[str], parsed: dict) -> None:
    for name, (vocabulary, column) in TERM_SINGLES.items():
        code = record.get(name)
        term = vocab.terms[vocabulary].get(code) if isinstance(code, str) else None
        if code not in (None, "") and term is None:
            problems.append(f"{name}: unknown code {code!r}")
        parsed[column] = term.id if term else None
    for name, vocabulary in TERM_LISTS.items():
        terms = _codes(record.get(name), name, vocab.terms[vocabulary], problems)
        parsed["links"][name] = [term.id for term in terms]
        parsed[f"_{name}"] = terms
    localities = _codes(record.get("localities"), "localities (ONS codes)", vocab.localities, problems)
    parsed["links"]["localities"] = [locality.id for locality in localities]
    outcome_ids = set(parsed["links"]["outcomes"])
    stray = [aim.code for aim in parsed["_aims"] if aim.parent_id not in outcome_ids]
    if stray:
        problems.append(f"aims {', '.join(stray)} do not belong to the need's outcomes")


def _integer(record: dict, name: str, minimum: int, maximum: int, problems: list[str]) -> int | None:
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        problems.append(f"{name} must be a whole number from {minimum:,} to {maximum:,}")
        return None
    return value


def _check_numbers(record: dict, problems: list[str], parsed: dict) -> None:
    for low, high, limit in (("age_min", "age_max", 120), ("budget_min_pence", "budget_max_pence", MAX_BUDGET_PENCE)):
        parsed[low] = _integer(record, low, 0, limit, problems)
        parsed[high] = _integer(record, high, 0, limit, problems)
        if None not in (parsed[low], parsed[high]) and parsed[low] > parsed[high]:
            problems.append(f"{low} must not be more than {high}")


def _date(record: dict, name: str, problems: list[str]) -> date | None:
    value = record.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad_date()
    except ValueError:
        problems.append(f"{name} must be a date like 2027-02-15, not {value!r}")
        return None


def _bad_date() -> date:
    raise ValueError("not an ISO date")


def _check_dates(record: dict, problems: list[str], parsed: dict) -> None:
    parsed["contract_start"] = _date(record, "contract_start", problems)
    parsed["contract_end"] = _date(record, "contract_end", problems)
    parsed["response_deadline"] = _date(record, "deadline", problems)
    if None not in (parsed["contract_start"], parsed["contract_end"]) and (
        parsed["contract_end"] <= parsed["contract_start"]
    ):
        problems.append("contract_end must be after contract_start")


def _check_requirements(value: Any, vocab: Vocab, problems: list[str], parsed: dict) -> None:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        problems.append("requirements must be an object")
        value = {}
    for key, column, default in (
        ("safeguarding_verified", "requires_safeguarding_verified", False),
        ("kitemark", "requires_kitemark", False),
        ("consortium_welcome", "consortium_welcome", True),
        ("localities_required", "localities_required", False),
    ):
        flag = value.get(key, default)
        if not isinstance(flag, bool):
            problems.append(f"requirements.{key} must be true or false")
        parsed[column] = bool(flag)
    code = value.get("accreditation")
    scheme = vocab.terms["accreditation_scheme"].get(code) if isinstance(code, str) else None
    if code not in (None, "") and scheme is None:
        problems.append(f"requirements.accreditation: unknown accreditation scheme {code!r}")
    parsed["required_accreditation_id"] = scheme.id if scheme else None


def _check_framework_outcomes(value: Any, body: CommissioningBody, problems: list[str], parsed: dict) -> None:
    frameworks = db.session.scalars(select(OutcomesFramework).where(OutcomesFramework.body_id == body.id))
    known: dict[str, Any] = {}
    for framework in frameworks:
        for outcome in all_outcomes(framework):
            known.setdefault(outcome.code, outcome)
    outcomes = _codes(value, f"framework_outcomes (of {body.ref}'s frameworks)", known, problems)
    parsed["links"]["framework_outcomes"] = [outcome.id for outcome in outcomes]


def _open_problems(parsed: dict, vocab: Vocab) -> list[str]:
    """An "open" record must be publishable: complete, with a deadline in the future."""
    if parsed["response_deadline"] is not None and parsed["response_deadline"] <= today():
        return [f"the deadline {parsed['response_deadline'].isoformat()} has passed, so the need cannot be open"]
    probe = Need(
        title=parsed["title"],
        summary=parsed["summary"],
        kind_id=parsed["kind_id"],
        service_area_id=parsed["service_area_id"],
        response_deadline=parsed["response_deadline"],
    )
    probe.localities = [
        locality for locality in vocab.localities.values() if locality.id in set(parsed["links"]["localities"])
    ]
    return [f"the need cannot be open: {problem}" for problem in publication_problems(probe)]


# Saving ------------------------------------------------------------------------------------------------------


def _details(parsed: dict) -> NeedDetails:
    names = NeedDetails.__dataclass_fields__.keys() - {"links"}
    links = {
        relation: parsed["links"].get(relation, []) for relation in ("localities", *TERM_LISTS, "framework_outcomes")
    }
    return NeedDetails(**{name: parsed[name] for name in names}, links=links)


def _save(parsed: dict, report: ImportReport) -> None:
    need = db.session.scalar(select(Need).where(Need.ref == parsed["ref"]))
    problems = _existing_problems(need, parsed)
    if problems:
        report.rejected.append((parsed["ref"], problems))
        return
    created = need is None
    if created:
        need = Need(ref=parsed["ref"], body=parsed["body"], status=NeedStatus.DRAFT)
        db.session.add(need)
    before = None if created else snapshot(need)
    details = _details(parsed)
    details.links["framework_measures"] = [m.id for m in need.framework_measures] if not created else []
    apply_details(need, details)
    if parsed["status"] == NeedStatus.OPEN and need.status == NeedStatus.DRAFT:
        mark_open(need)
    db.session.flush()
    after = snapshot(need)
    if created:
        report.created += 1
        record_event("need.created", obj=need, summary=f"Imported need {need.ref}", after=after)
    elif before != after:
        report.updated += 1
        record_event("need.updated", obj=need, summary=f"Imported need {need.ref}", before=before, after=after)
    else:
        report.unchanged += 1
    if (before or {}).get("status") != after["status"] and after["status"] == NeedStatus.OPEN:
        record_event("need.published", obj=need, summary=f"Imported need {need.ref} as open")


def _existing_problems(need: Need | None, parsed: dict) -> list[str]:
    if need is None:
        return []
    if need.body_id != parsed["body"].id:
        return [f"ref {need.ref} belongs to a need of another commissioning body"]
    if need.status not in STATUSES:
        return [f"the need is {need.status}; only draft and open needs can be changed"]
    if need.status == NeedStatus.OPEN and parsed["status"] == NeedStatus.DRAFT:
        return ["the need is already open and cannot be made a draft again"]
    return []
