"""Kitemark test data: an organisation whose readiness checklist is complete, and applications in each state."""

from __future__ import annotations

from datetime import timedelta

from marketplace.accounts.models import User
from marketplace.core.clock import today
from marketplace.directory.evidence import services as evidence
from marketplace.directory.models import Offer, Organisation, OrganisationStatus, OutcomeContribution
from marketplace.extensions import db
from marketplace.kitemark import services
from marketplace.kitemark.checklist import CHECKLIST_KEYS
from marketplace.kitemark.models import Kitemark, KitemarkApplication
from marketplace.reference.services import terms_by_code
from tests.directory.evidence import files
from tests.factories.accounts import make_provider
from tests.factories.directory import make_organisation
from tests.forms import file_storage
from tests.lookups import DERBY
from tests.lookups import locality as lookup_locality


def make_ready_organisation(name: str | None = None, *, locality: str = DERBY, **fields) -> tuple[Organisation, User]:
    """A published organisation with every readiness item done, and its account manager."""
    kind = fields.pop("organisation_type", None)
    organisation = make_organisation(
        name,
        status=OrganisationStatus.PUBLISHED,
        **{"full_cost_recovery": True, "unit_cost_pence": 1500, "registration_number": "1234567", **fields},
    )
    if kind is not None:
        organisation.organisation_type = kind
    organisation.localities = [lookup_locality(locality)]
    provider = make_provider(organisation)
    on = today()
    evidence.save_safeguarding(
        organisation,
        user=provider,
        data={
            "policy_reviewed_on": on - timedelta(days=30),
            "lead_name": "Sam Lead",
            "lead_trained_on": on - timedelta(days=100),
            "dbs_coverage_percent": 100,
        },
        upload=file_storage(files.pdf(), "safeguarding-policy.pdf"),
    )
    evidence.save_accreditation(
        organisation,
        user=provider,
        data={
            "scheme_id": terms_by_code("accreditation_scheme")["museum-accreditation"].id,
            "awarded_on": on - timedelta(days=400),
            "expires_on": on + timedelta(days=700),
        },
        upload=file_storage(files.png(), "certificate.png"),
    )
    impact = evidence.save_impact_evidence(
        organisation,
        user=provider,
        data={"title": "Family learning evaluation", "kind": "evaluation", "method": "Survey", "result": "Up 20%"},
    )
    outcome = terms_by_code("ecm_outcome")["enjoy-and-achieve"]
    db.session.add(
        OutcomeContribution(organisation=organisation, outcome=outcome, statement="Workshops", evidence=[impact])
    )
    db.session.add(Offer(organisation=organisation, title="Museum workshop", price_pence=15000))
    db.session.commit()
    return organisation, provider


def all_verified(note: str = "") -> dict[str, services.CheckResult]:
    return {key: services.CheckResult(True, note) for key in CHECKLIST_KEYS}


def review_ready(organisation: Organisation, provider: User, assessor: User) -> KitemarkApplication:
    """An application assigned to ``assessor``, who has declared no conflict."""
    application = services.apply_for_kitemark(organisation, user=provider)
    services.assign_application(application, assessor=assessor, by=assessor)
    services.declare_no_conflict(application, assessor=assessor)
    return application


def awarded(organisation: Organisation, provider: User, assessor: User) -> Kitemark:
    application = review_ready(organisation, provider, assessor)
    return services.decide_application(
        application, assessor=assessor, results=all_verified(), decision=services.Decision.AWARD, reasons="All good"
    )
