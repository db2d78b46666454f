"""After verification: material edits send it back (shown as lapsed), the review date ends it, a kitemark sets it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.core.clock import today
from marketplace.directory.evidence import services as evidence
from marketplace.extensions import db
from marketplace.notifications.models import OutboxEmail
from marketplace.search.engines.engine import SearchQuery
from marketplace.search.index.maintenance import engine_for
from marketplace.search.index.sync import init_search_sync
from marketplace.verification import services
from marketplace.verification.models import RequestReason, VerificationStatus
from tests.client import text_of
from tests.factories import awarded
from tests.factories.verification import all_met, verified
from tests.lookups import verification_actions as actions


def edit(organisation, provider, **data):
    return evidence.save_safeguarding(organisation, user=provider, data=data)


def test_a_material_edit_lapses_the_verification_and_asks_for_it_again(client, ready, assessor):
    organisation, provider = ready
    first = verified(organisation, provider, assessor)

    edit(organisation, provider, policy_reviewed_on=today() - timedelta(days=5), lead_name="Ben Jones")

    record = organisation.safeguarding
    assert record.verified_at is None and record.verified_by_id is None
    assert first.status == VerificationStatus.LAPSED and "policy review date, designated lead" in first.lapse_reason
    again = services.open_request(organisation)
    assert again.reason == RequestReason.REVERIFICATION and again.changed_fields == [
        "policy review date",
        "designated lead",
    ]
    assert actions()[-2:] == ["verification.lapsed", "verification.requested"]
    queued = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(2))
    assert sorted(email.to_address for email in queued) == sorted([provider.email, assessor.email])
    profile = text_of(client.get(f"/organisations/{organisation.id}"))
    assert "Verification lapsed" in profile
    client.sign_in(assessor.email)
    queue = text_of(client.get("/assessor/verification"))
    assert "Re-verification: policy review date, designated lead changed" in queue


def test_saving_the_record_unchanged_keeps_the_verification(ready, assessor):
    organisation, provider = ready
    verification = verified(organisation, provider, assessor)
    record = organisation.safeguarding

    edit(organisation, provider, lead_name=record.lead_name, dbs_coverage_percent=record.dbs_coverage_percent)

    assert record.verified_at is not None and verification.status == VerificationStatus.VERIFIED
    assert services.open_request(organisation) is None


def test_re_verification_restores_the_verified_mark(ready, assessor):
    organisation, provider = ready
    verified(organisation, provider, assessor)
    edit(organisation, provider, dbs_coverage_percent=100, training="Annual refresher for every volunteer")
    again = services.open_request(organisation)
    services.assign_verification(again, assessor=assessor, by=assessor)
    services.declare_no_conflict(again, assessor=assessor)

    services.decide_verification(again, assessor=assessor, results=all_met(), decision="verified", reasons="")

    assert organisation.safeguarding.verified_at is not None
    assert [v.status for v in services.history(organisation)] == ["verified", "lapsed"]


def test_a_kitemark_award_verifies_the_safeguarding_record(ready, assessor):
    organisation, provider = ready
    services.request_verification(organisation, user=provider)

    awarded(organisation, provider, assessor)

    record = organisation.safeguarding
    latest = services.latest_verification(organisation)
    assert record.verified_at is not None and record.verified_by_id == assessor.id
    assert latest.status == VerificationStatus.VERIFIED and latest.kitemark_application_id is not None
    assert services.open_request(organisation) is None  # the award decided the open request
    assert "verification.verified" in actions()


def test_the_sweep_lapses_a_verification_past_the_policy_review_date(app, ready, assessor, outbox):
    organisation, provider = ready
    verification = verified(organisation, provider, assessor)
    outbox.clear()

    assert services.lapse_past_review_date(verification.valid_until) == []
    lapsed = services.lapse_past_review_date(verification.valid_until + timedelta(days=1))

    assert lapsed == ["Peak Heritage Trust"]
    assert verification.status == VerificationStatus.LAPSED
    assert organisation.safeguarding.verified_at is None
    assert outbox[0]["Subject"] == "Safeguarding verification lapsed"
    result = app.test_cli_runner().invoke(args=["verification", "sweep"])
    assert "0 verification(s) lapsed" in result.output


def test_verification_and_its_lapse_update_the_search_index(app, ready, assessor):
    organisation, provider = ready
    app.config["SEARCH_SYNC"] = True
    init_search_sync(app)
    engine = engine_for(app)
    engine.clear()  # only a rebuild creates an index; updates then follow each commit
    organisation.description = "Touch so the organisation is indexed"
    db.session.commit()

    def verified_hits() -> list[str]:
        return engine.search(SearchQuery(filters={"safeguarding_verified": {"true"}})).ids

    assert verified_hits() == []
    verified(organisation, provider, assessor)
    assert verified_hits() == [f"org-{organisation.id}"]
    edit(organisation, provider, lead_name="Ben Jones")
    assert verified_hits() == []
