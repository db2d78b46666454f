"""Drafts are private to their body; only the body's approved commissioners change a need."""

from __future__ import annotations

import pytest

from marketplace.commissioning.models import NeedStatus
from marketplace.core.roles import Role
from tests.client import text_of
from tests.factories import make_body, make_commissioner, make_need, make_provider, make_user
from tests.forms import need_form


@pytest.fixture
def draft(app):
    return make_need(make_body("Derby Children's Services"), status=NeedStatus.DRAFT, title="Secret plans")


@pytest.mark.parametrize("who", ["anonymous", "provider", "other_commissioner", "assessor"])
def test_a_draft_is_hidden_from_everyone_outside_its_body(client, draft, who):
    users = {
        "provider": lambda: make_provider(),
        "other_commissioner": lambda: make_commissioner(make_body()),
        "assessor": lambda: make_user(Role.ASSESSOR),
    }
    if who != "anonymous":
        client.sign_in(users[who]().email)
    assert client.get(f"/needs/{draft.id}").status_code == 404
    assert "Secret plans" not in text_of(client.get("/needs"))


def test_the_bodys_commissioner_sees_the_draft_with_its_buttons(client, draft):
    client.sign_in(make_commissioner(draft.body).email)
    page = text_of(client.get(f"/needs/{draft.id}"))
    assert "Secret plans" in page and "Publish need" in page and "Change need" in page


def test_an_open_need_is_public_without_management_buttons(client, app):
    need = make_need(make_body(), title="Open to all")
    page = text_of(client.get(f"/needs/{need.id}"))
    assert "Open to all" in page
    assert "Publish need" not in page and "Cancel need" not in page


@pytest.mark.parametrize("status", [NeedStatus.DRAFT, NeedStatus.OPEN])
def test_another_bodys_commissioner_cannot_change_a_need(client, app, status):
    need = make_need(make_body(), status=status, title="Theirs")
    client.sign_in(make_commissioner(make_body()).email)
    token = client.csrf_token("/commissioner/needs")
    assert client.get(f"/commissioner/needs/{need.id}/edit").status_code == 404
    response = client.post(
        f"/commissioner/needs/{need.id}/edit", data={**need_form(title="Hijacked"), "csrf_token": token}
    )
    assert response.status_code == 404
    for action in ("publish", "close", "cancel"):
        assert client.post(f"/commissioner/needs/{need.id}/{action}", data={"csrf_token": token}).status_code == 404
    assert (need.title, need.status) == ("Theirs", status)


def test_a_pending_commissioner_is_refused(client, app):
    body = make_body()
    need = make_need(body, status=NeedStatus.DRAFT)
    client.sign_in(make_commissioner(body, approved=False).email)
    assert client.get("/commissioner/needs/new").status_code == 403
    assert client.get(f"/commissioner/needs/{need.id}/edit").status_code == 403
    assert client.get(f"/needs/{need.id}").status_code == 404
    token = client.csrf_token("/needs")
    assert client.post(f"/commissioner/needs/{need.id}/publish", data={"csrf_token": token}).status_code == 403
    assert need.status == NeedStatus.DRAFT


def test_a_missing_need_is_not_found(client, app):
    client.sign_in(make_commissioner().email)
    assert client.get("/needs/999999").status_code == 404
    assert client.get("/commissioner/needs/999999/edit").status_code == 404
