"""The profile page: public fields for everyone, the richer view only for approved commissioners, staff and members."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.core.clock import today
from marketplace.core.roles import Role
from marketplace.directory.models import FrameworkStatement, OrganisationStatus, OutcomeContribution
from marketplace.extensions import db
from marketplace.reference.models import Locality
from tests import factories
from tests.client import text_of
from tests.factories import make_accreditation, make_document, make_impact_evidence, make_offer, make_safeguarding
from tests.lookups import term

PUBLIC_VALUES = [
    "The Derby Museum of Making contributes to Enjoy and achieve by running making clubs.",
    "Achieve personal and social development and enjoy recreation",
    "We contribute to the LAA by widening participation.",
    "Object handling sessions",
    "Ages 5 to 16",
    "Derbyshire",
    "Amber Valley",
    "Young carers",
]
PRIVATE_VALUES = [
    "£12.50 per participant",
    "4.20 : 1",
    "Volunteers from the Friends group",
    "Priya Shah",
    "87% of staff and volunteers",
    "MA-12345",
    "OLD-999",
    "Expired",
    "Secret Reading Evaluation",
    "safeguarding-policy-2025.pdf",
]


@pytest.fixture
def rich_organisation(app):
    organisation = factories.make_organisation(
        "Derby Museum of Making",
        status=OrganisationStatus.PUBLISHED,
        description="A museum of making.",
        age_min=5,
        age_max=16,
        full_cost_recovery=True,
        unit_cost_pence=1250,
        unit_cost_basis="per participant",
        social_return_ratio=Decimal("4.2"),
        added_value="Volunteers from the Friends group",
    )
    organisation.localities = [db.session.scalar(select(Locality).where(Locality.name == "Derbyshire"))]
    organisation.target_groups = [term("target_group", "young-carers")]
    outcome = term("ecm_outcome", "enjoy-and-achieve")
    evidence = make_impact_evidence(organisation, "Secret Reading Evaluation", result="Reading ages rose")
    organisation.outcome_contributions.append(
        OutcomeContribution(
            outcome=outcome, aims=[outcome.children[3]], statement=PUBLIC_VALUES[0], evidence=[evidence]
        )
    )
    organisation.framework_statements.append(
        FrameworkStatement(framework=term("contribution_framework", "local-area-agreement"), statement=PUBLIC_VALUES[2])
    )
    policy = make_document(organisation, "safeguarding-policy-2025.pdf")
    make_safeguarding(
        organisation,
        policy_document=policy,
        policy_reviewed_on=today() - timedelta(days=30),
        lead_name="Priya Shah",
        lead_trained_on=today() - timedelta(days=100),
        dbs_coverage_percent=87,
    )
    make_accreditation(organisation, today() + timedelta(days=300), reference="MA-12345")
    make_accreditation(organisation, date(2020, 1, 1), reference="OLD-999")
    make_offer(organisation, "Object handling sessions")
    db.session.commit()
    return organisation


def _page(client, organisation, viewer=None) -> str:
    if viewer is not None:
        client.sign_in(viewer.email)
    response = client.get(f"/organisations/{organisation.id}")
    assert response.status_code == 200
    return text_of(response)


@pytest.mark.parametrize("viewer", ["anonymous", "pending_commissioner", "other_provider"])
def test_public_viewers_see_public_fields_only(client, rich_organisation, viewer):
    users = {
        "anonymous": lambda: None,
        "pending_commissioner": lambda: factories.make_commissioner(approved=False),
        "other_provider": lambda: factories.make_provider(),
    }

    page = _page(client, rich_organisation, users[viewer]())

    for value in PUBLIC_VALUES:
        assert value in page, value
    for value in PRIVATE_VALUES:
        assert value not in page, value
    assert "For commissioners" not in page


@pytest.mark.parametrize("role", ["approved_commissioner", "assessor", "member"])
def test_approved_commissioners_staff_and_members_see_the_richer_view(client, rich_organisation, role):
    users = {
        "approved_commissioner": lambda: factories.make_commissioner(),
        "assessor": lambda: factories.make_user(Role.ASSESSOR),
        "member": lambda: factories.make_provider(rich_organisation, is_org_admin=False),
    }

    page = _page(client, rich_organisation, users[role]())

    for value in PRIVATE_VALUES:
        assert value in page, value
    assert "Current" in page
    assert "Not verified" in page


def test_an_approved_commissioner_cannot_see_a_draft(client, rich_organisation):
    rich_organisation.status = OrganisationStatus.DRAFT
    db.session.commit()
    client.sign_in(factories.make_commissioner().email)

    assert client.get(f"/organisations/{rich_organisation.id}").status_code == 404


def test_another_provider_cannot_see_a_draft_profile(client, rich_organisation):
    rich_organisation.status = OrganisationStatus.DRAFT
    db.session.commit()
    client.sign_in(factories.make_provider().email)

    response = client.get(f"/organisations/{rich_organisation.id}")

    assert response.status_code == 404
    assert "Priya Shah" not in text_of(response)


def test_an_out_of_date_policy_is_marked(client, rich_organisation):
    rich_organisation.safeguarding.policy_reviewed_on = today() - timedelta(days=400)
    db.session.commit()
    client.sign_in(factories.make_commissioner().email)

    assert "Out of date" in text_of(client.get(f"/organisations/{rich_organisation.id}"))
