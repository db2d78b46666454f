"""Two-factor sign-in: set-up, the second step (bad codes, replay, recovery codes, limits), recovery codes, turning
it off, and the rule that assessors and admins use it before any other page."""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from marketplace.accounts import two_factor
from marketplace.accounts.models import RecoveryCode
from marketplace.core.clock import utcnow
from marketplace.core.roles import Role
from marketplace.extensions import db
from tests import factories
from tests.client import TWO_FACTOR_SETUP, TWO_FACTOR_STEP, error_summary, new_client, set_up_two_factor, text_of
from tests.lookups import audit_events

SIGN_IN = "/account/sign-in"


def password_step(client, email: str, password: str = factories.PASSWORD, next_path: str = ""):
    url = f"{SIGN_IN}?next={next_path}" if next_path else SIGN_IN
    return client.submit(url, {"email": email, "password": password}, page_url=SIGN_IN)


def second_step(client, code: str, **kwargs):
    # The token comes from the sign-in page: the step itself may send the browser away.
    return client.submit(TWO_FACTOR_STEP, {"code": code}, page_url=SIGN_IN, **kwargs)


def sample_url(rule) -> str:
    """A URL of ``rule`` with made-up arguments (the gate answers before any view reads them)."""
    converters = rule._converters
    values = {name: next(iter(getattr(converters[name], "items", [1]))) for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def now_code(secret: str = factories.TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).now()


def with_two_factor(**kwargs):
    return factories.make_provider(two_factor=True, **kwargs)


# Set-up ---------------------------------------------------------------------------------------------------------


def test_the_account_page_offers_two_factor_to_everyone(client):
    user = factories.make_provider()
    client.sign_in(user.email)

    assert "Two-factor sign-in Off Set up" in text_of(client.get("/account/"))
    page = client.get(TWO_FACTOR_SETUP)
    assert "Set up two-factor sign-in" in text_of(page)
    assert "otpauth://totp/" in page.get_data(as_text=True)
    assert "<svg" in page.get_data(as_text=True)  # the QR code, inline, no script


def test_set_up_refuses_a_missing_or_wrong_code_and_stays_off(client):
    user = factories.make_provider()
    client.sign_in(user.email)
    client.get(TWO_FACTOR_SETUP)

    empty = client.submit(TWO_FACTOR_SETUP, {"code": ""})
    wrong = client.submit(TWO_FACTOR_SETUP, {"code": "000000"})

    assert error_summary(empty) == ["Enter the code"]
    assert error_summary(wrong) == ["Enter the code your authenticator app shows now"]
    db.session.refresh(user)
    assert not user.has_two_factor
    assert len(audit_events("account.two_factor_failed")) == 1


def test_set_up_turns_it_on_and_shows_ten_recovery_codes_once_stored_hashed(client):
    user = factories.make_provider()
    client.sign_in(user.email)

    secret, codes = set_up_two_factor(client)

    db.session.refresh(user)
    assert user.has_two_factor and user.totp_secret == secret
    assert len(set(codes)) == 10
    hashes = [row.code_hash for row in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id))]
    assert len(hashes) == 10 and all(value.startswith("$argon2id$") for value in hashes)
    assert not any(code.replace("-", "") in value for code in codes for value in hashes)
    assert [event.actor_id for event in audit_events("account.two_factor_enabled")] == [user.id]
    status = text_of(client.get(TWO_FACTOR_SETUP))
    assert "Two-factor sign-in is on. You have 10 unused recovery codes" in status
    assert codes[0] not in status


# The second step ------------------------------------------------------------------------------------------------


def test_a_correct_password_alone_does_not_sign_in_an_account_with_two_factor(client):
    user = with_two_factor()

    response = password_step(client, user.email)

    assert response.headers["Location"] == TWO_FACTOR_STEP
    for page in ("/account/", "/dashboard", "/provider", "/notifications/"):
        assert client.get(page).headers["Location"].startswith("/account/sign-in"), page
    assert audit_events("account.signed_in") == []
    assert "Enter your sign-in code" in text_of(client.get(TWO_FACTOR_STEP))


