"""Password storage: argon2id at OWASP-level cost, and the command that creates the first administrator."""

from __future__ import annotations

import argon2

from config import Config, ProductionConfig
from marketplace.accounts.passwords import hash_password, verify_password
from marketplace.core.roles import Role
from tests import factories
from tests.client import set_up_two_factor
from tests.factories import NEW_PASSWORD
from tests.lookups import audit_events, user_by_email, user_count

OWASP_MIN_TIME_COST = 2
OWASP_MIN_MEMORY_KIB = 19 * 1024


def create_admin(app, password: str, confirmation: str | None = None, email: str = "root@example.org"):
    return app.test_cli_runner().invoke(
        args=["accounts", "create-admin", "--email", email, "--name", "Root Admin"],
        input=f"{password}\n{confirmation if confirmation is not None else password}\n",
    )


def test_password_hashes_are_argon2id_and_never_the_password():
    hashed = hash_password(NEW_PASSWORD)

    assert hashed.startswith("$argon2id$")
    assert NEW_PASSWORD not in hashed
    assert verify_password(hashed, NEW_PASSWORD)
    assert not verify_password(hashed, NEW_PASSWORD + "!")


def test_the_same_password_hashes_differently_each_time():
    assert hash_password(NEW_PASSWORD) != hash_password(NEW_PASSWORD)


def test_registered_users_are_stored_with_an_argon2id_hash(client):
    client.register(
        {
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            "account_type": "commissioner",
            "commissioning_body": str(factories.make_body().id),
        },
    )

    user = user_by_email("ada@example.org")
    assert user.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in user.password_hash


def test_verify_password_rejects_a_missing_or_malformed_hash():
    assert not verify_password(None, NEW_PASSWORD)
    assert not verify_password("not-a-hash", NEW_PASSWORD)


def test_default_and_production_settings_meet_the_owasp_argon2id_minimums():
    for config in (Config, ProductionConfig):
        assert config.ARGON2_TIME_COST >= OWASP_MIN_TIME_COST
        assert config.ARGON2_MEMORY_COST >= OWASP_MIN_MEMORY_KIB


def test_hashes_use_the_configured_cost(app):
    app.config.update(ARGON2_TIME_COST=Config.ARGON2_TIME_COST, ARGON2_MEMORY_COST=Config.ARGON2_MEMORY_COST)

    parameters = argon2.extract_parameters(hash_password(NEW_PASSWORD))

    assert parameters.type is argon2.Type.ID
    assert parameters.time_cost == Config.ARGON2_TIME_COST
    assert parameters.memory_cost == Config.ARGON2_MEMORY_COST


def test_signing_in_upgrades_a_hash_made_at_a_lower_cost(app, client):
    user = factories.make_provider()
    old_parameters = argon2.extract_parameters(user.password_hash)
    app.config.update(ARGON2_TIME_COST=old_parameters.time_cost + 1)

    client.sign_in(user.email)

    assert argon2.extract_parameters(user.password_hash).time_cost == old_parameters.time_cost + 1
    assert verify_password(user.password_hash, factories.PASSWORD)


# flask accounts create-admin ------------------------------------------------------------------------------------


def test_create_admin_command_creates_an_admin_who_can_sign_in(app, client):
    result = create_admin(app, NEW_PASSWORD)

    assert result.exit_code == 0, result.output
    assert "Created admin root@example.org" in result.output
    admin = user_by_email("root@example.org")
    assert admin.role == Role.ADMIN.value
    assert admin.password_hash.startswith("$argon2id$")
    assert len(audit_events("account.created")) == 1
    client.sign_in("root@example.org", NEW_PASSWORD)
    set_up_two_factor(client)  # an admin must, before any other page
    assert client.get("/admin").status_code == 200


def test_create_admin_command_refuses_a_weak_password(app):
    result = create_admin(app, "password123")

    assert result.exit_code != 0
    assert "Password is too easy to guess" in result.output
    assert user_count() == 0


def test_create_admin_command_refuses_a_short_password(app):
    result = create_admin(app, "short")

    assert result.exit_code != 0
    assert "Password must be 10 characters or more" in result.output
    assert user_count() == 0


def test_create_admin_command_refuses_mismatched_confirmation(app):
    result = create_admin(app, NEW_PASSWORD, "a different long passphrase")

    assert result.exit_code != 0
    assert user_count() == 0


def test_create_admin_command_refuses_an_email_that_already_has_an_account(app):
    factories.make_provider(email="root@example.org")

    result = create_admin(app, NEW_PASSWORD)

    assert result.exit_code != 0
    assert "An account already exists" in result.output
    assert user_by_email("root@example.org").role == Role.PROVIDER.value
