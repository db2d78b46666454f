"""Sign-in, sign-out and sessions: generic failures, safe redirects, rate limits and session rotation."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from marketplace.core.roles import Role
from tests import factories
from tests.client import TWO_FACTOR_STEP, fresh_code, new_client, text_of
from tests.factories import NEW_PASSWORD
from tests.lookups import audit_events

SIGN_IN = "/account/sign-in"
GENERIC_FAILURE = "Enter a correct email address and password"
SESSION_COOKIE = "marketplace_session"


def sign_in_attempt(client, email: str, password: str = factories.PASSWORD, *, next_path: str | None = None):
    url = f"{SIGN_IN}?next={quote(next_path, safe='')}" if next_path is not None else SIGN_IN
    return client.submit(url, {"email": email, "password": password}, page_url=SIGN_IN)


@pytest.mark.parametrize(
    ("make", "landing"),
    [
        (lambda: factories.make_provider(), "/provider"),
        (lambda: factories.make_commissioner(), "/commissioner"),
        (lambda: factories.make_user(Role.ASSESSOR), "/assessor"),
        (lambda: factories.make_user(Role.ADMIN), "/admin"),
    ],
    ids=["provider", "commissioner", "assessor", "admin"],
)
def test_sign_in_takes_each_role_to_its_landing_page(client, make, landing):
    user = make()

    response = client.submit(SIGN_IN, {"email": user.email, "password": factories.PASSWORD}, follow_redirects=True)
    if response.request.path == TWO_FACTOR_STEP:  # assessors and admins: the second step, then their landing page
        response = client.submit(TWO_FACTOR_STEP, {"code": fresh_code(user.email)}, follow_redirects=True)

    assert response.status_code == 200
    assert response.request.path == landing
    assert [event.actor_id for event in audit_events("account.signed_in")] == [user.id]


def test_sign_in_ignores_the_case_and_spaces_of_the_email(client):
    factories.make_provider(email="ada@example.org")

    response = sign_in_attempt(client, "  ADA@example.ORG ")

    assert response.status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_generic_message(client):
    user = factories.make_provider()

    wrong_password = sign_in_attempt(client, user.email, "not the right password at all")
    unknown_email = sign_in_attempt(client, "nobody@example.org")

    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        assert GENERIC_FAILURE in text_of(response)
    assert text_of(wrong_password).replace(user.email, "") == text_of(unknown_email).replace("nobody@example.org", "")
    assert client.get("/account/").status_code == 302


def test_failed_sign_ins_are_audited_for_known_and_unknown_emails(client):
    user = factories.make_provider()

    sign_in_attempt(client, user.email, "not the right password at all")
    sign_in_attempt(client, "Nobody@Example.org")

    failures = audit_events("account.sign_in_failed")
    assert [event.summary for event in failures] == [user.email, "nobody@example.org"]
    assert failures[0].object_id == str(user.id)
    assert audit_events("account.signed_in") == []


def test_deactivated_user_cannot_sign_in_even_with_the_right_password(client):
    user = factories.make_provider(is_active=False)

    response = sign_in_attempt(client, user.email)

    assert response.status_code == 200
    assert GENERIC_FAILURE in text_of(response)
    assert client.get("/account/").status_code == 302
    assert len(audit_events("account.sign_in_failed")) == 1


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "http:evil.example"],
)
def test_sign_in_never_redirects_off_site(client, target):
    user = factories.make_provider()

    response = sign_in_attempt(client, user.email, next_path=target)

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_sign_in_returns_to_a_local_next_page(client):
    user = factories.make_provider()

    response = sign_in_attempt(client, user.email, next_path="/account/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"


def test_repeated_failures_for_one_email_get_the_styled_too_many_attempts_page(client):
    user = factories.make_provider()
    for _ in range(5):
        assert sign_in_attempt(client, user.email, "not the right password at all").status_code == 200

    response = sign_in_attempt(client, user.email)

    assert response.status_code == 429
    text = text_of(response)
    assert "Too many attempts" in text
    assert "Traceback" not in text
    assert 'class="govuk-heading-l"' in response.get_data(as_text=True)
    assert client.get("/account/").status_code == 302, "a blocked attempt must not sign in, even with the password"


def test_the_per_email_limit_does_not_lock_out_other_accounts(client):
    target = factories.make_provider()
    other = factories.make_provider()
    for _ in range(6):
        sign_in_attempt(client, target.email, "not the right password at all")

    assert sign_in_attempt(client, other.email).status_code == 302


# Sign-out and sessions ------------------------------------------------------------------------------------------


def test_sign_out_ends_the_session(client):
    user = factories.make_provider()
    client.sign_in(user.email)

    response = client.submit("/account/sign-out", {}, page_url="/account/")

    assert response.status_code == 302
    assert client.get("/account/").status_code == 302
    assert len(audit_events("account.signed_out")) == 1


def test_a_copied_session_cookie_stops_working_after_sign_out(app, client):
    user = factories.make_provider()
    client.sign_in(user.email)
    stolen = new_client(app)
    stolen.set_cookie(SESSION_COOKIE, client.get_cookie(SESSION_COOKIE).value)
    assert stolen.get("/account/").status_code == 200, "the copied cookie works while the session is live"

    client.submit("/account/sign-out", {}, page_url="/account/")

    response = stolen.get("/account/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/sign-in")


def test_signing_out_in_one_browser_signs_out_the_others(app, client):
    user = factories.make_provider()
    laptop, phone = client, new_client(app)
    laptop.sign_in(user.email)
    phone.sign_in(user.email)

    laptop.submit("/account/sign-out", {}, page_url="/account/")

    assert phone.get("/account/").status_code == 302


def test_changing_password_signs_out_other_sessions_but_keeps_this_one(app, client):
    user = factories.make_provider()
    laptop, phone = client, new_client(app)
    laptop.sign_in(user.email)
    phone.sign_in(user.email)

    response = laptop.submit(
        "/account/",
        {"current_password": factories.PASSWORD, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/").status_code == 302


def test_changing_password_needs_the_correct_current_password(client):
    user = factories.make_provider()
    client.sign_in(user.email)
    old_hash = user.password_hash

    response = client.submit(
        "/account/",
        {"current_password": "a wrong current password", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Your current password is not correct" in text_of(response)
    assert user.password_hash == old_hash
    assert client.get("/account/").status_code == 200


def test_changing_password_refuses_a_weak_new_password(client):
    user = factories.make_provider()
    client.sign_in(user.email)
    old_hash = user.password_hash

    response = client.submit(
        "/account/",
        {"current_password": factories.PASSWORD, "password": "password123", "confirm_password": "password123"},
    )

    assert response.status_code == 200
    assert "Password is too easy to guess" in text_of(response)
    assert user.password_hash == old_hash
