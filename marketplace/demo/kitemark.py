"""Demo kitemarks: nine organisations kitemarked through completed reviews, one application waiting (idempotent).

Each kitemarked organisation goes through the product's own kitemark services: its account manager records the
evidence the readiness checklist asks for (a current safeguarding record with its policy document and an
accreditation with its certificate, through ``demo.verification``) and applies; the demo assessor is
assigned, declares no conflict and awards the kitemark with every checklist item verified. The award verifies
safeguarding too (the ``kitemark_awarded`` signal). Leicester Museums and Galleries has applied and waits in the
assessor's queue. The services stamp each step "now", so the kitemarks run from the load day. An organisation
that already has kitemark records is left as it is, so loading again changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.demo.documents import pdf_upload
from marketplace.demo.verification import (
    current_safeguarding,
    organisations_by_ref,
    provider_user,
    record_accreditation,
)
from marketplace.directory.evidence.services import save_impact_evidence
from marketplace.directory.models import Organisation
from marketplace.directory.services import ContributionInput, update_outcomes
from marketplace.extensions import db
from marketplace.kitemark.checklist import CHECKLIST_KEYS
from marketplace.kitemark.models import Decision, KitemarkApplication
from marketplace.kitemark.services import (
    CheckResult,
    apply_for_kitemark,
    assign_application,
    decide_application,
    declare_no_conflict,
)
from marketplace.reference.services import terms_by_code

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
EVALUATED_DAYS_AGO = 400
ACCREDITATION_SCHEME = "arts-award-supporter"  # the readiness checklist asks for a current accreditation


def _has_kitemark_records(organisation: Organisation) -> bool:
    query = select(KitemarkApplication.id).where(KitemarkApplication.organisation_id == organisation.id)
    return db.session.scalar(query.limit(1)) is not None


def _ready(organisation: Organisation, on: date) -> None:
    """The evidence the readiness checklist asks for, recorded by the provider."""
    current_safeguarding(organisation, on)
    _evidenced_outcome(organisation, on)
    scheme = terms_by_code("accreditation_scheme").get(ACCREDITATION_SCHEME)
    if scheme is not None:
        record_accreditation(organisation, scheme.id, f"AAS-{organisation.ref.upper()[:12]}", on)


def _evidenced_outcome(organisation: Organisation, on: date) -> None:
    """An outcome statement backed by impact evidence: the provider records an evaluation and links it."""
    stated = [item for item in organisation.outcome_contributions if item.statement]
    if not stated or any(item.evidence for item in stated):
        return
    contribution, user = stated[0], provider_user(organisation)
    report = pdf_upload(
        f"{organisation.ref}-evaluation.pdf",
        [organisation.name, f"Evaluation: {contribution.outcome.label}", "(demo document)"],
    )
    evidence = save_impact_evidence(
        organisation,
        user=user,
        data={
            "title": f"Evaluation of our work for {contribution.outcome.label.lower()}",
            "kind": "evaluation",
            "outcome_id": contribution.outcome_id,
            "method": "Before and after questionnaires completed by participants and their workers.",
            "result": "Most participants reported a lasting improvement (demo data).",
            "sample_size": 40,
            "period_start": on - timedelta(days=EVALUATED_DAYS_AGO),
            "period_end": on - timedelta(days=EVALUATED_DAYS_AGO - 180),
        },
        upload=report,
    )
    entry = ContributionInput(
        outcome_id=contribution.outcome_id,
        aim_ids=[aim.id for aim in contribution.aims],
        statement=contribution.statement,
        evidence_ids=[evidence.id],
    )
    update_outcomes(organisation, [entry], actor=user)


def _award(organisation: Organisation, assessor: User, on: date) -> None:
    """Apply, assign, declare no conflict, award with every checklist item verified."""
    _ready(organisation, on)
    application = apply_for_kitemark(organisation, user=provider_user(organisation))
    assign_application(application, assessor=assessor, by=assessor)
    declare_no_conflict(application, assessor=assessor)
    decide_application(
        application,
        assessor=assessor,
        results={key: CheckResult(True) for key in CHECKLIST_KEYS},
        decision=Decision.AWARD,
        reasons="All checklist items verified, safeguarding included (demo data).",
    )


def load_kitemark_demo(assessor: User | None, on: date) -> None:
    """Award the demo kitemarks (the award verifies safeguarding) and file Leicester's application."""
    organisations = organisations_by_ref((*KITEMARKED_REFS, APPLYING_REF))
    if assessor is not None:
        for ref in KITEMARKED_REFS:
            organisation = organisations.get(ref)
            if organisation is not None and not _has_kitemark_records(organisation):
                _award(organisation, assessor, on)
    applying = organisations.get(APPLYING_REF)
    if applying is not None and not _has_kitemark_records(applying):
        _ready(applying, on)
        apply_for_kitemark(applying, user=provider_user(applying))
