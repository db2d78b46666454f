"""Awarding a need: only to a live response from a shortlisted provider; every responder is told the result."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.commissioning.models import NeedStatus, ResponseStatus
from marketplace.commissioning.shortlists.services import AWARD_REFUSED, ShortlistError, award_need
from marketplace.extensions import db
from marketplace.notifications.models import Notification, OutboxEmail
from tests import factories
from tests.client import error_summary, text_of
from tests.commissioning.shortlists.conftest import published_organisation, put_on_shortlist
from tests.factories import make_need, make_response


def award_url(need) -> str:
    return f"/commissioner/needs/{need.id}/award"


@pytest.fixture
def contest(need):
    """Three responders (two shortlisted, one not), a withdrawn responder, each with an account manager."""
    people = {}
    for name in ("Winner Museum", "Runner-up Library", "Unlisted Gallery", "Withdrawn Theatre"):
        organisation = published_organisation(name)
        people[name] = factories.make_provider(organisation, email=f"{name.split()[0].lower()}@example.org")
    responses = {
        name: make_response(
            need,
            user.organisation,
            status=ResponseStatus.WITHDRAWN if name.startswith("Withdrawn") else ResponseStatus.SHORTLISTED,
        )
        for name, user in people.items()
    }
    responses["Unlisted Gallery"].status = ResponseStatus.SUBMITTED
    db.session.commit()
    for name in ("Winner Museum", "Runner-up Library", "Withdrawn Theatre"):
        put_on_shortlist(need, people[name].organisation, response=responses[name])
    return people, responses


def test_awarding_records_the_decision_and_tells_every_responder(signed_in, need, contest, commissioner):
    people, responses = contest
    winner = responses["Winner Museum"]

    page = signed_in.submit(
        award_url(need),
        {"response_id": winner.id, "decision_note": "Best outcomes and price", "confirmed": "yes"},
        follow_redirects=True,
    )

    assert f"‘{need.title}’ awarded to Winner Museum" in text_of(page)
    assert need.status == NeedStatus.AWARDED
    assert need.awarded_response_id == winner.id
    assert need.decision_note == "Best outcomes and price"
    assert need.decided_by_id == commissioner.id and need.awarded_at is not None
    assert winner.status == ResponseStatus.AWARDED
    assert responses["Runner-up Library"].status == ResponseStatus.UNSUCCESSFUL
    assert responses["Unlisted Gallery"].status == ResponseStatus.UNSUCCESSFUL
    assert responses["Withdrawn Theatre"].status == ResponseStatus.WITHDRAWN

    messages = {n.user_id: n.message for n in db.session.scalars(select(Notification))}
    assert set(messages) == {people[n].id for n in ("Winner Museum", "Runner-up Library", "Unlisted Gallery")}
    assert "has awarded" in messages[people["Winner Museum"].id]
    assert "was not successful" in messages[people["Runner-up Library"].id]
    subjects = {e.to_address: e.subject for e in db.session.scalars(select(OutboxEmail))}
    assert subjects["winner@example.org"].startswith("Your response was successful")
    assert subjects["runner-up@example.org"].startswith("Outcome of your response")
    assert "withdrawn@example.org" not in subjects

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "need.awarded"))
    assert event.before["status"] == NeedStatus.OPEN
    assert event.after == {
        "status": "awarded",
        "awarded_response_id": winner.id,
        "decision_note": "Best outcomes and price",
    }


def test_the_award_form_offers_only_shortlisted_live_responses(signed_in, need, contest):
    page = text_of(signed_in.get(award_url(need)))

    assert "Winner Museum" in page and "Runner-up Library" in page
    assert "Unlisted Gallery" not in page and "Withdrawn Theatre" not in page


def test_a_decision_note_and_a_choice_are_required(signed_in, need, contest):
    response = signed_in.submit(award_url(need), {"response_id": "", "decision_note": "  "})

    assert error_summary(response) == ["Select the provider you are awarding this need to", "Enter a decision note"]
    assert need.status == NeedStatus.OPEN


@pytest.mark.parametrize("name", ["Unlisted Gallery", "Withdrawn Theatre"])
def test_award_is_refused_for_a_non_shortlisted_or_withdrawn_responder(signed_in, need, contest, name):
    _, responses = contest

    response = signed_in.submit(award_url(need), {"response_id": responses[name].id, "decision_note": "Because"})

    assert error_summary(response) == [AWARD_REFUSED]
    assert need.status == NeedStatus.OPEN and need.awarded_response_id is None
    assert responses["Winner Museum"].status == ResponseStatus.SHORTLISTED
    assert db.session.scalars(select(Notification)).all() == []


def test_award_is_refused_for_a_shortlisted_provider_that_did_not_respond(need, commissioner):
    organisation = published_organisation()
    put_on_shortlist(need, organisation)
    with pytest.raises(ShortlistError, match=AWARD_REFUSED):
        award_need(need, None, commissioner=commissioner, note="Because")
    assert need.status == NeedStatus.OPEN


def test_award_is_refused_for_a_response_to_another_need(signed_in, need, body, contest):
    other_need = make_need(body)
    organisation = contest[0]["Winner Museum"].organisation
    foreign = make_response(other_need, organisation)

    response = signed_in.submit(award_url(need), {"response_id": foreign.id, "decision_note": "Because"})

    assert error_summary(response) == [AWARD_REFUSED]
    assert need.status == NeedStatus.OPEN and other_need.status == NeedStatus.OPEN


@pytest.mark.parametrize("status", [NeedStatus.CANCELLED, NeedStatus.DRAFT, NeedStatus.AWARDED])
def test_award_is_refused_unless_the_need_is_open_or_closed(body, commissioner, status):
    need = make_need(body, status=status)
    organisation = published_organisation()
    response = make_response(need, organisation)
    put_on_shortlist(need, organisation, response=response)

    with pytest.raises(ShortlistError, match=f"This need is {status}"):
        award_need(need, response, commissioner=commissioner, note="Because")
    assert need.status == status and response.status == ResponseStatus.SUBMITTED


def test_a_cancelled_need_refuses_the_award_form(signed_in, body):
    need = make_need(body, status=NeedStatus.CANCELLED)
    organisation = published_organisation()
    response = make_response(need, organisation)
    put_on_shortlist(need, organisation, response=response)

    page = signed_in.submit(award_url(need), {"response_id": response.id, "decision_note": "Because"})

    assert "This need is cancelled: only an open or closed need can be awarded" in error_summary(page)
    assert need.status == NeedStatus.CANCELLED


def test_a_closed_need_can_be_awarded(body, commissioner):
    need = make_need(body, status=NeedStatus.CLOSED)
    organisation = published_organisation()
    response = make_response(need, organisation)
    put_on_shortlist(need, organisation, response=response)

    award_need(need, response, commissioner=commissioner, note="Only responder, good fit")

    assert need.status == NeedStatus.AWARDED and response.status == ResponseStatus.AWARDED


def test_the_award_asks_to_confirm_before_it_cannot_be_undone(signed_in, need, contest):
    _, responses = contest
    winner = responses["Winner Museum"]

    page = signed_in.submit(award_url(need), {"response_id": winner.id, "decision_note": "Best outcomes"})

    assert page.status_code == 200
    assert "Are you sure you want to award this need to Winner Museum?" in text_of(page)
    assert "This cannot be undone" in text_of(page)
    assert 'name="confirmed" value="yes"' in page.get_data(as_text=True)
    assert need.status != NeedStatus.AWARDED and need.awarded_response_id is None
