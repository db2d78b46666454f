"""Kitemark rules: applying, assigning, conflict declarations, review decisions, suspension and reinstatement.

Each state change is one function that checks the rule, writes the change, tells the provider (email to its
account managers and an in-app notification, sent after the commit) when a decision concerns them, and then
writes its audit event and commits in one helper, :func:`_record_step`. The audit event is the one record of the
step: the history page reads it (see :mod:`marketplace.kitemark.history`).

Rules: only an organisation whose readiness checklist is complete may apply, and only one application is open
at a time; only assessors assign, review and decide, never an assessor who is a member of the organisation;
the assigned assessor declares no conflict of interest before recording a review; the provider cannot change
an application while it is waiting or in review (the evidence snapshot is frozen), only resubmit it when
changes were requested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.audit.services import record_event
from marketplace.core.clock import long_date, today, utcnow
from marketplace.core.links import external_url
from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.directory.readiness import add_years, readiness
from marketplace.extensions import db
from marketplace.kitemark.assessing import (
    assessor_problem,
    assignee_problem,
    eligible_assessors,
    provider_recipients,
    send_with_link,
    set_assignee,
)
from marketplace.kitemark.checklist import CHECKLIST_KEYS, ITEM_NAMES, take_snapshot
from marketplace.kitemark.models import (
    ApplicationStatus,
    Decision,
    Kitemark,
    KitemarkApplication,
    KitemarkCheck,
    KitemarkStatus,
)
from marketplace.kitemark.signals import kitemark_awarded
from marketplace.kitemark.status import in_force_query

AWARD_YEARS = 1
RENEWAL_WINDOW_DAYS = 60
MAX_REASONS = 5000


class KitemarkError(Exception):
    """A kitemark rule refused the change; ``message`` says why, in words for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckResult:
    verified: bool
    note: str = ""


# --- Questions ------------------------------------------------------------------------------------------------


def open_application(organisation: Organisation) -> KitemarkApplication | None:
    query = select(KitemarkApplication).where(
        KitemarkApplication.organisation_id == organisation.id,
        KitemarkApplication.status.in_(ApplicationStatus.OPEN),
    )
    return db.session.scalars(query.order_by(KitemarkApplication.id.desc()).limit(1)).first()


def latest_application(organisation: Organisation) -> KitemarkApplication | None:
    query = select(KitemarkApplication).where(KitemarkApplication.organisation_id == organisation.id)
    return db.session.scalars(query.order_by(KitemarkApplication.id.desc()).limit(1)).first()


def kitemark_in_force(organisation: Organisation, on: date | None = None) -> Kitemark | None:
    query = in_force_query(on).where(Kitemark.organisation_id == organisation.id)
    return db.session.scalars(query.order_by(Kitemark.expires_on.desc()).limit(1)).first()


def latest_kitemark(organisation: Organisation) -> Kitemark | None:
    query = select(Kitemark).where(Kitemark.organisation_id == organisation.id)
    return db.session.scalars(query.order_by(Kitemark.id.desc()).limit(1)).first()


def why_cannot_apply(organisation: Organisation, on: date | None = None) -> list[str]:
    """What stops the organisation applying today (empty when it may)."""
    on = on or today()
    if open_application(organisation) is not None:
        return ["Your organisation already has an open kitemark application."]
    latest = latest_kitemark(organisation)
    if latest is not None and latest.status == KitemarkStatus.SUSPENDED:
        return ["Your kitemark is suspended. An assessor will tell you what is needed to reinstate it."]
    current = kitemark_in_force(organisation, on)
    if current is not None and current.expires_on - on > timedelta(days=RENEWAL_WINDOW_DAYS):
        return [
            f"Your kitemark runs until {long_date(current.expires_on)}. You can apply to renew it from "
            f"{long_date(current.expires_on - timedelta(days=RENEWAL_WINDOW_DAYS))}."
        ]
    return [f"{item.name}: {item.missing}" for item in readiness(organisation, on) if not item.done]


