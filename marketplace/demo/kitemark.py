"""Demo kitemarks: nine organisations kitemarked through completed reviews, one application waiting (idempotent).

Kitemarked organisations passed a review whose checklist verified every item, safeguarding included, so their
safeguarding records are verified by the same assessor; each has an awarded application, its kitemark and its
history. Leicester Museums and Galleries has applied and waits in the assessor's queue. Every date is counted
back from the day the demo is loaded. An organisation that already has kitemark records is left as it is, so
loading again changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.core.clock import add_years, utcnow
from marketplace.demo.verification import REVIEWED_DAYS_AGO, current_safeguarding, organisations_by_ref, verify
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.kitemark.checklist import CHECKLIST_KEYS, take_snapshot
from marketplace.kitemark.history import record_past_award, record_past_step
from marketplace.kitemark.models import (
    ApplicationStatus,
    Kitemark,
    KitemarkApplication,
    KitemarkCheck,
)
from marketplace.kitemark.services import AWARD_YEARS

# One or more in each area with a need that requires the kitemark (Nottingham, Leicester, Lancashire, Worcester).
KITEMARKED_REFS = (
    "nottingham-museums",
    "nottingham-contemporary",
    "dance4",
    "curve-leicester",
    "writing-east-midlands",
    "ludus-dance",
    "lancashire-museums",
    "severn-valley-visual-arts",
    "worcestershire-archive-archaeology",
)
APPLYING_REF = "leicester-museums"
APPLIED_DAYS_AGO = 5


def _has_kitemark_records(organisation: Organisation) -> bool:
    query = select(KitemarkApplication.id).where(KitemarkApplication.organisation_id == organisation.id)
    return db.session.scalar(query.limit(1)) is not None


def _applied(organisation: Organisation, status: str, submitted: datetime, on: date) -> KitemarkApplication:
    """An application submitted at ``submitted`` with the evidence as it stands ``on``, and its history line."""
    application = KitemarkApplication(
        organisation=organisation, status=status, submitted_at=submitted, snapshot=take_snapshot(organisation, on)
    )
    db.session.add(application)
    db.session.flush()
    record_past_step("applied", application, occurred_at=submitted, summary="Applied for the kitemark (demo data)")
    return application


def _award(organisation: Organisation, assessor: User | None, on: date) -> None:
    """An application decided 'award' with every checklist item verified, its kitemark and history."""
    submitted = utcnow() - timedelta(days=REVIEWED_DAYS_AGO + 10)
    decided = utcnow() - timedelta(days=REVIEWED_DAYS_AGO)
    assessor_id = assessor.id if assessor else None
    application = _applied(organisation, ApplicationStatus.AWARDED, submitted, on)
    application.assessor_id = assessor_id
    application.assigned_at = application.no_conflict_declared_at = submitted + timedelta(days=1)
    application.decided_at, application.decided_by_id = decided, assessor_id
    application.decision_reasons = "All checklist items verified, safeguarding included (demo data)."
    application.checks = [
        KitemarkCheck(item_key=key, verified=True, checked_at=decided, checked_by_id=assessor_id)
        for key in CHECKLIST_KEYS
    ]
    awarded_on = on - timedelta(days=REVIEWED_DAYS_AGO)
    kitemark = Kitemark(
        organisation=organisation,
        application=application,
        awarded_on=awarded_on,
        expires_on=add_years(awarded_on, AWARD_YEARS),
        awarded_by_id=assessor_id,
        status_changed_at=decided,
    )
    db.session.add(kitemark)
    db.session.flush()
    record_past_award(application, occurred_at=decided, actor=assessor)


def load_kitemark_demo(assessor: User | None, on: date) -> None:
    """Award the demo kitemarks (the review verifies safeguarding first) and file Leicester's application."""
    organisations = organisations_by_ref((*KITEMARKED_REFS, APPLYING_REF))
    for ref in KITEMARKED_REFS:
        organisation = organisations.get(ref)
        if organisation is not None and not _has_kitemark_records(organisation):
            verify(organisation, assessor, on)
            db.session.flush()
            _award(organisation, assessor, on)
    applying = organisations.get(APPLYING_REF)
    if applying is not None and not _has_kitemark_records(applying):
        current_safeguarding(applying, on)
        _applied(applying, ApplicationStatus.SUBMITTED, utcnow() - timedelta(days=APPLIED_DAYS_AGO), on)
    db.session.commit()
