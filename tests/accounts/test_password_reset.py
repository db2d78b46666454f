"""Password reset by email: links built from BASE_URL, single use, and silent about unknown emails."""

from __future__ import annotations

from marketplace.accounts.passwords import verify_password
from tests import factories
from tests.client import CSRF_INPUT, link_in, new_client, path_of, text_of
from tests.factories import NEW_PASSWORD
from tests.lookups import audit_events

FORGOT = "/account/password/forgot"
BASE_URL = "https://marketplace.example.org"


def request_reset(client, email: str, **kwargs):
    """Ask for a reset; the email goes once the response has been sent, i.e. when it is closed."""
    response = client.submit(FORGOT, {"email": email}, **kwargs)
    response.close()
    return response


def reset_link(client, outbox, email: str) -> str:
    request_reset(client, email)
    assert len(outbox) == 1
    return link_in(outbox[0])


def choose_password(client, link: str, password: str = NEW_PASSWORD):
    return client.submit(path_of(link), {"password": password, "confirm_password": password})


def sign_in_status(client, email: str, password: str) -> int:
    return client.submit("/account/sign-in", {"email": email, "password": password}).status_code


def test_reset_request_for_a_known_email_sends_one_link_built_from_base_url(app, client, outbox):
    app.config["BASE_URL"] = BASE_URL
    user = factories.make_provider()

    response = request_reset(client, user.email)

    assert response.status_code == 200
    assert "Check your email" in text_of(response)
    assert [message["To"] for message in outbox] == [user.email]
    assert link_in(outbox[0]).startswith(f"{BASE_URL}/account/password/reset/")


def test_reset_link_ignores_a_forged_host_header(app, client, outbox):
    app.config["BASE_URL"] = BASE_URL
    user = factories.make_provider()
    forged = {"Host": "evil.example"}
    page = client.get(FORGOT, headers=forged)
    token = CSRF_INPUT.search(page.get_data(as_text=True)).group(1)

    response = client.post(FORGOT, data={"email": user.email, "csrf_token": token}, headers=forged)
    response.close()  # the email goes once the response has been sent

    assert response.status_code == 200
    assert len(outbox) == 1
    link = link_in(outbox[0])
    assert "evil.example" not in link
    assert link.startswith(f"{BASE_URL}/")


def test_unknown_email_gets_the_same_page_and_no_email(client, outbox):
    known = factories.make_provider(email="known@example.org")

    unknown_page = request_reset(client, "nobody@example.org")
    known_page = request_reset(client, known.email)

    assert unknown_page.status_code == known_page.status_code == 200
    assert text_of(unknown_page).replace("nobody@example.org", "") == text_of(known_page).replace(known.email, "")
    assert [message["To"] for message in outbox] == [known.email]


def test_deactivated_account_is_sent_no_reset_link(client, outbox):
    user = factories.make_provider(is_active=False)

    response = request_reset(client, user.email)

    assert "Check your email" in text_of(response)
    assert outbox == []


def test_reset_link_sets_a_new_password_and_the_old_one_stops_working(client, outbox):
    user = factories.make_provider()
    link = reset_link(client, outbox, user.email)

    assert client.get(path_of(link)).status_code == 200
    response = choose_password(client, link)

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/sign-in"
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert [event.actor_id for event in audit_events("account.password_reset")] == [user.id]
    assert sign_in_status(client, user.email, factories.PASSWORD) == 200
    assert sign_in_status(client, user.email, NEW_PASSWORD) == 302


def test_reset_link_works_only_once(client, outbox):
    user = factories.make_provider()
    link = reset_link(client, outbox, user.email)
    choose_password(client, link)

    response = client.get(path_of(link))

    assert response.status_code == 404
    assert "This link has expired or has already been used" in text_of(response)
    again = client.submit(
        path_of(link),
        {"password": "another fine long phrase", "confirm_password": "another fine long phrase"},
        page_url=FORGOT,
    )
    assert again.status_code == 404
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_garbage_reset_token_shows_the_invalid_link_page(client):
    response = client.get("/account/password/reset/not-a-real-token")

    assert response.status_code == 404
    assert "This link has expired or has already been used" in text_of(response)


def test_reset_refuses_a_weak_new_password_and_keeps_the_old_one(client, outbox):
    user = factories.make_provider()
    link = reset_link(client, outbox, user.email)

    response = choose_password(client, link, "password123")

    assert response.status_code == 200
    assert "Password is too easy to guess" in text_of(response)
    assert verify_password(user.password_hash, factories.PASSWORD)
    assert client.get(path_of(link)).status_code == 200, "a refused attempt does not use up the link"


def test_password_reset_signs_out_existing_sessions(app, client, outbox):
    user = factories.make_provider()
    signed_in_elsewhere = new_client(app)
    signed_in_elsewhere.sign_in(user.email)
    link = reset_link(client, outbox, user.email)

    choose_password(client, link)

    assert signed_in_elsewhere.get("/account/").status_code == 302


def test_no_email_is_sent_until_the_response_has_gone(client, outbox):
    user = factories.make_provider()

    response = client.submit(FORGOT, {"email": user.email})

    assert response.status_code == 200 and outbox == []  # queued, not sent while the person waits
    response.close()
    assert [message["To"] for message in outbox] == [user.email]


def test_known_and_unknown_emails_do_the_same_work(client):
    known = factories.make_provider(email="known@example.org")

    request_reset(client, known.email)
    request_reset(client, "nobody@example.org")

    events = audit_events("account.password_reset_requested")
    assert [event.object_id for event in events] == [str(known.id), ""]
    assert events[1].summary == "no active account: nobody@example.org"
