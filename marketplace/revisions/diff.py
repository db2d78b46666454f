"""What a proposed change would change: the values to apply later, and each field before → after in words.

Only fields whose value differs from the live record are kept, so a save that changes nothing material makes no
revision. Values are stored as JSON (dates as ISO strings) and turned back with :func:`restore` on approval.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from marketplace.core.clock import long_date
from marketplace.directory.evidence.services import ACCREDITATION_FIELDS, SAFEGUARDING_FIELDS, SAFEGUARDING_LABELS
from marketplace.directory.models import Accreditation, EvidenceDocument, Organisation, SafeguardingRecord
from marketplace.extensions import db
from marketplace.reference.models import Term

DATE_FIELDS = frozenset({"policy_reviewed_on", "lead_trained_on", "awarded_on", "expires_on"})
TERM_FIELDS = frozenset({"legal_form_id", "scheme_id"})
BASICS_LABELS = {
    "name": "Organisation name",
    "legal_form_id": "Legal form",
    "registration_number": "Charity or company registration number",
}
ACCREDITATION_LABELS = {
    "scheme_id": "Scheme",
    "scheme_other_name": "Scheme name",
    "reference": "Reference",
    "awarded_on": "Awarded on",
    "expires_on": "Expires on",
}
NOT_GIVEN = "Not given"


def _label(name: str) -> str:
    text = SAFEGUARDING_LABELS.get(name, name.replace("_", " "))
    return text[0].upper() + text[1:]


LABELS = {**{name: _label(name) for name in SAFEGUARDING_FIELDS}, **BASICS_LABELS, **ACCREDITATION_LABELS}


def plain(value: Any) -> Any:
    """A value as JSON keeps it (dates as ISO strings, text stripped)."""
    if isinstance(value, date):
        return value.isoformat()
    return value.strip() if isinstance(value, str) else value


def restore(name: str, value: Any) -> Any:
    """A stored value back as the record holds it."""
    return date.fromisoformat(value) if name in DATE_FIELDS and value else value


def shown(name: str, value: Any) -> str:
    """A value in words for the before → after table."""
    if value is None or value == "":
        return NOT_GIVEN
    if name in DATE_FIELDS:
        return long_date(restore(name, value))
    if name in TERM_FIELDS:
        term = db.session.get(Term, value)
        return term.label if term is not None else NOT_GIVEN
    if name == "dbs_coverage_percent":
        return f"{value}%"
    return str(value)


def _document_name(document: EvidenceDocument | None) -> str:
    return document.original_filename if document is not None else NOT_GIVEN


def changed_values(live: Any, names: tuple[str, ...], data: dict[str, Any]) -> dict[str, Any]:
    """The proposed values (as JSON) that differ from ``live`` (None when there is no live record yet)."""
    proposed = {}
    for name in names:
        if name not in data:
            continue
        value = plain(data[name])
        if live is None or value != plain(getattr(live, name)):
            proposed[name] = value
    return proposed


def change_rows(live: Any, proposed: dict[str, Any]) -> list[dict[str, str]]:
    """Each proposed field with its label, the live value and the proposed one, in words."""
    return [
        {
            "field": name,
            "label": LABELS.get(name, name),
            "before": shown(name, plain(getattr(live, name))) if live is not None else NOT_GIVEN,
            "after": shown(name, value),
        }
        for name, value in proposed.items()
    ]


def document_row(label: str, old: EvidenceDocument | None, new: EvidenceDocument) -> dict[str, str]:
    return {"field": "document", "label": label, "before": _document_name(old), "after": new.original_filename}


def basics_changes(organisation: Organisation, proposed: dict[str, Any]) -> list[dict[str, str]]:
    return change_rows(organisation, proposed)


def safeguarding_proposal(record: SafeguardingRecord | None, data: dict[str, Any]) -> dict[str, Any]:
    return changed_values(record, SAFEGUARDING_FIELDS, data)


def accreditation_proposal(accreditation: Accreditation | None, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    scheme = db.session.get(Term, data.get("scheme_id")) if data.get("scheme_id") else None
    if scheme is None or scheme.code != "other":
        data["scheme_other_name"] = ""
    proposed = changed_values(accreditation, ACCREDITATION_FIELDS, data)
    if accreditation is None:  # a new accreditation: nothing blank to show
        proposed = {name: value for name, value in proposed.items() if value not in (None, "")}
    return proposed


def deletion_rows(accreditation: Accreditation) -> list[dict[str, str]]:
    """Removing an accreditation: every field goes from its value to nothing."""
    return [
        {
            "field": name,
            "label": LABELS[name],
            "before": shown(name, plain(getattr(accreditation, name))),
            "after": "Removed",
        }
        for name in ACCREDITATION_FIELDS
        if getattr(accreditation, name) not in (None, "")
    ]
