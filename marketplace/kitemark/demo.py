"""Demo kitemark data: one organisation kitemarked, one application waiting for an assessor (idempotent)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.core.clock import today, utcnow
from marketplace.directory.models import Organisation, SafeguardingRecord
from marketplace.directory.readiness import add_years
from marketplace.extensions import db
from marketplace.kitemark.checklist import take_snapshot
from marketplace.kitemark.history import record_past_award, record_past_step
from marketplace.kitemark.models import ApplicationStatus, Kitemark, KitemarkApplication
from marketplace.kitemark.services import AWARD_YEARS, queue_search_update

KITEMARKED_REF = "nottingham-museums"
APPLYING_REF = "leicester-museums"


def _organisation(ref: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.ref == ref))


def _has_kitemark_records(organisation: Organisation) -> bool:
    query = select(KitemarkApplication.id).where(KitemarkApplication.organisation_id == organisation.id)
    return db.session.scalar(query.limit(1)) is not None


def _current_safeguarding(organisation: Organisation) -> None:
    if organisation.safeguarding is None:
        organisation.safeguarding = SafeguardingRecord(
            policy_reviewed_on=today() - timedelta(days=60),
            lead_name=organisation.contact_name or "Designated safeguarding lead",
            lead_trained_on=today() - timedelta(days=200),
            dbs_coverage_percent=100,
            training="Annual safeguarding training for all staff and volunteers working with children.",
            reporting_procedure="Concerns go to the designated lead the same day, then to the local authority.",
        )


def _application(organisation: Organisation, status: str, days_ago: int) -> KitemarkApplication:
    submitted = utcnow() - timedelta(days=days_ago)
    application = KitemarkApplication(
        organisation=organisation, status=status, submitted_at=submitted, snapshot=take_snapshot(organisation, today())
    )
    db.session.add(application)
    db.session.flush()
    record_past_step("applied", application, occurred_at=submitted, summary="Applied for the kitemark (demo data)")
    return application


def load_kitemark_demo() -> None:
    kitemarked, applying = _organisation(KITEMARKED_REF), _organisation(APPLYING_REF)
    if kitemarked is not None and not _has_kitemark_records(kitemarked):
        _current_safeguarding(kitemarked)
        application = _application(kitemarked, ApplicationStatus.AWARDED, days_ago=40)
        application.decision_reasons = "All checklist items verified (demo data)."
        awarded_on = today() - timedelta(days=30)
        kitemark = Kitemark(
            organisation=kitemarked,
            application=application,
            awarded_on=awarded_on,
            expires_on=add_years(awarded_on, AWARD_YEARS),
        )
        db.session.add(kitemark)
        db.session.flush()
        record_past_award(application, occurred_at=utcnow())
        queue_search_update(kitemarked)
    if applying is not None and not _has_kitemark_records(applying):
        _current_safeguarding(applying)
        _application(applying, ApplicationStatus.SUBMITTED, days_ago=5)
    db.session.commit()
