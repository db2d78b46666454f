"""Safeguarding verification rules: requesting, assignment, conflicts, the decision, lapses.

Each state change checks the rule, writes the change and an audit event (``verification.*``), emails the other
side (assessors when a provider asks, the provider's account managers when an assessor decides or a verification
lapses) with an in-app notification, and commits; the search document follows the record's change after the
commit (``search.sync`` notes every flushed safeguarding record).

Assignment and conflict-of-interest rules are the kitemark queue's, through its helpers: only assessors assign
and decide, never a member of the organisation; the assigned assessor declares no conflict before deciding, and
one who declares a conflict steps aside (the request goes back to the queue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.audit.services import record_event
from marketplace.core.clock import long_date, today, utcnow
from marketplace.core.links import external_url
from marketplace.directory.models import Organisation, SafeguardingRecord
from marketplace.directory.readiness import safeguarding_review_due_on
from marketplace.extensions import db
from marketplace.kitemark.assessing import (
    assessor_problem,
    assignee_problem,
    eligible_assessors,
    provider_recipients,
    send_with_link,
    set_assignee,
)
from marketplace.kitemark.signals import kitemark_awarded
from marketplace.verification.checks import ITEM_KEYS, ITEM_NAMES, failed_by_rule, pre_assess, take_snapshot
from marketplace.verification.models import RequestReason, SafeguardingVerification, VerificationStatus

MAX_REASONS = 5000


class Decision:
    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"

    LABELS = {VERIFIED: "Verified", NOT_VERIFIED: "Not verified"}


class VerificationError(Exception):
    """A verification rule refused the change; ``message`` says why, in words for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ItemResult:
    met: bool
    note: str = ""


# --- Questions ------------------------------------------------------------------------------------------------


def _latest(organisation: Organisation, statuses: tuple[str, ...] | None = None) -> SafeguardingVerification | None:
    query = select(SafeguardingVerification).where(SafeguardingVerification.organisation_id == organisation.id)
    if statuses is not None:
        query = query.where(SafeguardingVerification.status.in_(statuses))
    return db.session.scalars(query.order_by(SafeguardingVerification.id.desc()).limit(1)).first()


def open_request(organisation: Organisation) -> SafeguardingVerification | None:
    return _latest(organisation, VerificationStatus.OPEN)


def latest_verification(organisation: Organisation) -> SafeguardingVerification | None:
    return _latest(organisation)


def latest_decision(organisation: Organisation) -> SafeguardingVerification | None:
    """The last verification decided (verified, not verified or since lapsed)."""
    decided = (VerificationStatus.VERIFIED, VerificationStatus.NOT_VERIFIED, VerificationStatus.LAPSED)
    return _latest(organisation, decided)


def history(organisation: Organisation) -> list[SafeguardingVerification]:
    query = select(SafeguardingVerification).where(SafeguardingVerification.organisation_id == organisation.id)
    return list(db.session.scalars(query.order_by(SafeguardingVerification.id.desc())))


def why_cannot_request(organisation: Organisation) -> list[str]:
    """What stops the organisation asking for verification today (empty when it may)."""
    record = organisation.safeguarding
    if record is None:
        return ["Add your safeguarding record before you ask for it to be verified."]
    if open_request(organisation) is not None:
        return ["Your request for verification is with the assessors."]
    if record.verified_at is not None:
        return ["Your safeguarding record is verified. Any change to it goes back to the assessors."]
    return []


def assessors_for(verification: SafeguardingVerification) -> list[User]:
    """Active assessors who may be assigned the request (never members of the organisation)."""
    return eligible_assessors(verification.organisation)


# --- Shared steps ----------------------------------------------------------------------------------------------


def _fields(verification: SafeguardingVerification) -> dict[str, Any]:
    return {
        "status": verification.status,
        "assessor_id": verification.assessor_id,
        "no_conflict_declared": verification.no_conflict_declared_at is not None,
        "valid_until": verification.valid_until.isoformat() if verification.valid_until else None,
    }


def _tell_provider(organisation: Organisation, subject: str, body: str) -> None:
    send_with_link(provider_recipients(organisation), subject, body, external_url("verification.provider_page"))


def _tell_assessors(verification: SafeguardingVerification, subject: str, body: str) -> None:
    """Email the assessors who may take the request (or only the assigned one)."""
    link = external_url("verification.review", verification_id=verification.id)
    recipients = [verification.assessor] if verification.assessor is not None else assessors_for(verification)
    send_with_link(recipients, subject, body, link)


