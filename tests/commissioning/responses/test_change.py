"""Changing and withdrawing a response: only by its responder, only until the deadline while the need is open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.commissioning.models import NeedStatus, Response, ResponseStatus
from marketplace.core.clock import today
from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests.client import error_summary, text_of
from tests.commissioning.responses.conftest import form_data, make_consortium
from tests.factories import make_organisation, make_provider, make_response


@pytest.fixture
def response(world) -> Response:
    return make_response(world.need, world.organisation, approach="Original approach", price_pence=500_000)


def _deadline_message(need) -> str:
    deadline = need.response_deadline
    return f"The deadline for responses was {deadline.day} {deadline:%B %Y}. Late responses cannot be accepted"


def test_responder_changes_its_response_before_the_deadline(client, world, response):
    client.sign_in(world.provider.email)
    page = client.get(f"/responses/{response.id}/edit")
    assert page.status_code == 200 and "Original approach" in page.get_data(as_text=True)

    result = client.submit(f"/responses/{response.id}/edit", form_data(approach="Better approach", price="6000"))

    assert result.status_code == 302 and result.location == f"/responses/{response.id}"
    db.session.refresh(response)
    assert response.approach == "Better approach" and response.price_pence == 600_000
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "response.updated"))
    assert event.before["approach"] == "Original approach" and event.after["approach"] == "Better approach"


def test_a_change_with_bad_input_keeps_the_response_unchanged(client, world, response):
    client.sign_in(world.provider.email)
    result = client.submit(f"/responses/{response.id}/edit", form_data(approach="", price="abc"))
    assert error_summary(result) == ["Enter your approach", "Enter a price in pounds, like 7500 or 7500.00"]
    db.session.refresh(response)
    assert response.approach == "Original approach" and response.price_pence == 500_000


def test_changes_after_the_deadline_are_refused_with_the_deadline_message(client, world, response):
    client.sign_in(world.provider.email)
    token = client.csrf_token(f"/responses/{response.id}/edit")
    world.need.response_deadline = today() - timedelta(days=1)
    db.session.commit()

    assert _deadline_message(world.need) in text_of(client.get(f"/responses/{response.id}/edit"))
    result = client.post(f"/responses/{response.id}/edit", data={**form_data(approach="Late"), "csrf_token": token})
    assert _deadline_message(world.need) in text_of(result)
    withdrawn = client.post(f"/responses/{response.id}/withdraw", data={"csrf_token": token})
    assert _deadline_message(world.need) in text_of(withdrawn)

    db.session.refresh(response)
    assert response.approach == "Original approach" and response.status == ResponseStatus.SUBMITTED
    page = text_of(client.get(f"/responses/{response.id}"))
    assert "Change your response" not in page and "Withdraw this response" not in page


def test_changes_to_a_closed_need_are_refused(client, world, response):
    client.sign_in(world.provider.email)
    world.need.status = NeedStatus.CLOSED
    db.session.commit()
    assert "This need is no longer accepting responses" in text_of(client.get(f"/responses/{response.id}/edit"))


def test_responder_withdraws_and_the_response_stays_visible_as_withdrawn(client, world, response, outbox):
    client.sign_in(world.provider.email)
    result = client.submit(f"/responses/{response.id}/withdraw", page_url=f"/responses/{response.id}")

    assert result.status_code == 302
    db.session.refresh(response)
    assert response.status == ResponseStatus.WITHDRAWN and response.withdrawn_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "response.withdrawn")) is not None
    assert db.session.scalar(select(Notification.user_id)) == world.commissioner.id
    assert [message["To"] for message in outbox] == [world.commissioner.email]
    page = text_of(client.get(f"/responses/{response.id}"))
    assert "Withdrawn" in page and "Change your response" not in page
    assert "Withdrawn" in text_of(client.get("/provider/responses"))
    again = client.submit(f"/responses/{response.id}/withdraw", page_url="/provider/responses")
    assert "This response has been withdrawn" in text_of(again)


def test_a_member_of_the_responding_consortium_may_change_its_response(client, world):
    member = make_organisation("Derby Theatre")
    consortium = make_consortium(world.organisation, member)
    response = make_response(world.need, world.organisation, consortium=consortium)
    member_user = make_provider(member)
    client.sign_in(member_user.email)
    assert client.get(f"/responses/{response.id}").status_code == 200
    assert client.submit(f"/responses/{response.id}/edit", form_data(approach="Joint plan")).status_code == 302
    db.session.refresh(response)
    assert response.approach == "Joint plan"


@pytest.mark.parametrize("path", ["", "/edit"])
def test_another_provider_cannot_see_or_change_the_response(client, world, response, path):
    intruder = make_provider(make_organisation("Nottingham Museums", status=OrganisationStatus.PUBLISHED))
    client.sign_in(intruder.email)
    assert client.get(f"/responses/{response.id}{path}").status_code == 404
    token = client.csrf_token("/provider/responses")
    changed = client.post(f"/responses/{response.id}/edit", data={**form_data(approach="Hijack"), "csrf_token": token})
    withdrawn = client.post(f"/responses/{response.id}/withdraw", data={"csrf_token": token})
    assert changed.status_code == 404 and withdrawn.status_code == 404
    db.session.refresh(response)
    assert response.approach == "Original approach" and response.status == ResponseStatus.SUBMITTED


def test_a_former_consortium_member_cannot_see_the_response(client, world):
    member = make_organisation("Derby Theatre")
    consortium = make_consortium(world.organisation, member)
    consortium.memberships[-1].status = "left"
    db.session.commit()
    response = make_response(world.need, world.organisation, consortium=consortium)
    client.sign_in(make_provider(member).email)
    assert client.get(f"/responses/{response.id}").status_code == 404
