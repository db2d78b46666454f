"""Demo evidence checked by the demo assessor: verified safeguarding, kitemarks and accreditations (idempotent).

Most demo needs require "safeguarding verified" and several a kitemark or a named accreditation, so without
this the demo commissioners' matches would be empty. What it adds follows the product's rules:

- **Safeguarding verified** means an assessor checked the organisation's safeguarding record: the record is
  current (policy reviewed in the last 12 months, a trained designated lead, full enhanced DBS coverage) and
  carries ``verified_at`` / ``verified_by`` (the demo assessor).
- **Kitemarked** organisations passed a kitemark review whose checklist verified every item, safeguarding
  included, so their records are verified too; each has an awarded application, its kitemark and history.
- **Accreditations** are the certificates a provider records (scheme, reference, dates).

Chosen so that every open demo need has several ranked matches in its area. An organisation whose record an
assessor already verified, or whose kitemark records exist, is left as it is, so loading again changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.core.clock import today, utcnow
from marketplace.directory.models import Accreditation, Organisation, SafeguardingRecord
from marketplace.directory.readiness import add_years
from marketplace.extensions import db
from marketplace.kitemark.checklist import CHECKLIST_KEYS, take_snapshot
from marketplace.kitemark.history import record_past_award, record_past_step
from marketplace.kitemark.models import (
    ApplicationStatus,
    Kitemark,
    KitemarkApplication,
    KitemarkCheck,
)
from marketplace.kitemark.services import AWARD_YEARS, queue_search_update
from marketplace.reference.services import terms_by_code

ASSESSOR_EMAIL = "assessor@artscouncil.example.org"
# Kitemarked through a review (besides Nottingham Museums, see marketplace/kitemark/demo.py): one or more in
# each area with a need that requires the kitemark (Nottingham, Leicester, Lancashire, Worcester).
KITEMARKED_REFS = (
    "nottingham-contemporary",
    "dance4",
    "curve-leicester",
    "writing-east-midlands",
    "ludus-dance",
    "lancashire-museums",
    "severn-valley-visual-arts",
    "worcestershire-archive-archaeology",
)
# Safeguarding checked by the assessor outside a kitemark review (kitemarked ones are verified by their review).
VERIFIED_REFS = (
    "nottingham-museums",
    "derby-museums",
    "derby-city-libraries",
    "derbyshire-libraries",
    "derbyshire-record-office",
    "quad-derby",
    "sinfonia-viva",
    "creswell-crags",
    "nottingham-city-libraries",
    "nottinghamshire-archives",
    "lancashire-libraries",
)
# (organisation ref, accreditation scheme code, certificate reference)
ACCREDITATIONS = (
    ("derby-museums", "arts-award-centre", "AAC-DM-2026"),
    ("quad-derby", "arts-award-centre", "AAC-QD-2025"),
    ("sinfonia-viva", "arts-award-centre", "AAC-SV-2026"),
    ("derby-museums", "museum-accreditation", "MA-1187"),
)
AWARD_DAYS_AGO = 45


def _organisations(refs: tuple[str, ...]) -> dict[str, Organisation]:
    found = db.session.scalars(select(Organisation).where(Organisation.ref.in_(refs)))
    return {organisation.ref: organisation for organisation in found}


def _verified_safeguarding(organisation: Organisation, assessor: User | None, on: date) -> None:
    """A current safeguarding record, verified by the assessor (left alone if already verified)."""
    record = organisation.safeguarding
    if record is None:
        record = SafeguardingRecord(
            lead_name=organisation.contact_name or "Designated safeguarding lead",
            training="Annual safeguarding training for all staff and volunteers working with children.",
            reporting_procedure="Concerns go to the designated lead the same day, then to the local authority.",
        )
        organisation.safeguarding = record
    if record.verified_at is not None:
        return
    record.policy_reviewed_on = record.policy_reviewed_on or on - timedelta(days=60)
    record.lead_trained_on = record.lead_trained_on or on - timedelta(days=200)
    record.dbs_coverage_percent = 100
    record.verified_at = utcnow() - timedelta(days=AWARD_DAYS_AGO)
    record.verified_by = assessor


def _has_kitemark_records(organisation: Organisation) -> bool:
    query = select(KitemarkApplication.id).where(KitemarkApplication.organisation_id == organisation.id)
    return db.session.scalar(query.limit(1)) is not None


def _awarded_kitemark(organisation: Organisation, assessor: User | None, on: date) -> None:
    """An application decided 'award' with every checklist item verified, its kitemark and history."""
    submitted = utcnow() - timedelta(days=AWARD_DAYS_AGO + 10)
    decided = utcnow() - timedelta(days=AWARD_DAYS_AGO)
    assessor_id = assessor.id if assessor else None
    application = KitemarkApplication(
        organisation=organisation,
        status=ApplicationStatus.AWARDED,
        submitted_at=submitted,
        snapshot=take_snapshot(organisation, on),
        assessor_id=assessor_id,
        assigned_at=submitted + timedelta(days=1),
        no_conflict_declared_at=submitted + timedelta(days=1),
        decided_at=decided,
        decided_by_id=assessor_id,
        decision_reasons="All checklist items verified, safeguarding included (demo data).",
        checks=[
            KitemarkCheck(item_key=key, verified=True, checked_at=decided, checked_by_id=assessor_id)
            for key in CHECKLIST_KEYS
        ],
    )
    db.session.add(application)
    db.session.flush()
    awarded_on = on - timedelta(days=AWARD_DAYS_AGO)
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
    record_past_step("applied", application, occurred_at=submitted, summary="Applied (demo data)")
    record_past_award(application, occurred_at=decided, actor=assessor)
    queue_search_update(organisation)


def _accreditations(on: date) -> None:
    schemes = terms_by_code("accreditation_scheme")
    organisations = _organisations(tuple(ref for ref, _, _ in ACCREDITATIONS))
    for ref, scheme_code, reference in ACCREDITATIONS:
        organisation, scheme = organisations.get(ref), schemes.get(scheme_code)
        if organisation is None or scheme is None:
            continue
        if any(accreditation.scheme_id == scheme.id for accreditation in organisation.accreditations):
            continue
        awarded_on = on - timedelta(days=300)
        organisation.accreditations.append(
            Accreditation(
                scheme=scheme, reference=reference, awarded_on=awarded_on, expires_on=add_years(awarded_on, 3)
            )
        )


def load_verification_demo() -> None:
    """Verify safeguarding, award kitemarks and record accreditations for the chosen demo organisations."""
    on = today()
    assessor = db.session.scalar(select(User).where(User.email == ASSESSOR_EMAIL))
    organisations = _organisations(KITEMARKED_REFS + VERIFIED_REFS)
    for ref in KITEMARKED_REFS + VERIFIED_REFS:
        if ref in organisations:
            _verified_safeguarding(organisations[ref], assessor, on)
    db.session.flush()
    _accreditations(on)
    for ref in KITEMARKED_REFS:
        organisation = organisations.get(ref)
        if organisation is not None and not _has_kitemark_records(organisation):
            _awarded_kitemark(organisation, assessor, on)
    db.session.commit()