def _commit() -> None:
    db.session.commit()


def _require_assessor(user: Any, organisation: Organisation) -> None:
    problem = assessor_problem(user, organisation, "verify its safeguarding")
    if problem:
        raise VerificationError(problem)


def _require_assigned(verification: SafeguardingVerification, assessor: Any) -> None:
    _require_assessor(assessor, verification.organisation)
    if verification.status != VerificationStatus.IN_REVIEW or verification.assessor_id != assessor.id:
        raise VerificationError("Only the assessor assigned to this request can do this.")


def _open(organisation: Organisation, *, by: Any, reason: str, changed: list[str] | None) -> SafeguardingVerification:
    verification = SafeguardingVerification(
        organisation=organisation,
        reason=reason,
        changed_fields=changed,
        requested_by_id=getattr(by, "id", None),
        status=VerificationStatus.REQUESTED,
    )
    db.session.add(verification)
    db.session.flush()
    return verification


# --- Provider ---------------------------------------------------------------------------------------------------


def request_verification(organisation: Organisation, *, user: Any) -> SafeguardingVerification:
    """Put the organisation's safeguarding record in the assessors' queue."""
    problems = why_cannot_request(organisation)
    if problems:
        raise VerificationError(problems[0])
    verification = _open(organisation, by=user, reason=RequestReason.PROVIDER, changed=None)
    record_event(
        "verification.requested",
        obj=verification,
        actor=user,
        summary=f"{organisation.name} asked for its safeguarding to be verified",
        after=_fields(verification),
    )
    _tell_assessors(
        verification,
        f"Safeguarding verification requested: {organisation.name}",
        f"{organisation.name} has asked for its safeguarding record to be verified.",
    )
    _commit()
    return verification


def open_register_verification(organisation: Organisation, *, assessor: Any, register: str) -> SafeguardingVerification:
    """An existing register verified the record: the assessor opens (or takes) the request its decision answers.

    The usual steps follow (assignment, no-conflict declaration, decision with every item checked against the
    rules), each audited as that assessor's (``flask kitemark import-register``).
    """
    _require_assessor(assessor, organisation)
    if organisation.safeguarding is None:
        raise VerificationError(f"{organisation.name} has no safeguarding record to verify.")
    verification = open_request(organisation) or _open(
        organisation, by=assessor, reason=RequestReason.REGISTER, changed=None
    )
    record_event(
        "verification.requested",
        obj=verification,
        actor=assessor,
        summary=f"{assessor.email} recorded the safeguarding of {organisation.name} from the register {register}",
        after={**_fields(verification), "register": register},
    )
    _commit()
    return verification


# --- Assessor: assignment and conflicts --------------------------------------------------------------------------


def assign_verification(verification: SafeguardingVerification, *, assessor: User, by: Any) -> SafeguardingVerification:
    """Give the request to ``assessor`` (who must then declare no conflict of interest before deciding)."""
    organisation = verification.organisation
    _require_assessor(by, organisation)
    if not verification.is_open:
        raise VerificationError("Only a request waiting for an assessor or in review can be assigned.")
    problem = assignee_problem(assessor, organisation, "verify")
    if problem:
        raise VerificationError(problem)
    before = _fields(verification)
    set_assignee(verification, assessor, VerificationStatus.IN_REVIEW, utcnow())
    record_event(
        "verification.assigned",
        obj=verification,
        actor=by,
        summary=f"Safeguarding verification of {organisation.name} assigned to {assessor.email}",
        before=before,
        after=_fields(verification),
    )
    if assessor.id != getattr(by, "id", None):
        _tell_assessors(
            verification,
            f"Safeguarding verification assigned to you: {organisation.name}",
            f"{by.name} assigned you the safeguarding verification of {organisation.name}.",
        )
    _commit()
    return verification


def declare_no_conflict(verification: SafeguardingVerification, *, assessor: Any) -> None:
    _require_assigned(verification, assessor)
    verification.no_conflict_declared_at = utcnow()
    record_event(
        "verification.no_conflict_declared",
        obj=verification,
        actor=assessor,
        summary=f"{assessor.email} declared no conflict of interest with {verification.organisation.name}",
    )
    _commit()


