"""Only the need's body's approved commissioners use its shortlist: others get 404 (or 403) and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.commissioning.models import NeedStatus, ResponseStatus, ShortlistEntry
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests import factories
from tests.commissioning.shortlists.conftest import published_organisation, put_on_shortlist
from tests.factories import make_response


@pytest.fixture
def listed(need):
    organisation = published_organisation("Derby Museums")
    factories.make_provider(organisation, email="manager@museum.example.org")
    response = make_response(need, organisation, status=ResponseStatus.SHORTLISTED)
    entry = put_on_shortlist(need, organisation, response=response, notes="Original notes")
    return entry, response


def routes(need, entry, response, newcomer):
    entry_base = f"/commissioner/shortlists/entries/{entry.id}"
    need_base = f"/commissioner/needs/{need.id}"
    gets = [
        f"{need_base}/shortlist",
        f"{need_base}/compare",
        f"{need_base}/shortlist.csv",
        f"{need_base}/award",
        f"{entry_base}/edit",
    ]
    posts = [
        ("/commissioner/shortlists/add", {"need_id": need.id, "organisation_id": newcomer.id}),
        (f"{entry_base}/edit", {"rank": "1", "notes": "Hijacked"}),
        (f"{entry_base}/up", {}),
        (f"{entry_base}/down", {}),
        (f"{entry_base}/invite", {}),
        (f"{entry_base}/remove", {}),
        (f"{need_base}/award", {"response_id": response.id, "decision_note": "Hijacked"}),
    ]
    return gets, posts


def snapshot(need, entry, response):
    db.session.expire_all()
    return (
        need.status,
        response.status,
        db.session.scalar(select(func.count()).select_from(ShortlistEntry)),
        entry.notes,
        entry.invited_at,
        db.session.scalar(select(func.count()).select_from(Notification)),
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("shortlist%"))),
    )


def test_another_bodys_commissioner_gets_404_everywhere_and_changes_nothing(client, need, listed):
    entry, response = listed
    newcomer = published_organisation()
    outsider = factories.make_commissioner(factories.make_body("Nottingham Children's Services"))
    client.sign_in(outsider.email)
    before = snapshot(need, entry, response)
    gets, posts = routes(need, entry, response, newcomer)

    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.submit(url, data, page_url="/account/").status_code == 404, url

    assert snapshot(need, entry, response) == before
    assert need.status == NeedStatus.OPEN


@pytest.mark.parametrize("kind", ["provider", "pending_commissioner"])
def test_providers_and_pending_commissioners_are_refused(client, need, body, listed, kind):
    entry, response = listed
    user = (
        factories.make_provider(entry.organisation, is_org_admin=False)
        if kind == "provider"
        else factories.make_commissioner(body, approved=False)
    )
    client.sign_in(user.email)
    before = snapshot(need, entry, response)
    gets, posts = routes(need, entry, response, published_organisation())

    for url in gets:
        assert client.get(url).status_code == 403, url
    for url, data in posts:
        assert client.submit(url, data, page_url="/account/").status_code == 403, url

    assert snapshot(need, entry, response) == before


def test_the_bodys_commissioner_sees_every_page(signed_in, need, listed):
    entry, response = listed
    gets, _ = routes(need, entry, response, published_organisation())
    for url in gets:
        assert signed_in.get(url).status_code == 200, url
