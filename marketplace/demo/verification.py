"""Demo evidence checked by the demo assessor: verified safeguarding and accreditations (idempotent).

Most demo needs require "safeguarding verified" and several a kitemark or a named accreditation, so without
this (and ``demo.kitemark``) the demo commissioners' matches would be empty. Nothing here writes a state
directly: every record goes through the product's own services, as the people would.

- **Evidence**: the provider's account manager saves the safeguarding record with a policy document, and each
  accreditation with its certificate (``directory.evidence.services``); the documents are small PDFs built in
  code (``demo.documents``) and uploaded like any file.
- **Safeguarding verified**: the provider asks, the demo assessor is assigned, declares no conflict and
  decides "verified" with every item met (``verification.services``). Kitemarked organisations are verified by
  their kitemark award (``demo.kitemark``).
- **Other states the assessor's pages show**: one organisation whose verification lapsed (its record was
  changed after it was verified, so it went back to the assessors) and one that asked and is waiting.

Evidence dates are counted back from the day the demo is loaded; the services stamp their steps "now", so the
demo's states are as of the load day. An organisation with any verification history, or an accreditation
already recorded, is left as it is, so loading again changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.core.clock import add_years
from marketplace.demo.documents import pdf_upload
from marketplace.directory.evidence.services import save_accreditation, save_safeguarding
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.kitemark.assessing import provider_recipients
from marketplace.reference.services import terms_by_code
from marketplace.verification.checks import ITEM_KEYS
from marketplace.verification.services import (
    Decision,
    ItemResult,
    assign_verification,
    decide_verification,
    declare_no_conflict,
    latest_verification,
    request_verification,
)

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
LAPSED_REF = "lincolnshire-libraries-heritage"  # verified, then its record changed: back with the assessors
PENDING_REF = "rutland-county-museum"  # asked for verification, waiting for an assessor
# (organisation ref, accreditation scheme code, certificate reference)
ACCREDITATIONS = (
    ("derby-museums", "arts-award-centre", "AAC-DM-2026"),
    ("quad-derby", "arts-award-centre", "AAC-QD-2025"),
    ("sinfonia-viva", "arts-award-centre", "AAC-SV-2026"),
    ("derby-museums", "museum-accreditation", "MA-1187"),
)
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


def provider_user(organisation: Organisation) -> User | None:
    """Who acts for the organisation: its account manager (the demo gives each organisation one)."""
    recipients = provider_recipients(organisation)
    return recipients[0] if recipients else None


def current_safeguarding(organisation: Organisation, on: date) -> None:
    """The provider saves a current safeguarding record with its policy document (a complete one is left alone)."""
    record = organisation.safeguarding
    if record is not None and record.policy_document is not None and record.policy_reviewed_on is not None:
        return
    data = {
        "lead_name": organisation.contact_name or "Designated safeguarding lead",
        "training": "Annual safeguarding training for all staff and volunteers working with children.",
        "reporting_procedure": "Concerns go to the designated lead the same day, then to the local authority.",
        "policy_reviewed_on": on - timedelta(days=POLICY_REVIEWED_DAYS_AGO),
        "lead_trained_on": on - timedelta(days=LEAD_TRAINED_DAYS_AGO),
        "dbs_coverage_percent": 100,
    }
    if record is not None:  # keep what the provider already recorded
        data = {name: value for name, value in data.items() if getattr(record, name) in (None, "")}
    policy = pdf_upload(
        f"{organisation.ref}-safeguarding-policy.pdf",
        [f"{organisation.name}", "Safeguarding policy for work with children and young people", "(demo document)"],
    )
    save_safeguarding(organisation, user=provider_user(organisation), data=data, upload=policy)


def verify(organisation: Organisation, assessor: User, on: date) -> None:
    """The provider asks; the assessor is assigned, declares no conflict and verifies every item."""
    current_safeguarding(organisation, on)
    verification = request_verification(organisation, user=provider_user(organisation))
    assign_verification(verification, assessor=assessor, by=assessor)
    declare_no_conflict(verification, assessor=assessor)
    decide_verification(
        verification,
        assessor=assessor,
        results={key: ItemResult(True) for key in ITEM_KEYS},
        decision=Decision.VERIFIED,
        reasons="Every item met: policy, lead, vetting and the policy document checked (demo data).",
    )


def _lapse_by_edit(organisation: Organisation, assessor: User, on: date) -> None:
    """Verified, then the provider changed the record: the verification lapsed and went back to the assessors."""
    verify(organisation, assessor, on)
    save_safeguarding(
        organisation,
        user=provider_user(organisation),
        data={"lead_name": "New designated safeguarding lead (demo data)"},
    )


def _request_only(organisation: Organisation, on: date) -> None:
    current_safeguarding(organisation, on)
    request_verification(organisation, user=provider_user(organisation))


def _accreditations(on: date) -> None:
    schemes = terms_by_code("accreditation_scheme")
    organisations = organisations_by_ref(tuple(ref for ref, _, _ in ACCREDITATIONS))
    for ref, scheme_code, reference in ACCREDITATIONS:
        organisation, scheme = organisations.get(ref), schemes.get(scheme_code)
        if organisation is not None and scheme is not None:
            record_accreditation(organisation, scheme.id, reference, on)


def record_accreditation(organisation: Organisation, scheme_id: int, reference: str, on: date) -> None:
    """The provider records the accreditation with its certificate (once per scheme)."""
    if any(accreditation.scheme_id == scheme_id for accreditation in organisation.accreditations):
        return
    awarded_on = on - timedelta(days=ACCREDITED_DAYS_AGO)
    certificate = pdf_upload(
        f"{organisation.ref}-{reference.lower()}.pdf",
        [organisation.name, f"Accreditation certificate {reference}", "(demo document)"],
    )
    save_accreditation(
        organisation,
        user=provider_user(organisation),
        data={
            "scheme_id": scheme_id,
            "reference": reference,
            "awarded_on": awarded_on,
            "expires_on": add_years(awarded_on, ACCREDITATION_YEARS),
        },
        upload=certificate,
    )


def untouched(organisation: Organisation) -> bool:
    """No verification yet (nor a record already marked verified by an older demo load): safe to start one."""
    record = organisation.safeguarding
    return latest_verification(organisation) is None and (record is None or record.verified_at is None)


def load_verification_demo(assessor: User | None, on: date) -> None:
    """Verify the chosen demo organisations' safeguarding, show a lapse and a request, record accreditations."""
    if assessor is not None:
        organisations = organisations_by_ref((*VERIFIED_REFS, LAPSED_REF, PENDING_REF))
        steps = [(ref, verify) for ref in VERIFIED_REFS] + [(LAPSED_REF, _lapse_by_edit)]
        for ref, step in steps:
            if ref in organisations and untouched(organisations[ref]):
                step(organisations[ref], assessor, on)
        pending = organisations.get(PENDING_REF)
        if pending is not None and untouched(pending):
            _request_only(pending, on)
    _accreditations(on)