def declare_conflict(verification: SafeguardingVerification, *, assessor: Any, note: str) -> None:
    """The assessor has a conflict: they step aside and the request goes back to the queue."""
    _require_assigned(verification, assessor)
    before = _fields(verification)
    set_assignee(verification, None, VerificationStatus.REQUESTED)
    record_event(
        "verification.conflict_declared",
        obj=verification,
        actor=assessor,
        summary=f"{assessor.email} declared a conflict of interest: {note}",
        before=before,
        after=_fields(verification),
    )
    _commit()


# --- Assessor: the decision --------------------------------------------------------------------------------------


def _check_decision(
    verification: SafeguardingVerification, assessor: Any, results: dict[str, ItemResult], decision: str, reasons: str
) -> None:
    _require_assigned(verification, assessor)
    if verification.no_conflict_declared_at is None:
        raise VerificationError("Declare that you have no conflict of interest before you decide.")
    missing = [ITEM_NAMES[key] for key in ITEM_KEYS if key not in results]
    if missing:
        raise VerificationError(f"Record a result for every item: {', '.join(missing)}")
    ruled = failed_by_rule(verification.organisation.safeguarding, today())
    overruled = [ITEM_NAMES[key] for key in ruled if results[key].met]
    if overruled:
        raise VerificationError(f"A rule found these items not met: {', '.join(overruled)}")
    if decision not in Decision.LABELS:
        raise VerificationError("Select a decision")
    if decision == Decision.VERIFIED and not all(results[key].met for key in ITEM_KEYS):
        raise VerificationError("You can only verify the record when every item is met")
    if decision == Decision.NOT_VERIFIED and not reasons:
        raise VerificationError("Enter the reasons the record is not verified")


def _checks(record: SafeguardingRecord, results: dict[str, ItemResult]) -> dict[str, Any]:
    """Each item's result, the rule's findings kept beside the assessor's notes."""
    ruled = pre_assess(record, today())
    return {
        key: {
            "met": results[key].met,
            "note": results[key].note or (ruled[key].finding if key in ruled else ""),
            "pre_assessed": key in ruled,
        }
        for key in ITEM_KEYS
    }


def _decision_email(verification: SafeguardingVerification) -> tuple[str, str]:
    name = verification.organisation.name
    if verification.status == VerificationStatus.VERIFIED:
        until = long_date(verification.valid_until) if verification.valid_until else "its next review"
        body = (
            f"An assessor has verified the safeguarding record of {name}. The verification runs until {until}, "
            "the policy's review date."
        )
        return "Safeguarding verified", body
    not_met = [
        f"- {ITEM_NAMES[key]}: {value['note']}" for key, value in verification.checks.items() if not value["met"]
    ]
    parts = [f"An assessor could not verify the safeguarding record of {name}.", f"Reasons:\n{verification.reasons}"]
    if not_met:
        parts.append("What to fix:\n" + "\n".join(not_met))
    parts.append("When you have fixed it, ask for verification again from your dashboard.")
    return "Safeguarding not verified", "\n\n".join(parts)


def _mark_verified(record: SafeguardingRecord, verification: SafeguardingVerification, assessor: Any) -> None:
    verification.status = VerificationStatus.VERIFIED
    verification.valid_until = safeguarding_review_due_on(record)
    record.verified_at, record.verified_by_id = utcnow(), getattr(assessor, "id", None)


def decide_verification(
    verification: SafeguardingVerification,
    *,
    assessor: Any,
    results: dict[str, ItemResult],
    decision: str,
    reasons: str,
) -> SafeguardingVerification:
    """Record each item and the decision; verified runs until the policy's review date."""
    reasons = reasons.strip()
    _check_decision(verification, assessor, results, decision, reasons)
    organisation = verification.organisation
    record = organisation.safeguarding
    before = _fields(verification)
    verification.checks = _checks(record, results)
    verification.snapshot = take_snapshot(record)
    verification.reasons = reasons
    verification.decided_at, verification.decided_by_id = utcnow(), assessor.id
    if decision == Decision.VERIFIED:
        _mark_verified(record, verification, assessor)
    else:
        verification.status = VerificationStatus.NOT_VERIFIED
    record_event(
        f"verification.{verification.status}",
        obj=verification,
        actor=assessor,
        summary=f"Safeguarding of {organisation.name}: {verification.status_label.lower()}",
        before=before,
        after={**_fields(verification), "reasons": reasons, "checks": verification.checks},
    )
    _tell_provider(organisation, *_decision_email(verification))
    _commit()
    return verification


# --- Kitemark award ----------------------------------------------------------------------------------------------