def test_the_right_code_signs_in_and_keeps_the_next_page(client):
    user = with_two_factor()
    password_step(client, user.email, next_path="/account/")

    response = second_step(client, now_code())

    assert response.headers["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    assert [event.actor_id for event in audit_events("account.signed_in")] == [user.id]


@pytest.mark.parametrize("code", ["", "123", "000000", "abcdef", "x" * 40, "12345-67890"])
def test_a_bad_code_is_refused_and_audited(client, code):
    user = with_two_factor()
    password_step(client, user.email)

    response = second_step(client, code)

    assert response.status_code == 200
    assert error_summary(response)
    assert client.get("/account/").status_code == 302
    if code:
        assert [event.object_id for event in audit_events("account.two_factor_failed")] == [str(user.id)]


def test_the_same_code_cannot_be_used_twice(app, client):
    user = with_two_factor()
    code = now_code()
    password_step(client, user.email)
    assert second_step(client, code).status_code == 302
    client.post("/account/sign-out", data={"csrf_token": client.csrf_token("/account/")})

    other = new_client(app)
    password_step(other, user.email)
    replay = second_step(other, code)

    assert replay.status_code == 200
    assert error_summary(replay) == ["Enter a correct code from your authenticator app, or one of your recovery codes"]
    assert other.get("/account/").status_code == 302


def test_a_code_from_the_previous_step_still_works_but_not_older(app):
    user = with_two_factor()
    totp = pyotp.TOTP(factories.TOTP_SECRET)
    now = totp.timecode(time.time())

    assert not two_factor.check_code(user, totp.generate_otp(now - 2))
    assert two_factor.check_code(user, totp.generate_otp(now - 1))
    assert not two_factor.check_code(user, totp.generate_otp(now - 1)), "replayed"


def test_a_recovery_code_signs_in_once(app, client):
    user = factories.make_provider()
    client.sign_in(user.email)
    _secret, codes = set_up_two_factor(client)
    client.post("/account/sign-out", data={"csrf_token": client.csrf_token("/account/")})

    password_step(client, user.email)
    assert second_step(client, codes[3].upper().replace("-", " ")).status_code == 302
    client.post("/account/sign-out", data={"csrf_token": client.csrf_token("/account/")})
    password_step(client, user.email)
    again = second_step(client, codes[3])

    assert again.status_code == 200
    assert [event.summary for event in audit_events("account.recovery_code_used")] == ["9 recovery codes left"]


def test_the_second_step_expires(client):
    user = with_two_factor()
    password_step(client, user.email)

    with time_machine.travel(utcnow() + timedelta(minutes=6)):
        response = second_step(client, now_code())

    assert response.headers["Location"] == SIGN_IN
    assert client.get("/account/").status_code == 302


def test_signing_out_everywhere_ends_a_half_finished_sign_in(app, client):
    user = with_two_factor()
    password_step(client, user.email)
    user.session_token = "rotated-by-a-password-change"
    db.session.commit()

    assert second_step(client, now_code()).headers["Location"] == SIGN_IN


def test_the_second_step_without_a_password_first_goes_to_sign_in(client):
    assert client.get(TWO_FACTOR_STEP).headers["Location"] == SIGN_IN


def test_the_second_step_is_limited_per_account_across_addresses(app):
    app.config["SIGN_IN_PER_EMAIL_LIMIT"] = "100 per minute"  # the password step's own limit is tested elsewhere
    user = with_two_factor()
    statuses = []
    for attempt in range(7):
        browser = new_client(app)
        browser.client.environ_base["REMOTE_ADDR"] = f"127.0.0.{attempt + 2}"
        password_step(browser, user.email)
        statuses.append(second_step(browser, "000000").status_code)

    assert statuses == [200] * 5 + [429] * 2
    assert len(audit_events("account.two_factor_failed")) == 5
    assert len(audit_events("request.rate_limited")) == 2


def test_the_second_step_is_limited_per_address(app, client):
    app.config["TWO_FACTOR_PER_ACCOUNT_LIMIT"] = "100 per minute"
    users = [with_two_factor() for _ in range(11)]
    statuses = []
    for user in users:
        password_step(client, user.email)
        statuses.append(second_step(client, "000000").status_code)

    assert statuses == [200] * 10 + [429]


# Recovery codes and turning off -----------------------------------------------------------------------------------


def test_new_recovery_codes_replace_the_old_ones(app, client):
    user = factories.make_provider()
    client.sign_in(user.email)
    secret, old_codes = set_up_two_factor(client)

    wrong = client.submit("/account/two-factor/recovery-codes", {"code": "000000"}, page_url=TWO_FACTOR_SETUP)
    assert error_summary(wrong) == ["Enter the code your authenticator app shows now"]
    with time_machine.travel(utcnow() + timedelta(seconds=31)):  # the set-up code's step is used
        response = client.submit(
            "/account/two-factor/recovery-codes", {"code": now_code(secret)}, page_url=TWO_FACTOR_SETUP
        )
    new_codes = [line for line in text_of(response).split() if len(line) == 11 and line[5] == "-"]

    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert len(audit_events("account.recovery_codes_regenerated")) == 1
    assert not two_factor.check_code(user, old_codes[0])
    assert two_factor.check_code(user, new_codes[0])


def test_turning_off_needs_the_password_and_a_code(client):
    user = with_two_factor()
    client.sign_in(user.email)
    page = "/account/two-factor/turn-off"

    missing = client.submit(page, {})
    wrong_password = client.submit(page, {"password": "not my password", "code": "123456"})
    wrong_code = client.submit(page, {"password": factories.PASSWORD, "code": "000000"})
    assert error_summary(missing) == ["Enter your password", "Enter the code"]
    assert error_summary(wrong_password) == ["Your password is not correct"]
    assert error_summary(wrong_code) == ["Enter the code your authenticator app shows now"]
    db.session.refresh(user)
    assert user.has_two_factor

    with time_machine.travel(utcnow() + timedelta(seconds=31)):  # the sign-in code's step is used
        done = client.submit(page, {"password": factories.PASSWORD, "code": now_code()})

    assert done.headers["Location"] == "/account/"
    db.session.refresh(user)
    assert not user.has_two_factor
    assert db.session.scalars(select(RecoveryCode)).all() == []
    assert len(audit_events("account.two_factor_disabled")) == 1


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.ADMIN])
def test_assessors_and_admins_cannot_turn_it_off(client, role):
    user = factories.make_user(role)
    client.sign_in(user.email)

    assert client.get("/account/two-factor/turn-off").status_code == 403
    assert "cannot be turned off" in text_of(client.get(TWO_FACTOR_SETUP))


