"""Responding to a need: as an organisation or a consortium it leads, with every rule and bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.commissioning.models import NeedStatus, Response, ResponseStatus
from marketplace.core.clock import today, utcnow
from marketplace.directory.models import Accreditation, OrganisationStatus, SafeguardingRecord
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.reference.services import terms_by_code
from tests.client import error_summary, text_of
from tests.commissioning.responses.conftest import form_data, make_consortium, make_evidence
from tests.factories import make_commissioner, make_need, make_organisation, make_provider, make_response


def respond_url(need) -> str:
    return f"/needs/{need.id}/respond"


def response_count() -> int:
    return db.session.scalar(select(func.count(Response.id)))


def test_provider_responds_as_its_organisation_with_outcomes_price_and_evidence(client, world):
    client.sign_in(world.provider.email)
    page = client.get(respond_url(world.need))
    assert page.status_code == 200
    assert "Creative short breaks" in text_of(page)
    assert "Who are you responding as?" not in text_of(page)  # no consortium to choose

    result = client.submit(respond_url(world.need), form_data(evidence=[str(world.evidence.id)]))

    response = db.session.scalar(select(Response))
    assert result.status_code == 302 and result.location == f"/responses/{response.id}"
    assert response.organisation == world.organisation and response.consortium is None
    assert response.submitted_by == world.provider
    assert response.price_pence == 750_050
    assert {term.code for term in response.outcomes} == {"enjoy-and-achieve", "be-healthy"}
    assert response.evidence == [world.evidence]
    assert response.status == ResponseStatus.SUBMITTED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "response.submitted"))
    assert event.object_id == str(response.id) and event.after["price_pence"] == 750_050
    shown = text_of(client.get(result.location))
    assert "Derby Museums" in shown and "£7,500.50" in shown and "Family art club evaluation" in shown


def test_commissioners_of_the_body_are_notified_and_emailed_on_submission(client, world, outbox):
    pending = make_commissioner(world.body, approved=False, is_org_admin=False)
    other_body_commissioner = make_commissioner()
    client.sign_in(world.provider.email)
    client.submit(respond_url(world.need), form_data())

    notified = db.session.scalars(select(Notification.user_id)).all()
    assert notified == [world.commissioner.id]
    assert pending.id not in notified and other_body_commissioner.id not in notified
    assert [message["To"] for message in outbox] == [world.commissioner.email]
    assert "Derby Museums responded to ‘Creative short breaks’" in outbox[0].get_content()


def test_provider_responds_as_a_consortium_its_organisation_leads(client, world):
    partner = make_organisation("Derby Theatre")
    consortium = make_consortium(world.organisation, partner)
    client.sign_in(world.provider.email)
    page = client.get(respond_url(world.need))
    assert "Who are you responding as?" in text_of(page)
    assert "Derby Culture Partners (a consortium you lead)" in text_of(page)

    result = client.submit(respond_url(world.need), form_data(respond_as=str(consortium.id)))

    assert result.status_code == 302
    response = db.session.scalar(select(Response))
    assert response.consortium == consortium and response.organisation == world.organisation
    assert response.responder_name == "Derby Culture Partners"


def test_organisation_may_respond_alone_and_for_its_consortium_separately(client, world):
    consortium = make_consortium(world.organisation)
    make_response(world.need, world.organisation)
    client.sign_in(world.provider.email)
    assert client.submit(respond_url(world.need), form_data(respond_as=str(consortium.id))).status_code == 302
    assert response_count() == 2


def test_a_member_that_does_not_lead_cannot_respond_as_the_consortium(client, world):
    lead = make_organisation("Derby Theatre")
    consortium = make_consortium(lead, world.organisation)
    client.sign_in(world.provider.email)
    assert "Derby Culture Partners" not in text_of(client.get(respond_url(world.need)))

    result = client.submit(respond_url(world.need), form_data(respond_as=str(consortium.id)))

    assert result.status_code == 200
    assert error_summary(result) == ["Select your organisation or a consortium your organisation leads"]
    assert response_count() == 0


@pytest.mark.parametrize("tampered", ["999999", "not-a-number", "-1"])
def test_a_tampered_consortium_id_is_refused(client, world, tampered):
    make_consortium(world.organisation)
    client.sign_in(world.provider.email)
    result = client.submit(respond_url(world.need), form_data(respond_as=tampered))
    assert error_summary(result) == ["Select your organisation or a consortium your organisation leads"]
    assert response_count() == 0


def test_a_need_that_does_not_welcome_consortia_refuses_them(client, world):
    consortium = make_consortium(world.organisation)
    world.need.consortium_welcome = False
    db.session.commit()
    client.sign_in(world.provider.email)
    assert "Who are you responding as?" not in text_of(client.get(respond_url(world.need)))

    result = client.submit(respond_url(world.need), form_data(respond_as=str(consortium.id)))

    assert error_summary(result) == ["This need does not accept responses from consortia. Respond as your organisation"]
    assert response_count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"approach": ""}, "Enter your approach"),
        ({"approach": "   "}, "Enter your approach"),
        ({"approach": "x" * 10_001}, "Approach must be 10,000 characters or fewer"),
        ({"outcomes": None}, "Select at least one outcome you will deliver"),
        ({"outcomes": ["999999"]}, "Select outcomes from the list"),
        ({"price": ""}, "Enter your price in pounds, or 0 if there is no charge"),
        ({"price": "seven thousand"}, "Enter a price in pounds, like 7500 or 7500.00"),
        ({"price": "-5"}, "Price must be £0 or more"),
        ({"price": "10.505"}, "Price must be in pounds and pence, with no more than 2 decimal places"),
        ({"price": "1e5"}, "Enter a price in pounds, like 7500 or 7500.00"),
        ({"price": "200000000"}, "Price must be £100,000,000 or less"),
        ({"outcomes_statement": "x" * 5_001}, "Outcomes statement must be 5,000 characters or fewer"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_typed_is_lost(client, world, overrides, message):
    client.sign_in(world.provider.email)
    data = form_data(**overrides)
    result = client.submit(respond_url(world.need), data)
    assert result.status_code == 200
    assert error_summary(result) == [message]
    assert "<title>Error: " in result.get_data(as_text=True)
    if data.get("approach", "").strip():
        assert data["approach"][:50] in result.get_data(as_text=True)
    assert response_count() == 0


def test_a_free_response_is_accepted_with_price_zero(client, world):
    client.sign_in(world.provider.email)
    assert client.submit(respond_url(world.need), form_data(price="0")).status_code == 302
    assert db.session.scalar(select(Response)).price_pence == 0


def test_a_call_for_input_needs_no_price(client, world):
    world.need.kind = terms_by_code("need_kind")["call-for-input"]
    db.session.commit()
    client.sign_in(world.provider.email)
    assert client.submit(respond_url(world.need), form_data(price="")).status_code == 302
    assert db.session.scalar(select(Response)).price_pence is None


def test_evidence_of_another_organisation_is_refused(client, world):
    foreign = make_evidence(make_organisation("Nottingham Museums"), "Someone else's case study")
    client.sign_in(world.provider.email)
    assert "Someone else's case study" not in text_of(client.get(respond_url(world.need)))

    result = client.submit(respond_url(world.need), form_data(evidence=[str(world.evidence.id), str(foreign.id)]))

    assert error_summary(result) == ["Select evidence from the list"]
    assert response_count() == 0


def test_a_late_response_is_refused_with_the_deadline_message(client, world):
    client.sign_in(world.provider.email)
    world.need.response_deadline = today() + timedelta(days=30)
    db.session.commit()
    client.get(respond_url(world.need))  # fine before the deadline …
    world.need.response_deadline = today() - timedelta(days=1)
    db.session.commit()
    deadline = f"{world.need.response_deadline.day} {world.need.response_deadline:%B %Y}"
    message = f"The deadline for responses was {deadline}. Late responses cannot be accepted"

    page = client.get(respond_url(world.need))
    assert message in text_of(page) and "Submit response" not in text_of(page)
    result = client.post(respond_url(world.need), data={**form_data(), "csrf_token": client.csrf_token("/")})

    assert message in text_of(result)
    assert form_data()["approach"] in text_of(result)  # what was typed is shown to copy, not lost
    assert response_count() == 0


def test_a_response_is_accepted_on_the_deadline_day(client, world):
    world.need.response_deadline = today()
    db.session.commit()
    client.sign_in(world.provider.email)
    assert client.submit(respond_url(world.need), form_data()).status_code == 302


def test_deadline_message_names_the_date():
    from marketplace.commissioning.models import Need
    from marketplace.commissioning.responses.services import deadline_message

    need = Need(title="x", response_deadline=date(2027, 2, 15))
    assert deadline_message(need) == (
        "The deadline for responses was 15 February 2027. Late responses cannot be accepted"
    )


@pytest.mark.parametrize("status", [NeedStatus.CLOSED, NeedStatus.CANCELLED, NeedStatus.AWARDED])
def test_a_need_no_longer_open_refuses_responses(client, world, status):
    client.sign_in(world.provider.email)
    world.need.status = status
    db.session.commit()
    assert "This need is no longer accepting responses" in text_of(client.get(respond_url(world.need)))
    result = client.post(respond_url(world.need), data={**form_data(), "csrf_token": client.csrf_token("/")})
    assert "This need is no longer accepting responses" in text_of(result)
    assert response_count() == 0


def test_a_draft_need_is_not_found(client, world):
    draft = make_need(world.body, status=NeedStatus.DRAFT)
    client.sign_in(world.provider.email)
    assert client.get(respond_url(draft)).status_code == 404
    assert (
        client.post(respond_url(draft), data={**form_data(), "csrf_token": client.csrf_token("/")}).status_code == 404
    )
    assert client.get("/needs/999999/respond").status_code == 404


def test_a_second_live_response_is_refused_with_a_link_to_the_first(client, world):
    existing = make_response(world.need, world.organisation)
    client.sign_in(world.provider.email)
    page = client.get(respond_url(world.need))
    assert "Derby Museums has already responded to this need" in text_of(page)
    assert f'href="/responses/{existing.id}"' in page.get_data(as_text=True)

    result = client.post(respond_url(world.need), data={**form_data(), "csrf_token": client.csrf_token("/")})
    assert "Derby Museums has already responded to this need" in text_of(result)
    assert response_count() == 1


def test_a_duplicate_consortium_response_is_refused_in_the_form(client, world):
    consortium = make_consortium(world.organisation)
    make_response(world.need, world.organisation, consortium=consortium)
    client.sign_in(world.provider.email)
    result = client.submit(respond_url(world.need), form_data(respond_as=str(consortium.id)))
    assert error_summary(result) == [
        "Derby Culture Partners has already responded to this need. Change that response instead"
    ]
    assert response_count() == 1


def test_after_withdrawing_a_new_response_is_allowed(client, world):
    make_response(world.need, world.organisation, status=ResponseStatus.WITHDRAWN, withdrawn_at=utcnow())
    client.sign_in(world.provider.email)
    assert client.submit(respond_url(world.need), form_data()).status_code == 302
    assert response_count() == 2


def test_unmet_requirements_are_shown_as_warnings_but_do_not_block(client, world):
    scheme = terms_by_code("accreditation_scheme")["museum-accreditation"]
    world.need.requires_safeguarding_verified = True
    world.need.requires_kitemark = True
    world.need.required_accreditation = scheme
    db.session.commit()
    client.sign_in(world.provider.email)

    page = text_of(client.get(respond_url(world.need)))
    assert "This need requires verified safeguarding" in page
    assert "This need requires the kitemark. Your organisation is not kitemarked" in page
    assert "This need requires Museum Accreditation" in page or "This need requires " + scheme.label in page

    db.session.add(SafeguardingRecord(organisation=world.organisation, verified_at=utcnow()))
    db.session.add(Accreditation(organisation=world.organisation, scheme=scheme, expires_on=today() + timedelta(1)))
    db.session.commit()
    page = text_of(client.get(respond_url(world.need)))
    assert "This need requires verified safeguarding" not in page
    assert f"This need requires {scheme.label}" not in page
    assert "not kitemarked" in page  # the kitemark does not exist yet

    assert client.submit(respond_url(world.need), form_data()).status_code == 302


def test_an_expired_accreditation_does_not_meet_the_requirement(client, world):
    scheme = terms_by_code("accreditation_scheme")["museum-accreditation"]
    world.need.required_accreditation = scheme
    db.session.add(Accreditation(organisation=world.organisation, scheme=scheme, expires_on=today() - timedelta(1)))
    db.session.commit()
    client.sign_in(world.provider.email)
    assert f"This need requires {scheme.label}" in text_of(client.get(respond_url(world.need)))


def test_a_draft_organisation_can_respond_too(client, world):
    provider = make_provider(make_organisation("New Gallery", status=OrganisationStatus.DRAFT))
    client.sign_in(provider.email)
    assert client.submit(respond_url(world.need), form_data()).status_code == 302


def test_commissioners_cannot_respond(client, world):
    client.sign_in(world.commissioner.email)
    assert client.get(respond_url(world.need)).status_code == 403


def test_a_call_for_input_has_its_own_form_without_a_price_or_budget(client, world):
    world.need.kind = terms_by_code("need_kind")["call-for-input"]
    world.need.budget_min_pence = world.need.budget_max_pence = 0
    db.session.commit()
    client.sign_in(world.provider.email)

    page = client.get(respond_url(world.need))
    html = page.get_data(as_text=True)

    assert f"Your input to {world.need.title}" in text_of(page)
    assert 'name="price"' not in html and "Budget" not in text_of(page)
    assert "Send your input" in html and "Your input" in text_of(page)
    # a price sent anyway is ignored, not stored
    assert client.submit(respond_url(world.need), form_data(price="500")).status_code == 302
    assert db.session.scalar(select(Response)).price_pence is None


def test_a_public_open_need_offers_a_way_to_sign_in_and_respond(client, world):
    world.need.status = "open"
    db.session.commit()

    html = client.get(f"/needs/{world.need.id}").get_data(as_text=True)

    assert "Sign in to respond" in html
    assert f'href="/account/sign-in?next=/needs/{world.need.id}/respond"' in html
