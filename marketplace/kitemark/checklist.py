"""The assessor's checklist (from the design brief) and the evidence snapshot an application is judged on.

The snapshot is plain JSON taken when the provider applies or resubmits: later edits to the profile never
change what the assessor reviews. Documents are recorded by id, name, type and SHA-256, so the review page can
open the very file that was submitted (and say so when it has since been replaced).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from marketplace.directory.evidence.services import accreditation_name
from marketplace.directory.models import EvidenceDocument, Organisation
from marketplace.directory.readiness import (
    accreditation_expired,
    lead_training_is_current,
    policy_is_current,
    readiness,
    safeguarding_review_due_on,
)


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    name: str
    guidance: str


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "safeguarding_policy",
        "Safeguarding policy current",
        "The policy document is uploaded, fit for purpose and was reviewed in the last 12 months.",
    ),
    ChecklistItem(
        "lead_trained",
        "Designated safeguarding lead trained",
        "A named lead whose safeguarding training was in the last 3 years.",
    ),
    ChecklistItem(
        "dbs_coverage",
        "DBS coverage",
        "Enhanced DBS checks for every member of staff and volunteer working with children.",
    ),
    ChecklistItem(
        "accreditations",
        "Accreditations valid and certificates viewed",
        "Each accreditation is in date, and you have opened its certificate.",
    ),
    ChecklistItem(
        "outcome_evidence",
        "Outcome evidence present",
        "Outcome statements are backed by impact evidence with a method and a result.",
    ),
    ChecklistItem(
        "governance",
        "Governance and finances",
        "The legal form and registration number check out, and governance and finances are sound.",
    ),
    ChecklistItem(
        "value_for_money",
        "Value for money",
        "Whether prices recover full costs is stated, with a credible unit cost or social return ratio.",
    ),
)
CHECKLIST_KEYS = tuple(item.key for item in CHECKLIST)
ITEM_NAMES = {item.key: item.name for item in CHECKLIST}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def document_entry(document: EvidenceDocument | None) -> dict[str, Any] | None:
    if document is None:
        return None
    return {
        "id": document.id,
        "filename": document.original_filename,
        "content_type": document.content_type,
        "sha256": document.sha256,
    }


def _safeguarding(organisation: Organisation, on: date) -> dict[str, Any] | None:
    record = organisation.safeguarding
    if record is None:
        return None
    return {
        "policy_reviewed_on": _iso(record.policy_reviewed_on),
        "review_due_on": _iso(safeguarding_review_due_on(record)),
        "policy_current": policy_is_current(record, on),
        "policy_document": document_entry(record.policy_document),
        "lead_name": record.lead_name,
        "lead_trained_on": _iso(record.lead_trained_on),
        "lead_training_current": lead_training_is_current(record, on),
        "dbs_coverage_percent": record.dbs_coverage_percent,
        "training": record.training,
        "reporting_procedure": record.reporting_procedure,
    }


def _accreditations(organisation: Organisation, on: date) -> list[dict[str, Any]]:
    return [
        {
            "name": accreditation_name(item),
            "reference": item.reference,
            "awarded_on": _iso(item.awarded_on),
            "expires_on": _iso(item.expires_on),
            "expired": accreditation_expired(item, on),
            "certificate": document_entry(item.certificate_document),
        }
        for item in organisation.accreditations
    ]


def _impact(organisation: Organisation) -> list[dict[str, Any]]:
    return [
        {
            "title": item.title,
            "kind": item.kind,
            "outcome": item.outcome.label if item.outcome else "",
            "method": item.method,
            "baseline": item.baseline,
            "result": item.result,
            "sample_size": item.sample_size,
            "period_start": _iso(item.period_start),
            "period_end": _iso(item.period_end),
            "document": document_entry(item.document),
        }
        for item in organisation.impact_evidence
    ]


def _outcomes(organisation: Organisation) -> list[dict[str, Any]]:
    return [
        {
            "outcome": item.outcome.label,
            "aims": [aim.label for aim in item.aims],
            "statement": item.statement,
            "evidence": [evidence.title for evidence in item.evidence],
        }
        for item in organisation.outcome_contributions
    ]


REGISTERS = {
    "charity": "Charity Commission (charity number)",
    "cic": "Companies House (company number)",
    "company": "Companies House (company number)",
}


def _governance(organisation: Organisation) -> dict[str, Any]:
    """How the organisation is run and held to account, then how to reach it: assessors judge the first."""
    legal_code = organisation.legal_form.code if organisation.legal_form else ""
    return {
        "name": organisation.name,
        "register": REGISTERS.get(legal_code, ""),
        "accountable": [member.name for member in organisation.members if member.is_org_admin and member.is_active],
        "team_size": len([member for member in organisation.members if member.is_active]),
        "organisation_type": organisation.organisation_type.label if organisation.organisation_type else "",
        "legal_form": organisation.legal_form.label if organisation.legal_form else "",
        "registration_number": organisation.registration_number,
        "address": organisation.address,
        "postcode": organisation.postcode,
        "website": organisation.website,
        "contact": " ".join(
            part for part in (organisation.contact_name, organisation.contact_email, organisation.contact_phone) if part
        ),
    }


def _value_for_money(organisation: Organisation) -> dict[str, Any]:
    ratio = organisation.social_return_ratio
    return {
        "full_cost_recovery": organisation.full_cost_recovery,
        "unit_cost_pence": organisation.unit_cost_pence,
        "unit_cost_basis": organisation.unit_cost_basis,
        "social_return_ratio": str(ratio) if ratio is not None else None,
        "added_value": organisation.added_value,
        "offers": [{"title": offer.title, "price_pence": offer.price_pence} for offer in organisation.offers],
    }


def take_snapshot(organisation: Organisation, on: date) -> dict[str, Any]:
    """The evidence as it stands on ``on``, as plain JSON."""
    return {
        "taken_on": on.isoformat(),
        "governance": _governance(organisation),
        "safeguarding": _safeguarding(organisation, on),
        "accreditations": _accreditations(organisation, on),
        "impact_evidence": _impact(organisation),
        "outcomes": _outcomes(organisation),
        "value_for_money": _value_for_money(organisation),
        "readiness": [
            {"key": item.key, "name": item.name, "done": item.done, "missing": item.missing}
            for item in readiness(organisation, on)
        ],
    }


def _document_entries(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    entries = [(snapshot.get("safeguarding") or {}).get("policy_document")]
    entries += [item.get("certificate") for item in snapshot.get("accreditations", [])]
    entries += [item.get("document") for item in snapshot.get("impact_evidence", [])]
    return [entry for entry in entries if entry]


def snapshot_document(snapshot: dict[str, Any], document_id: int) -> dict[str, Any] | None:
    """The snapshot's entry for a document (the only documents its review page may open), or None."""
    return next((entry for entry in _document_entries(snapshot) if entry["id"] == document_id), None)
