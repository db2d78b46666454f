"""In-app notifications: each user sees only their own, and can mark them all as read."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.notifications.services import notify, unread_count
from tests import factories
from tests.client import text_of


def test_a_user_sees_only_their_own_notifications(client):
    mine = factories.make_provider()
    theirs = factories.make_provider()
    notify(mine.id, "Your profile was published", "/organisations")
    notify(theirs.id, "Someone else's secret news")
    db.session.commit()
    client.sign_in(mine.email)

    response = client.get("/notifications/")

    assert response.status_code == 200
    page = text_of(response)
    assert "Your profile was published" in page
    assert "New" in page
    assert "Someone else's secret news" not in page


def test_a_user_without_notifications_is_told_so(client):
    user = factories.make_provider()
    client.sign_in(user.email)

    assert "You have no notifications." in text_of(client.get("/notifications/"))


def test_mark_all_as_read_marks_only_the_users_own_notifications(client):
    mine = factories.make_provider()
    theirs = factories.make_provider()
    notify(mine.id, "First")
    notify(mine.id, "Second")
    notify(theirs.id, "Not yours")
    db.session.commit()
    client.sign_in(mine.email)

    response = client.submit("/notifications/read", page_url="/notifications/")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/notifications/")
    db.session.expire_all()
    assert unread_count(mine.id) == 0
    assert all(n.read_at for n in db.session.scalars(select(Notification).where(Notification.user_id == mine.id)))
    assert unread_count(theirs.id) == 1
    assert ">New<" not in client.get("/notifications/").get_data(as_text=True)


def test_mark_all_as_read_without_a_csrf_token_is_refused(client):
    user = factories.make_provider()
    notify(user.id, "Still unread")
    db.session.commit()
    client.sign_in(user.email)

    response = client.post("/notifications/read")

    assert response.status_code == 400
    assert unread_count(user.id) == 1


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/notifications/")

    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]
    assert "next=" in response.headers["Location"]
