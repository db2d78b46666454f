"""Configuration: production refuses to start without a secret and uses secure cookies; unknown environments fail."""

from __future__ import annotations

import pytest

from marketplace import create_app


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.db'}")


def test_production_uses_the_secret_key_from_the_environment_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-production-secret")

    app = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.db'}")

    assert app.config["SECRET_KEY"] == "a-real-production-secret"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config.get("TESTING") is not True


def test_app_env_selects_the_configuration_when_no_name_is_given(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "testing")

    app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'env.db'}")

    assert app.config["TESTING"] is True


def test_an_unknown_app_env_is_refused(monkeypatch):
    monkeypatch.setenv("APP_ENV", "staging-ish")

    with pytest.raises(RuntimeError, match="Unknown APP_ENV 'staging-ish'"):
        create_app()


def test_an_unknown_configuration_name_is_refused():
    with pytest.raises(RuntimeError, match="Unknown APP_ENV"):
        create_app("prod")
