"""Demo evidence checked by the demo assessor: verified safeguarding and accreditations (idempotent).

Most demo needs require "safeguarding verified" and several a kitemark or a named accreditation, so without
this (and ``demo.kitemark``) the demo commissioners' matches would be empty. What it adds follows the product's
rules:

- **Safeguarding verified** means an assessor checked the organisation's safeguarding record: the record is
  current (policy reviewed in the last 12 months, a trained designated lead, full enhanced DBS coverage) and
  carries ``verified_at`` / ``verified_by`` (the demo assessor). Kitemarked organisations are verified by their
  kitemark review (``demo.kitemark``); the ones here were checked outside a review.
- **Accreditations** are the certificates a provider records (scheme, reference, dates).

Every date is counted back from the day the demo is loaded, so the evidence is current whenever that is. A
record an assessor already verified, or an accreditation already recorded, is left as it is, so loading again
changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.core.clock import add_years, utcnow
from marketplace.directory.models import Accreditation, Organisation, SafeguardingRecord
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code

ASSESSOR_EMAIL = "assessor@artscouncil.example.org"
VERIFIED_REFS = (
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
REVIEWED_DAYS_AGO = 45  # when the assessor verified safeguarding and decided the kitemark reviews
POLICY_REVIEWED_DAYS_AGO = 60
LEAD_TRAINED_DAYS_AGO = 200
ACCREDITED_DAYS_AGO = 300
ACCREDITATION_YEARS = 3


def organisations_by_ref(refs: tuple[str, ...]) -> dict[str, Organisation]:
    """The demo organisations with these refs that exist (a trimmed demo file simply has fewer)."""
    found = db.session.scalars(select(Organisation).where(Organisation.ref.in_(refs)))
    return {organisation.ref: organisation for organisation in found}


def demo_assessor() -> User | None:
    """The assessor every demo check and review is recorded against (None if the demo file has no such user)."""
    return db.session.scalar(select(User).where(User.email == ASSESSOR_EMAIL))


def current_safeguarding(organisation: Organisation, on: date) -> SafeguardingRecord:
    """The organisation's safeguarding record, made current on ``on`` (existing dates are kept)."""
    record = organisation.safeguarding
    if record is None:
        record = SafeguardingRecord(
            lead_name=organisation.contact_name or "Designated safeguarding lead",
            training="Annual safeguarding training for all staff and volunteers working with children.",
            reporting_procedure="Concerns go to the designated lead the same day, then to the local authority.",
        )
        organisation.safeguarding = record
    record.policy_reviewed_on = record.policy_reviewed_on or on - timedelta(days=POLICY_REVIEWED_DAYS_AGO)
    record.lead_trained_on = record.lead_trained_on or on - timedelta(days=LEAD_TRAINED_DAYS_AGO)
    record.dbs_coverage_percent = record.dbs_coverage_percent or 100
    return record


def verify(organisation: Organisation, assessor: User | None, on: date) -> None:
    """A current safeguarding record, verified by the assessor (left alone if already verified)."""
    if organisation.safeguarding is not None and organisation.safeguarding.verified_at is not None:
        return
    record = current_safeguarding(organisation, on)
    record.dbs_coverage_percent = 100
    record.verified_at = utcnow() - timedelta(days=REVIEWED_DAYS_AGO)
    record.verified_by = assessor


def _accreditations(on: date) -> None:
    schemes = terms_by_code("accreditation_scheme")
    organisations = organisations_by_ref(tuple(ref for ref, _, _ in ACCREDITATIONS))
    for ref, scheme_code, reference in ACCREDITATIONS:
        organisation, scheme = organisations.get(ref), schemes.get(scheme_code)
        if organisation is None or scheme is None:
            continue
        if any(accreditation.scheme_id == scheme.id for accreditation in organisation.accreditations):
            continue
        awarded_on = on - timedelta(days=ACCREDITED_DAYS_AGO)
        organisation.accreditations.append(
            Accreditation(
                scheme=scheme,
                reference=reference,
                awarded_on=awarded_on,
                expires_on=add_years(awarded_on, ACCREDITATION_YEARS),
            )
        )


def load_verification_demo(assessor: User | None, on: date) -> None:
    """Verify the chosen demo organisations' safeguarding and record their accreditations."""
    organisations = organisations_by_ref(VERIFIED_REFS)
    for ref in VERIFIED_REFS:
        if ref in organisations:
            verify(organisations[ref], assessor, on)
    db.session.flush()
    _accreditations(on)
    db.session.commit()
