"""The readiness checklist flips item by item as a provider adds what commissioners look for."""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.directory.models import OrganisationStatus, OutcomeContribution
from marketplace.directory.readiness import is_ready, readiness
from marketplace.extensions import db
from tests.client import text_of
from tests.factories import make_accreditation, make_document, make_impact_evidence, make_offer, make_safeguarding
from tests.lookups import term

ON = date(2026, 6, 1)


def done(organisation) -> dict[str, bool]:
    return {item.key: item.done for item in readiness(organisation, ON)}


def test_a_new_organisation_is_missing_everything(organisation):
    assert done(organisation) == dict.fromkeys(
        [
            "published",
            "safeguarding_policy",
            "lead_trained",
            "dbs_coverage",
            "offer",
            "outcome_evidence",
            "accreditation",
            "value_for_money",
        ],
        False,
    )
    assert not is_ready(organisation, ON)


def test_items_flip_as_data_is_added(organisation):
    organisation.status = OrganisationStatus.PUBLISHED
    record = make_safeguarding(organisation, policy_reviewed_on=ON - timedelta(days=364))
    assert done(organisation)["published"]
    assert not done(organisation)["safeguarding_policy"]  # no policy document yet

    record.policy_document = make_document(organisation)
    record.lead_trained_on = ON - timedelta(days=3 * 365 - 10)
    record.dbs_coverage_percent = 99
    db.session.commit()
    assert done(organisation)["safeguarding_policy"]
    assert done(organisation)["lead_trained"]
    assert not done(organisation)["dbs_coverage"]

    record.dbs_coverage_percent = 100
    make_offer(organisation)
    outcome = term("ecm_outcome", "stay-safe")
    contribution = OutcomeContribution(outcome=outcome, aims=[outcome.children[0]], statement="We contribute by …")
    organisation.outcome_contributions.append(contribution)
    db.session.commit()
    assert done(organisation)["dbs_coverage"] and done(organisation)["offer"]
    assert not done(organisation)["outcome_evidence"]  # a statement, but no evidence linked

    contribution.evidence = [make_impact_evidence(organisation)]
    make_accreditation(organisation, ON)  # valid up to and including its expiry date
    organisation.full_cost_recovery = False
    organisation.social_return_ratio = 3
    db.session.commit()

    assert is_ready(organisation, ON)


def test_out_of_date_evidence_stops_being_ready(organisation):
    make_safeguarding(
        organisation,
        policy_reviewed_on=ON - timedelta(days=366),
        policy_document=make_document(organisation),
        lead_trained_on=ON - timedelta(days=3 * 366 + 1),
    )
    make_accreditation(organisation, ON - timedelta(days=1))
    organisation.full_cost_recovery = True  # but neither a unit cost nor a ratio
    db.session.commit()

    items = {item.key: item for item in readiness(organisation, ON)}

    assert not items["safeguarding_policy"].done
    assert "last reviewed on 31 May 2025" in items["safeguarding_policy"].missing
    assert not items["lead_trained"].done
    assert "more than 3 years old" in items["lead_trained"].missing
    assert not items["accreditation"].done
    assert "expired" in items["accreditation"].missing
    assert not items["value_for_money"].done


def test_the_dashboard_says_what_commissioners_look_for_and_links_to_fix(signed_in, organisation):
    response = signed_in.get("/provider")

    page = text_of(response)
    assert "Ready for commissioners: 0 of 8 done" in page
    assert "Enhanced DBS checks for 100% of staff and volunteers" in page
    assert "safeguarding training was in the last 3 years" in page
    html = response.get_data(as_text=True)
    assert 'href="/provider/profile/value-for-money"' in html
    assert 'href="/provider/profile"' in html