# The kitemark checklist items that cover this verification's items.
KITEMARK_ITEMS = {"policy": "safeguarding_policy", "lead_training": "lead_trained", "vetting": "dbs_coverage"}


@kitemark_awarded.connect
def verify_through_kitemark(application: Any, *, assessor: Any) -> SafeguardingVerification | None:
    """A kitemark award verified every checklist item, safeguarding included: record it as a verification.

    Runs inside the kitemark award's transaction (the ``kitemark_awarded`` signal; the award commits); an open
    request is decided by it.
    """
    organisation = application.organisation
    record = organisation.safeguarding
    if record is None:
        return None
    verification = open_request(organisation) or _open(
        organisation, by=assessor, reason=RequestReason.KITEMARK, changed=None
    )
    before = _fields(verification)
    notes = {check.item_key: check.note for check in application.checks}
    results = {key: ItemResult(True, notes.get(KITEMARK_ITEMS.get(key, ""), "")) for key in ITEM_KEYS}
    verification.assessor_id = verification.decided_by_id = assessor.id
    verification.kitemark_application_id = application.id
    verification.checks, verification.snapshot = _checks(record, results), take_snapshot(record)
    verification.reasons = "Verified in the kitemark review."
    verification.decided_at = utcnow()
    _mark_verified(record, verification, assessor)
    record_event(
        "verification.verified",
        obj=verification,
        actor=assessor,
        summary=f"Safeguarding of {organisation.name} verified by the kitemark award",
        before=before,
        after={**_fields(verification), "kitemark_application_id": application.id},
    )
    return verification


# --- Lapses -------------------------------------------------------------------------------------------------------


def _lapse(record: SafeguardingRecord, reason: str) -> SafeguardingVerification | None:
    """End the current verification (if any) and clear the record's verified mark."""
    current = _latest(record.organisation, (VerificationStatus.VERIFIED,))
    record.verified_at, record.verified_by_id = None, None
    if current is not None:
        before = _fields(current)
        current.status, current.lapsed_at, current.lapse_reason = VerificationStatus.LAPSED, utcnow(), reason
        record_event(
            "verification.lapsed",
            obj=current,
            summary=f"Safeguarding verification of {record.organisation.name} lapsed: {reason}",
            before=before,
            after=_fields(current),
        )
    return current


def reverify_after_edit(record: SafeguardingRecord, *, changed: list[str], user: Any) -> SafeguardingVerification:
    """A material edit to a verified record: the verification lapses and goes back to the assessors at once.

    Runs inside the evidence save (which commits); the listing shows "verification lapsed" meanwhile.
    """
    organisation = record.organisation
    reason = f"The safeguarding record was changed ({', '.join(changed)})."
    _lapse(record, reason)
    verification = open_request(organisation) or _open(
        organisation, by=user, reason=RequestReason.REVERIFICATION, changed=changed
    )
    verification.changed_fields = changed
    record_event(
        "verification.requested",
        obj=verification,
        actor=user,
        summary=f"Re-verification of {organisation.name}'s safeguarding after changes: {', '.join(changed)}",
        after=_fields(verification),
    )
    _tell_provider(
        organisation,
        "Safeguarding verification lapsed: re-verification requested",
        f"{reason} Commissioners see that its verification has lapsed until an assessor verifies it again; "
        "we have asked the assessors to do so.",
    )
    _tell_assessors(
        verification,
        f"Safeguarding re-verification: {organisation.name}",
        f"{organisation.name} changed its verified safeguarding record ({', '.join(changed)}). Verify it again.",
    )
    return verification


def lapse_past_review_date(on: date) -> list[str]:
    """The daily sweep: verifications whose policy review date has passed lapse (the provider is told)."""
    query = select(SafeguardingVerification).where(
        SafeguardingVerification.status == VerificationStatus.VERIFIED, SafeguardingVerification.valid_until < on
    )
    lapsed = []
    for verification in list(db.session.scalars(query)):
        record = verification.organisation.safeguarding
        reason = f"The safeguarding policy was due for review on {long_date(verification.valid_until)}."
        if record is not None:
            _lapse(record, reason)
        else:  # the record was deleted: the verification cannot stand
            verification.status, verification.lapsed_at, verification.lapse_reason = (
                VerificationStatus.LAPSED,
                utcnow(),
                reason,
            )
        _tell_provider(
            verification.organisation,
            "Safeguarding verification lapsed",
            f"{reason} Review your policy, record the new date and ask for verification again.",
        )
        lapsed.append(verification.organisation.name)
    _commit()
    return lapsed
