"""The readiness checklist: what commissioners look for in a provider, and what this one is missing.

The date rules live here so the dashboard, the profile page and the reminders agree:

- a safeguarding policy is current until 12 months after its last review (the review is due on that day);
- a designated safeguarding lead's training counts for 3 years;
- an accreditation is valid up to and including its expiry date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marketplace.core.clock import add_years, long_date, today
from marketplace.directory.models import Accreditation, Organisation, OrganisationStatus, SafeguardingRecord

POLICY_REVIEW_YEARS = 1
LEAD_TRAINING_YEARS = 3


def safeguarding_review_due_on(record: SafeguardingRecord | None) -> date | None:
    if record is None or record.policy_reviewed_on is None:
        return None
    return add_years(record.policy_reviewed_on, POLICY_REVIEW_YEARS)


def policy_is_current(record: SafeguardingRecord | None, on: date) -> bool:
    due = safeguarding_review_due_on(record)
    return due is not None and on <= due


def lead_training_is_current(record: SafeguardingRecord | None, on: date) -> bool:
    if record is None or record.lead_trained_on is None:
        return False
    return on <= add_years(record.lead_trained_on, LEAD_TRAINING_YEARS)


def accreditation_expired(accreditation: Accreditation, on: date) -> bool:
    return accreditation.expires_on is not None and accreditation.expires_on < on


def has_value_for_money(organisation: Organisation) -> bool:
    """Whether prices cover full costs is stated, with a unit cost or a social return ratio."""
    return organisation.full_cost_recovery is not None and (
        organisation.unit_cost_pence is not None or organisation.social_return_ratio is not None
    )


@dataclass(frozen=True)
class ReadinessItem:
    """One thing commissioners look for: whether it is done, and if not, what is missing and where to fix it."""

    key: str
    name: str
    done: bool
    looks_for: str
    missing: str
    fix_endpoint: str
    fix_args: dict[str, Any] = field(default_factory=dict)


def _published(organisation: Organisation, on: date) -> ReadinessItem:
    if organisation.status == OrganisationStatus.SUSPENDED:
        missing = "Your organisation is suspended, so commissioners cannot see it."
    else:
        missing = "Your profile is a draft: only your team can see it. Complete the basic details and publish it."
    return ReadinessItem(
        "published",
        "Published profile",
        organisation.is_published,
        "A published profile, so commissioners can find you in the directory.",
        "" if organisation.is_published else missing,
        "directory.profile",
    )


def _safeguarding_policy(organisation: Organisation, on: date) -> ReadinessItem:
    record = organisation.safeguarding
    current = policy_is_current(record, on)
    has_document = record is not None and record.policy_document_id is not None
    if record is None or record.policy_reviewed_on is None:
        missing = "Add your safeguarding policy and the date it was last reviewed."
    elif not current:
        missing = (
            f"Your policy was last reviewed on {long_date(record.policy_reviewed_on)}: review it and record the date."
        )
    elif not has_document:
        missing = "Upload your safeguarding policy document."
    else:
        missing = ""
    return ReadinessItem(
        "safeguarding_policy",
        "Current safeguarding policy",
        current and has_document,
        "A safeguarding policy reviewed in the last 12 months, with the policy document uploaded.",
        missing,
        "evidence.index",
    )


def _lead_trained(organisation: Organisation, on: date) -> ReadinessItem:
    record = organisation.safeguarding
    done = lead_training_is_current(record, on)
    if record is None or record.lead_trained_on is None:
        missing = "Record your designated safeguarding lead and when they were last trained."
    elif not done:
        missing = f"Your lead's training on {long_date(record.lead_trained_on)} is more than 3 years old."
    else:
        missing = ""
    return ReadinessItem(
        "lead_trained",
        "Designated safeguarding lead trained",
        done,
        "A designated safeguarding lead whose safeguarding training was in the last 3 years.",
        missing,
        "evidence.index",
    )


def _dbs_coverage(organisation: Organisation, on: date) -> ReadinessItem:
    record = organisation.safeguarding
    percent = record.dbs_coverage_percent if record is not None else None
    if percent is None:
        missing = "Record the share of your staff and volunteers with enhanced DBS checks."
    elif percent < 100:
        missing = f"Your record shows {percent}% coverage."
    else:
        missing = ""
    return ReadinessItem(
        "dbs_coverage",
        "DBS checks",
        percent == 100,
        "Enhanced DBS checks for 100% of staff and volunteers working with children (regulated activity).",
        missing,
        "evidence.index",
    )


def _offer(organisation: Organisation, on: date) -> ReadinessItem:
    done = bool(organisation.offers)
    return ReadinessItem(
        "offer",
        "At least one offer",
        done,
        "At least one service or activity they can commission, with its price and who it is for.",
        "" if done else "Add a service or activity you offer.",
        "offers.index",
    )


def _outcome_evidence(organisation: Organisation, on: date) -> ReadinessItem:
    with_statement = [item for item in organisation.outcome_contributions if item.statement]
    done = any(item.evidence for item in with_statement)
    if not with_statement:
        missing = "Write how you contribute to at least one Every Child Matters outcome."
    elif not done:
        missing = "Link impact evidence to your outcome statements."
    else:
        missing = ""
    return ReadinessItem(
        "outcome_evidence",
        "Outcome statements with evidence",
        done,
        "Statements of how you contribute to Every Child Matters outcomes, backed by impact evidence.",
        missing,
        "directory.profile_step",
        {"step": "outcomes"},
    )


def _accreditation(organisation: Organisation, on: date) -> ReadinessItem:
    done = any(not accreditation_expired(item, on) for item in organisation.accreditations)
    if done:
        missing = ""
    elif organisation.accreditations:
        missing = "Your accreditations have expired: add the renewed one."
    else:
        missing = "Add an accreditation, such as Museum Accreditation or Arts Award."
    return ReadinessItem(
        "accreditation",
        "Valid accreditation",
        done,
        "At least one accreditation that has not expired.",
        missing,
        "evidence.index",
    )


def _value_for_money(organisation: Organisation, on: date) -> ReadinessItem:
    done = has_value_for_money(organisation)
    return ReadinessItem(
        "value_for_money",
        "Value for money",
        done,
        "Whether your prices recover full costs, and a unit cost or a social return on investment ratio.",
        "" if done else "Say whether your prices recover full costs and give a unit cost or social return ratio.",
        "directory.profile_step",
        {"step": "value-for-money"},
    )


CHECKS = (
    _published,
    _safeguarding_policy,
    _lead_trained,
    _dbs_coverage,
    _offer,
    _outcome_evidence,
    _accreditation,
    _value_for_money,
)


def readiness(organisation: Organisation, on: date | None = None) -> list[ReadinessItem]:
    """Each thing commissioners look for, in the order the dashboard shows them."""
    on = on or today()
    return [check(organisation, on) for check in CHECKS]


def is_ready(organisation: Organisation, on: date | None = None) -> bool:
    return all(item.done for item in readiness(organisation, on))