# Required for assessors and admins ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.ADMIN])
def test_staff_without_two_factor_reach_no_page_but_set_up(app, client, role):
    user = factories.make_user(role, two_factor=False)
    client.sign_in(user.email)
    reached = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "accounts.two_factor_setup", "accounts.sign_out"):
            continue
        url = sample_url(rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method)
            response.close()
            if response.headers.get("Location") != TWO_FACTOR_SETUP:
                reached.append(f"{method} {url}: {response.status_code}")

    assert reached == []
    set_up_two_factor(client)
    assert client.get("/dashboard").status_code == 302
    assert client.get("/account/").status_code == 200


def test_staff_sign_in_without_two_factor_lands_on_set_up(client):
    user = factories.make_user(Role.ADMIN, two_factor=False)

    response = client.submit(SIGN_IN, {"email": user.email, "password": factories.PASSWORD}, follow_redirects=True)

    assert response.request.path == TWO_FACTOR_SETUP
    assert "Assessors and administrators must use two-factor sign-in" in text_of(response)


def test_the_command_line_resets_two_factor_for_someone_who_lost_everything(app, client):
    user = factories.make_user(Role.ASSESSOR)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["accounts", "reset-two-factor", "--email", user.email])
    unknown = runner.invoke(args=["accounts", "reset-two-factor", "--email", "nobody@example.org"])

    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert not user.has_two_factor
    assert [event.summary for event in audit_events("account.two_factor_disabled")] == ["reset from the command line"]
    assert unknown.exit_code == 1 and "has no account with two-factor sign-in" in unknown.output
    client.sign_in(user.email)
    assert client.get("/assessor").headers["Location"] == TWO_FACTOR_SETUP  # sets it up again first
