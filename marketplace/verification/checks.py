"""What the assessor checks, and which items a rule can judge before anyone looks.

Dates are rules (the same ones as the readiness checklist, from ``directory.readiness``): a policy past its
review date, a lead's training more than 3 years old, or a missing policy document fail without an assessor's
judgement, so such an item is pre-assessed "not met" and cannot be marked met. Whether the policy is fit for
purpose and the vetting practice sound is the assessor's judgement, made beside the record and its document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from marketplace.core.clock import long_date
from marketplace.directory.models import SafeguardingRecord
from marketplace.directory.readiness import (
    LEAD_TRAINING_YEARS,
    lead_training_is_current,
    policy_is_current,
    safeguarding_review_due_on,
)
from marketplace.kitemark.checklist import document_entry


@dataclass(frozen=True)
class Item:
    key: str
    name: str
    guidance: str


ITEMS: tuple[Item, ...] = (
    Item(
        "policy",
        "Safeguarding policy current",
        "The policy was reviewed in the last 12 months and its review date has not passed.",
    ),
    Item(
        "lead_training",
        "Designated lead trained",
        f"A named designated safeguarding lead whose training was in the last {LEAD_TRAINING_YEARS} years.",
    ),
    Item(
        "vetting",
        "DBS checks and vetting practice",
        "Enhanced DBS checks for staff and volunteers in regulated activity, safer recruitment and a reporting "
        "procedure that sends concerns to the local authority.",
    ),
    Item(
        "documents",
        "Policy document opened and fit for purpose",
        "You have opened the policy document: it is this organisation's, current, and covers children.",
    ),
)
ITEM_KEYS = tuple(item.key for item in ITEMS)
ITEM_NAMES = {item.key: item.name for item in ITEMS}


@dataclass(frozen=True)
class PreAssessment:
    """A rule's finding on an item: ``met`` False means it fails whatever the assessor thinks."""

    met: bool
    finding: str


def _policy(record: SafeguardingRecord, on: date) -> PreAssessment | None:
    due = safeguarding_review_due_on(record)
    if due is None:
        return PreAssessment(False, "No policy review date is recorded.")
    if not policy_is_current(record, on):
        return PreAssessment(False, f"The policy's review date, {long_date(due)}, has passed.")
    return PreAssessment(True, f"Reviewed {long_date(record.policy_reviewed_on)}; review due {long_date(due)}.")


def _lead_training(record: SafeguardingRecord, on: date) -> PreAssessment | None:
    if record.lead_trained_on is None or not record.lead_name:
        return PreAssessment(False, "No designated lead or training date is recorded.")
    if not lead_training_is_current(record, on):
        return PreAssessment(
            False, f"Training on {long_date(record.lead_trained_on)} is more than {LEAD_TRAINING_YEARS} years old."
        )
    return PreAssessment(True, f"{record.lead_name}, trained {long_date(record.lead_trained_on)}.")


def _documents(record: SafeguardingRecord, on: date) -> PreAssessment | None:
    if record.policy_document is None:
        return PreAssessment(False, "No policy document is uploaded.")
    return None  # only a person can judge the document itself


RULES = {"policy": _policy, "lead_training": _lead_training, "documents": _documents}


def pre_assess(record: SafeguardingRecord | None, on: date) -> dict[str, PreAssessment]:
    """The rule findings for the items a rule can judge (missing keys are the assessor's alone)."""
    if record is None:
        return {key: PreAssessment(False, "There is no safeguarding record.") for key in ITEM_KEYS}
    found = {key: rule(record, on) for key, rule in RULES.items()}
    return {key: value for key, value in found.items() if value is not None}


def failed_by_rule(record: SafeguardingRecord | None, on: date) -> dict[str, str]:
    """Items a rule fails, with the finding: none of them may be marked met."""
    return {key: found.finding for key, found in pre_assess(record, on).items() if not found.met}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def take_snapshot(record: SafeguardingRecord) -> dict[str, Any]:
    """The record as decided, as plain JSON (the document by name and SHA-256)."""
    return {
        "policy_reviewed_on": _iso(record.policy_reviewed_on),
        "review_due_on": _iso(safeguarding_review_due_on(record)),
        "policy_document": document_entry(record.policy_document),
        "lead_name": record.lead_name,
        "lead_trained_on": _iso(record.lead_trained_on),
        "dbs_coverage_percent": record.dbs_coverage_percent,
        "training": record.training,
        "reporting_procedure": record.reporting_procedure,
    }