def assessors_for(application: KitemarkApplication) -> list[User]:
    """Active assessors who may be assigned the application (never members of the organisation)."""
    return eligible_assessors(application.organisation)


# --- Shared steps ----------------------------------------------------------------------------------------------


def _application_fields(application: KitemarkApplication) -> dict[str, Any]:
    return {
        "status": application.status,
        "assessor_id": application.assessor_id,
        "no_conflict_declared": application.no_conflict_declared_at is not None,
    }


def _kitemark_fields(kitemark: Kitemark) -> dict[str, Any]:
    return {
        "status": kitemark.status,
        "awarded_on": kitemark.awarded_on.isoformat(),
        "expires_on": kitemark.expires_on.isoformat(),
        "reason": kitemark.status_reason,
    }


def _record_step(
    action: str,
    obj: KitemarkApplication | Kitemark,
    *,
    actor: Any,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Write the step's audit event (the one record, which the history page reads too) and commit the change."""
    record_event(f"kitemark.{action}", obj=obj, actor=actor, summary=summary, before=before, after=after)
    _commit()


def tell_provider(organisation: Organisation, subject: str, body: str) -> None:
    """Email (through the outbox) and notify the organisation's account managers, linking the kitemark page."""
    send_with_link(provider_recipients(organisation), subject, body, external_url("kitemark.provider_page"))


def _commit() -> None:
    db.session.commit()


def _require_assessor(user: Any, organisation: Organisation) -> None:
    problem = assessor_problem(user, organisation, "assess its kitemark")
    if problem:
        raise KitemarkError(problem)


# --- Provider ---------------------------------------------------------------------------------------------------


def apply_for_kitemark(organisation: Organisation, *, user: Any) -> KitemarkApplication:
    """Open an application with a snapshot of today's evidence (the readiness checklist must be complete)."""
    problems = why_cannot_apply(organisation)
    if problems:
        raise KitemarkError(problems[0])
    application = KitemarkApplication(
        organisation=organisation,
        submitted_by_id=user.id,
        snapshot=take_snapshot(organisation, today()),
        status=ApplicationStatus.SUBMITTED,
    )
    db.session.add(application)
    db.session.flush()
    _record_step(
        "applied",
        application,
        actor=user,
        summary=f"{organisation.name} applied for the kitemark",
        after=_application_fields(application),
    )
    return application


def open_register_application(organisation: Organisation, *, assessor: Any, register: str) -> KitemarkApplication:
    """An existing register's award: the assessor opens the application the register's decision answers.

    Nobody at the organisation applied, so the readiness checklist does not gate it (the register is the
    evidence); the snapshot still records the evidence held here on the day, and the usual steps follow
    (assignment, no-conflict declaration, decision), each audited as that assessor's.
    """
    _require_assessor(assessor, organisation)
    if open_application(organisation) is not None:
        raise KitemarkError(f"{organisation.name} already has an open kitemark application.")
    application = KitemarkApplication(
        organisation=organisation,
        submitted_by_id=assessor.id,
        snapshot={**take_snapshot(organisation, today()), "register": register},
        status=ApplicationStatus.SUBMITTED,
    )
    db.session.add(application)
    db.session.flush()
    _record_step(
        "register_opened",
        application,
        actor=assessor,
        summary=f"{assessor.email} recorded the kitemark of {organisation.name} from the register {register}",
        after={**_application_fields(application), "register": register},
    )
    return application


def resubmit_application(application: KitemarkApplication, *, user: Any) -> KitemarkApplication:
    """After changes were requested: a fresh snapshot goes back to the assessor (or the queue)."""
    if application.status != ApplicationStatus.CHANGES_REQUESTED:
        raise KitemarkError("You can only resubmit an application when an assessor has asked for changes.")
    before = _application_fields(application)
    application.snapshot = take_snapshot(application.organisation, today())
    application.status = ApplicationStatus.IN_REVIEW if application.assessor_id else ApplicationStatus.SUBMITTED
    application.decided_at = None
    _record_step(
        "resubmitted",
        application,
        actor=user,
        summary=f"{application.organisation.name} resubmitted its kitemark application",
        before=before,
        after=_application_fields(application),
    )
    return application


# --- Assessor: assignment and conflicts --------------------------------------------------------------------------


def assign_application(application: KitemarkApplication, *, assessor: User, by: Any) -> KitemarkApplication:
    """Give the application to ``assessor`` (who must then declare no conflict of interest before reviewing)."""
    organisation = application.organisation
    _require_assessor(by, organisation)
    if not application.is_open or application.status == ApplicationStatus.CHANGES_REQUESTED:
        raise KitemarkError("Only an application waiting for an assessor or in review can be assigned.")
    problem = assignee_problem(assessor, organisation, "assess")
    if problem:
        raise KitemarkError(problem)
    before = _application_fields(application)
    set_assignee(application, assessor, ApplicationStatus.IN_REVIEW, utcnow())
    _record_step(
        "assigned",
        application,
        actor=by,
        summary=f"Kitemark application of {organisation.name} assigned to {assessor.email}",
        before=before,
        after=_application_fields(application),
    )
    return application


def declare_no_conflict(application: KitemarkApplication, *, assessor: Any) -> None:
    _require_assigned(application, assessor)
    application.no_conflict_declared_at = utcnow()
    _record_step(
        "no_conflict_declared",
        application,
        actor=assessor,
        summary=f"{assessor.email} declared no conflict of interest with {application.organisation.name}",
    )


def declare_conflict(application: KitemarkApplication, *, assessor: Any, note: str) -> None:
    """The assessor has a conflict: they step aside and the application goes back to the queue."""
    _require_assigned(application, assessor)
    before = _application_fields(application)
    set_assignee(application, None, ApplicationStatus.SUBMITTED)
    _record_step(
        "conflict_declared",
        application,
        actor=assessor,
        summary=f"{assessor.email} declared a conflict of interest: {note}",
        before=before,
        after={**_application_fields(application), "reasons": note},
    )


def take_application(application: KitemarkApplication, *, assessor: Any) -> None:
    """Assign to ``assessor`` and record their no-conflict declaration: the two steps' rules and events, one form."""
    if application.status != ApplicationStatus.SUBMITTED or application.assessor_id is not None:
        raise KitemarkError("Someone has already taken this application: only its assessor can decide it.")
    assign_application(application, assessor=assessor, by=assessor)
    declare_no_conflict(application, assessor=assessor)


def take_and_decide(
    application: KitemarkApplication, *, assessor: Any, results: dict[str, CheckResult], decision: str, reasons: str
) -> Kitemark | None:
    """Assign a waiting application to ``assessor``, record their no-conflict declaration and their decision.

    For the assessor who reviews and decides in one sitting: the same three steps as assigning, declaring and
    deciding one by one, each with its own rules and audit event. A decision the rules refuse leaves the
    application assigned to the assessor with the declaration made, as the steps one by one would.
    """
    take_application(application, assessor=assessor)
    return decide_application(application, assessor=assessor, results=results, decision=decision, reasons=reasons)


def _require_assigned(application: KitemarkApplication, assessor: Any) -> None:
    _require_assessor(assessor, application.organisation)
    if application.status != ApplicationStatus.IN_REVIEW or application.assessor_id != assessor.id:
        raise KitemarkError("Only the assessor assigned to this application can do this.")


# --- Assessor: the decision --------------------------------------------------------------------------------------


def _check_review(
    application: KitemarkApplication, assessor: Any, results: dict[str, CheckResult], decision: str, reasons: str
) -> None:
    _require_assigned(application, assessor)
    if application.no_conflict_declared_at is None:
        raise KitemarkError("Declare that you have no conflict of interest before you record a review.")
    missing = [ITEM_NAMES[key] for key in CHECKLIST_KEYS if key not in results]
    if missing:
        raise KitemarkError(f"Record a result for every checklist item: {', '.join(missing)}")
    unexplained = [ITEM_NAMES[key] for key in CHECKLIST_KEYS if not results[key].verified and not results[key].note]
    if unexplained:
        raise KitemarkError(f"Say why each failed item failed: {', '.join(unexplained)}")
    if decision not in {choice.value for choice in Decision}:
        raise KitemarkError("Select a decision")
    if not reasons.strip():
        raise KitemarkError("Enter the reasons for your decision")
    if decision == Decision.AWARD and not all(results[key].verified for key in CHECKLIST_KEYS):
        raise KitemarkError("You can only award the kitemark when every checklist item is verified")


def _save_checks(application: KitemarkApplication, assessor: Any, results: dict[str, CheckResult]) -> dict:
    existing = {check.item_key: check for check in application.checks}
    for key in CHECKLIST_KEYS:
        check = existing.get(key)
        if check is None:
            check = KitemarkCheck(item_key=key)
            application.checks.append(check)
        check.verified, check.note = results[key].verified, results[key].note
        check.checked_at, check.checked_by_id = utcnow(), assessor.id
    return {key: {"verified": results[key].verified, "note": results[key].note} for key in CHECKLIST_KEYS}


def _award(
    application: KitemarkApplication, assessor: Any, awarded_on: date | None = None, expires_on: date | None = None
) -> Kitemark:
    organisation, on = application.organisation, awarded_on or today()
    for previous in db.session.scalars(
        select(Kitemark).where(Kitemark.organisation_id == organisation.id, Kitemark.status == KitemarkStatus.ACTIVE)
    ):
        previous.status, previous.status_changed_at = KitemarkStatus.RENEWED, utcnow()
        previous.status_reason = "Replaced by a renewed kitemark"
    kitemark = Kitemark(
        organisation=organisation,
        application=application,
        awarded_on=on,
        expires_on=expires_on or add_years(on, AWARD_YEARS),
        awarded_by_id=assessor.id,
        status_changed_at=utcnow(),
    )
    db.session.add(kitemark)
    db.session.flush()
    return kitemark


DECISION_WORDS = {
    Decision.AWARD: "Kitemark awarded",
    Decision.CHANGES: "Changes requested to your kitemark application",
    Decision.REFUSE: "Kitemark application refused",
}


def _decision_email(
    application: KitemarkApplication, decision: str, reasons: str, kitemark: Kitemark | None, checks: dict
) -> str:
    name = application.organisation.name
    if decision == Decision.AWARD:
        opening = f"{name} has been awarded the kitemark. It runs until {long_date(kitemark.expires_on)}."
    elif decision == Decision.CHANGES:
        opening = f"An assessor has asked for changes before {name} can be awarded the kitemark."
    else:
        opening = f"The kitemark application of {name} has been refused."
    failed = [f"- {ITEM_NAMES[key]}: {value['note']}" for key, value in checks.items() if not value["verified"]]
    parts = [opening, f"Reasons:\n{reasons}"]
    if failed:
        parts.append("What to fix:\n" + "\n".join(failed))
    if decision == Decision.CHANGES:
        parts.append("When you have made the changes, resubmit the application from your kitemark page.")
    return "\n\n".join(parts)


def decide_application(
    application: KitemarkApplication,
    *,
    assessor: Any,
    results: dict[str, CheckResult],
    decision: str,
    reasons: str,
    awarded_on: date | None = None,
    expires_on: date | None = None,
) -> Kitemark | None:
    """Record the checklist and the decision; an award creates a kitemark running for 12 months.

    ``awarded_on`` and ``expires_on`` carry an existing register's dates (``flask kitemark import-register``):
    the award then runs as the register decided, not from today.
    """
    reasons = reasons.strip()
    _check_review(application, assessor, results, decision, reasons)
    organisation = application.organisation
    before = _application_fields(application)
    checks = _save_checks(application, assessor, results)
    status, subject = Decision(decision).status, DECISION_WORDS[decision]
    application.status = status
    application.decided_at, application.decided_by_id = utcnow(), assessor.id
    application.decision_reasons = reasons
    kitemark = _award(application, assessor, awarded_on, expires_on) if decision == Decision.AWARD else None
    tell_provider(organisation, subject, _decision_email(application, decision, reasons, kitemark, checks))
    if kitemark is not None:  # the award's checklist verified safeguarding: verification records it
        kitemark_awarded.send(application, assessor=assessor)
    _record_step(
        status,
        application,
        actor=assessor,
        summary=f"Kitemark application of {organisation.name}: {status.replace('_', ' ')}",
        before=before,
        after={**_application_fields(application), "reasons": reasons, "checks": checks}
        | ({"kitemark": _kitemark_fields(kitemark)} if kitemark else {}),
    )
    return kitemark


# --- Assessor: suspension and reinstatement ----------------------------------------------------------------------


def suspend_kitemark(organisation: Organisation, *, assessor: Any, reasons: str) -> Kitemark:
    """Take the kitemark out of force at once: profile, search, the kitemarked list and the API."""
    _require_assessor(assessor, organisation)
    reasons = reasons.strip()
    if not reasons:
        raise KitemarkError("Enter the reasons for suspending the kitemark")
    kitemark = kitemark_in_force(organisation)
    if kitemark is None:
        raise KitemarkError(f"{organisation.name} holds no kitemark in force to suspend.")
    return _change_status(kitemark, KitemarkStatus.SUSPENDED, assessor, reasons, "suspended", "Kitemark suspended")


def reinstate_kitemark(organisation: Organisation, *, assessor: Any, reasons: str) -> Kitemark:
    _require_assessor(assessor, organisation)
    reasons = reasons.strip()
    if not reasons:
        raise KitemarkError("Enter the reasons for reinstating the kitemark")
    kitemark = latest_kitemark(organisation)
    if kitemark is None or kitemark.status != KitemarkStatus.SUSPENDED:
        raise KitemarkError(f"The kitemark of {organisation.name} is not suspended.")
    if kitemark.expires_on < today():
        raise KitemarkError("The kitemark expired while it was suspended: the organisation must apply again.")
    return _change_status(kitemark, KitemarkStatus.ACTIVE, assessor, reasons, "reinstated", "Kitemark reinstated")


def _change_status(kitemark: Kitemark, status: str, actor: Any, reasons: str, action: str, subject: str) -> Kitemark:
    """Set the kitemark's status with the reasons: the audit event, the provider told, search updated."""
    organisation = kitemark.organisation
    before = _kitemark_fields(kitemark)
    kitemark.status, kitemark.status_reason, kitemark.status_changed_at = status, reasons, utcnow()
    verb = "has lapsed" if status == KitemarkStatus.LAPSED else f"has been {action}"
    tell_provider(organisation, subject, f"The kitemark of {organisation.name} {verb}.\n\nReasons:\n{reasons}")
    _record_step(
        action,
        kitemark,
        actor=actor,
        summary=f"Kitemark of {organisation.name} {action}: {reasons}",
        before=before,
        after=_kitemark_fields(kitemark),
    )
    return kitemark


def lapse_kitemark(kitemark: Kitemark, *, reason: str) -> Kitemark:
    """The daily sweep's change: expiry or out-of-date safeguarding ends the kitemark (no actor)."""
    return _change_status(kitemark, KitemarkStatus.LAPSED, None, reason, "lapsed", "Kitemark lapsed")


# --- Public list -------------------------------------------------------------------------------------------------


def published_kitemarked() -> list[tuple[Organisation, Kitemark]]:
    """Published organisations with a kitemark in force, by name."""
    query = (
        in_force_query()
        .join(Organisation, Organisation.id == Kitemark.organisation_id)
        .where(Organisation.status == OrganisationStatus.PUBLISHED)
        .order_by(Organisation.name)
    )
    return [(kitemark.organisation, kitemark) for kitemark in db.session.scalars(query)]
