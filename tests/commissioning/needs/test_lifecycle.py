"""A need's life: saved as a draft, changed, published (or told what is missing), closed, cancelled."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.commissioning.models import Need, NeedStatus, ResponseStatus
from marketplace.core.clock import today
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests.client import text_of
from tests.factories import make_body, make_commissioner, make_need, make_organisation, make_provider, make_response
from tests.forms import date_fields, need_form


def _actions(need: Need) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.object_type == "Need", AuditEvent.object_id == str(need.id))
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_a_new_need_is_saved_as_a_draft_with_every_field(client, app):
    body = make_body()
    commissioner = make_commissioner(body)
    client.sign_in(commissioner.email)
    response = client.submit("/commissioner/needs/new", need_form())
    need = db.session.scalar(select(Need))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/needs/{need.id}")
    assert need.status == NeedStatus.DRAFT
    assert need.body_id == body.id
    assert need.created_by_id == commissioner.id
    assert need.kind.code == "short-breaks"
    assert need.level.code == "locality"
    assert [loc.ons_code for loc in need.localities] == ["E06000015"]
    assert [term.code for term in need.target_groups] == ["disabled-children-send"]
    assert (need.age_min, need.age_max) == (5, 18)
    assert [term.code for term in need.aims] == ["attend-and-enjoy-school"]
    assert [term.code for term in need.indicators] == ["ni-58"]
    assert (need.budget_min_pence, need.budget_max_pence) == (500_000, 1_000_050)
    assert need.response_deadline == today() + timedelta(days=30)
    assert need.contract_end > need.contract_start
    assert need.requires_safeguarding_verified and not need.requires_kitemark and need.consortium_welcome
    assert need.required_accreditation.code == "arts-award-centre"
    assert _actions(need) == ["need.created"]
    page = text_of(client.get(f"/needs/{need.id}"))
    assert "Draft" in page and "£5,000 to £10,000.50" in page


def test_changing_a_draft_replaces_its_fields(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    need = make_need(body, status=NeedStatus.DRAFT)
    response = client.submit(f"/commissioner/needs/{need.id}/edit", need_form(title="New title", target_groups=None))
    assert response.status_code == 302
    assert need.title == "New title"
    assert need.target_groups == []
    assert need.status == NeedStatus.DRAFT
    assert _actions(need) == ["need.updated"]


def test_the_edit_form_shows_the_saved_values(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    need = make_need(body, status=NeedStatus.DRAFT, budget_min_pence=123_450)
    html = client.get(f"/commissioner/needs/{need.id}/edit").get_data(as_text=True)
    assert 'value="1234.50"' in html
    assert f'value="{need.title}"' in html


def test_publishing_lists_what_is_missing_and_changes_nothing(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    need = make_need(body, status=NeedStatus.DRAFT, summary="", kind=None, localities=[], response_deadline=None)
    response = client.submit(
        f"/commissioner/needs/{need.id}/publish", page_url=f"/needs/{need.id}", follow_redirects=True
    )
    page = text_of(response)
    for message in (
        "Enter a summary",
        "Select the kind of need",
        "Select at least one locality",
        "Enter a deadline for responses",
    ):
        assert message in page
    assert need.status == NeedStatus.DRAFT
    assert need.published_at is None
    assert _actions(need) == []


def test_publishing_refuses_a_deadline_that_is_not_in_the_future(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    need = make_need(body, status=NeedStatus.DRAFT, response_deadline=today())
    response = client.submit(
        f"/commissioner/needs/{need.id}/publish", page_url=f"/needs/{need.id}", follow_redirects=True
    )
    assert "The deadline for responses must be in the future" in text_of(response)
    assert need.status == NeedStatus.DRAFT


def test_publishing_a_complete_draft_opens_it(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    need = make_need(body, status=NeedStatus.DRAFT)
    response = client.submit(f"/commissioner/needs/{need.id}/publish", page_url=f"/needs/{need.id}")
    assert response.status_code == 302
    assert need.status == NeedStatus.OPEN
    assert need.published_at is not None
    assert _actions(need) == ["need.published"]
    assert need.title in text_of(client.get("/needs"))


def test_editing_an_open_need_keeps_it_open_but_refuses_a_past_deadline(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    need = make_need(body)
    response = client.submit(f"/commissioner/needs/{need.id}/edit", need_form(title="Still open"))
    assert response.status_code == 302
    assert (need.title, need.status) == ("Still open", NeedStatus.OPEN)

    past = date_fields("response_deadline", today() - timedelta(days=1))
    response = client.submit(f"/commissioner/needs/{need.id}/edit", need_form(title="Changed", **past))
    assert response.status_code == 200
    assert "Deadline for responses must be today or in the future: the need is open" in text_of(response)
    assert need.title == "Still open"
    assert need.response_deadline == today() + timedelta(days=30)


def test_closing_an_open_need(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    need = make_need(body)
    client.submit(f"/commissioner/needs/{need.id}/close", page_url=f"/needs/{need.id}")
    assert need.status == NeedStatus.CLOSED
    assert need.closed_at is not None
    assert _actions(need) == ["need.closed"]
    assert client.get(f"/commissioner/needs/{need.id}/edit").status_code == 302
    response = client.submit(
        f"/commissioner/needs/{need.id}/close", page_url=f"/needs/{need.id}", follow_redirects=True
    )
    assert "Only an open need can be closed; this need is closed" in text_of(response)


def test_cancelling_tells_everyone_who_responded(client, app, outbox):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    need = make_need(body, title="Holiday arts clubs")
    responder = make_provider(make_organisation("Derby Museums"))
    withdrawn = make_provider(make_organisation("Quiet Gallery"))
    make_response(need, responder.organisation)
    make_response(need, withdrawn.organisation, status=ResponseStatus.WITHDRAWN)

    response = client.submit(f"/commissioner/needs/{need.id}/cancel", page_url=f"/needs/{need.id}")
    assert response.status_code == 302
    assert need.status == NeedStatus.CANCELLED
    assert need.cancelled_at is not None
    assert _actions(need) == ["need.cancelled"]
    assert [message["To"] for message in outbox] == [responder.email]
    assert outbox[0]["Subject"] == "Need cancelled: Holiday arts clubs"
    notes = db.session.scalars(select(Notification)).all()
    assert [(note.user_id, note.link) for note in notes] == [(responder.id, f"/needs/{need.id}")]
    assert "Holiday arts clubs" not in text_of(client.get("/needs"))


def test_a_cancelled_need_cannot_be_changed_or_cancelled_again(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    need = make_need(body, status=NeedStatus.CANCELLED)
    assert client.get(f"/commissioner/needs/{need.id}/edit").status_code == 302
    response = client.submit(
        f"/commissioner/needs/{need.id}/cancel", page_url=f"/needs/{need.id}", follow_redirects=True
    )
    assert "A cancelled need cannot be cancelled" in text_of(response)


def test_the_needs_list_and_dashboard_group_needs_by_status(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    make_need(body, status=NeedStatus.DRAFT, title="Draft one")
    make_need(body, title="Open one")
    make_need(body, title="Open two")
    make_need(make_body(), title="Someone else's")
    page = text_of(client.get("/commissioner/needs"))
    assert "Draft (1)" in page and "Open (2)" in page and "Closed (0)" in page
    assert "Someone else's" not in page
    dashboard = text_of(client.get("/commissioner"))
    assert "Draft 1" in dashboard and "Open 2" in dashboard
    assert "Post a need" in dashboard and "Manage frameworks" in dashboard


def test_save_and_publish_opens_the_new_need_and_shows_its_matches(client, app):
    client.sign_in(make_commissioner().email)
    response = client.submit("/commissioner/needs/new", need_form(then="publish"), follow_redirects=True)
    need = db.session.scalar(select(Need))
    assert need.status == NeedStatus.OPEN
    assert response.request.path == f"/commissioner/needs/{need.id}/matches"
    assert "Need published on the opportunities board" in text_of(response)


def test_save_and_publish_keeps_an_incomplete_need_as_a_draft_and_says_what_is_missing(client, app):
    client.sign_in(make_commissioner().email)
    response = client.submit(
        "/commissioner/needs/new", {"title": "Just an idea", "then": "publish"}, follow_redirects=True
    )
    need = db.session.scalar(select(Need))
    assert need.status == NeedStatus.DRAFT
    assert response.request.path == f"/needs/{need.id}"
    assert "Enter a summary" in text_of(response)
