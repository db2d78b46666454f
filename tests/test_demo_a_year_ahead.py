"""The demo loaded a year from now is as usable as today: nothing expired, and a provider can respond to a need
that a commissioner then shortlists (issue 11, item 8).

The whole test runs with the clock moved a year ahead (time-machine moves ``datetime``, ``date`` and ``time`` for
the app, the database defaults and the test alike). With absolute dates the demo's needs closed one by one from
2027-01-15 on, and the accessibility tests' fixture could no longer respond to one.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from marketplace.commissioning.models import CommissioningBody, Need, NeedStatus, Response, ResponseStatus
from marketplace.core.clock import today
from marketplace.directory.evidence.services import accreditation_status, policy_is_out_of_date
from marketplace.directory.models import Accreditation, Organisation, SafeguardingRecord
from marketplace.extensions import db
from marketplace.kitemark.status import kitemarked_organisation_ids
from marketplace.reference.services import terms_by_code
from tests.client import FormClient, text_of

PROVIDER = "provider@derby-museums.example.org"
COMMISSIONER = "commissioner@derby.example.org"
BODY_REF = "derby-cyps"


@pytest.fixture
def a_year_ahead(app):
    """The clock a year (and a few hours, to leave the current week) ahead, ticking from there."""
    ahead = datetime.combine(today() + timedelta(days=366), time(10), tzinfo=UTC)
    with time_machine.travel(ahead, tick=True):
        assert today() == ahead.date()
        yield ahead.date()


@pytest.fixture
def demo(app, a_year_ahead) -> str:
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def _signed_in(app, email: str) -> FormClient:
    client = FormClient(app.test_client())
    client.sign_in(email, app.config["DEMO_PASSWORD"])
    return client


def test_a_year_ahead_the_demo_loads_whole_and_nothing_in_it_has_expired(app, demo, a_year_ahead):
    assert "Demo needs: 12 created, 0 updated, 0 unchanged." in demo and "Rejected" not in demo
    open_needs = list(db.session.scalars(select(Need).where(Need.status == NeedStatus.OPEN)))
    assert len(open_needs) == 10
    assert all(need.response_deadline > a_year_ahead for need in open_needs)
    assert all(need.contract_start > need.response_deadline for need in open_needs)
    verified = db.session.scalars(select(SafeguardingRecord).where(SafeguardingRecord.verified_at.is_not(None)))
    assert not any(policy_is_out_of_date(record, on=a_year_ahead) for record in verified)
    assert {accreditation_status(a, a_year_ahead) for a in db.session.scalars(select(Accreditation))} == {"current"}
    assert len(kitemarked_organisation_ids()) == 9


def test_a_year_ahead_a_provider_responds_to_an_open_demo_need_and_the_commissioner_shortlists_it(
    app, demo, a_year_ahead
):
    body = db.session.scalar(select(CommissioningBody).where(CommissioningBody.ref == BODY_REF))
    need = db.session.scalars(
        select(Need).where(Need.body_id == body.id, Need.status == NeedStatus.OPEN).order_by(Need.response_deadline)
    ).first()
    provider = _signed_in(app, PROVIDER)
    assert need.title in text_of(provider.get("/provider/opportunities"))
    outcomes = terms_by_code("ecm_outcome")

    sent = provider.submit(
        f"/needs/{need.id}/respond",
        {
            "approach": "A curator and an artist mentor the young person through a photography project.",
            "outcomes": [str(outcomes["enjoy-and-achieve"].id)],
            "outcomes_statement": "Attendance at school and confidence, reported to the social worker.",
            "price": "2,400",
        },
    )

    response = db.session.scalar(select(Response).where(Response.need_id == need.id))
    assert sent.status_code == 302 and sent.location == f"/responses/{response.id}"
    commissioner = _signed_in(app, COMMISSIONER)
    assert "Derby Museums" in text_of(commissioner.get(f"/commissioner/needs/{need.id}/responses"))
    organisation = db.session.scalar(select(Organisation).where(Organisation.ref == "derby-museums"))
    shortlist_url = f"/commissioner/needs/{need.id}/shortlist"

    added = commissioner.submit(
        "/commissioner/shortlists/add",
        {"need_id": need.id, "organisation_id": organisation.id, "response_id": response.id},
        page_url=shortlist_url,
        follow_redirects=True,
    )

    assert "Derby Museums added to the shortlist" in text_of(added)
    db.session.refresh(response)
    assert response.status == ResponseStatus.SHORTLISTED
