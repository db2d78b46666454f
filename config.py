"""Settings, read from the environment with safe defaults.

``APP_ENV`` picks the class: development (default), testing or production. Production refuses to start
without ``SECRET_KEY``; everything else has a working embedded default (SQLite under ``instance/``, the
Whoosh index under ``search_index/``).
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"  # anyone can read it here: gunicorn refuses to serve with it
TESTING_SECRET_KEY = "testing-secret"


class Config:
    SERVICE_NAME = "Cultural Commissioning Marketplace"
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")  # used for links in emails
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'marketplace.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(BASE_DIR / "search_index"))
    SEARCH_ENGINE = os.environ.get("SEARCH_ENGINE", "whoosh")  # or "tantivy" for large directories
    SEARCH_SYNC = True  # record changes in the feed and update the index after each commit
    # Each host's index follows the feed from a thread in its app processes (marketplace/search/index/follower.py).
    SEARCH_FOLLOW = _bool("SEARCH_FOLLOW", True)
    SEARCH_FOLLOW_INTERVAL = float(os.environ.get("SEARCH_FOLLOW_INTERVAL", "0.25"))
    SEARCH_FOLLOWER_NAME = os.environ.get("SEARCH_FOLLOWER_NAME")  # default: host name and index folder
    SEARCH_LOCK_TIMEOUT = float(os.environ.get("SEARCH_LOCK_TIMEOUT", "5"))
    # Needs whose ranked matches each worker keeps until anything the ranking reads changes (0: rank every time).
    MATCH_CACHE_SIZE = int(os.environ.get("MATCH_CACHE_SIZE", "64"))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))
    # Where evidence files live: "local" (UPLOAD_DIR; a shared volume with several hosts) or "package.module:factory"
    # for another EvidenceStore (marketplace/directory/evidence/storage.py), e.g. an S3-compatible store.
    EVIDENCE_STORE = os.environ.get("EVIDENCE_STORE", "local")

    # Uploads: evidence files up to 10 MB (a field error above that); a whole request gets 2 MB more room for the
    # form around the file, and anything larger is cut off with a styled 413.
    EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", EVIDENCE_MAX_BYTES + 2 * 1024 * 1024))
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    MAX_FORM_PARTS = 1000

    # Sessions and cookies
    SESSION_COOKIE_NAME = "marketplace_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60
    FORCE_HTTPS = False

    WTF_CSRF_TIME_LIMIT = 4 * 60 * 60

    # Behind a TLS proxy: how many proxies in front of the app set X-Forwarded-For/-Proto (werkzeug's ProxyFix).
    # 0 (the default) trusts none, so a client cannot forge its address; set it to the number of proxies.
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

    # Rate limiting (Flask-Limiter). Memory storage is per process, so with several workers or hosts every limit
    # is multiplied: set RATELIMIT_STORAGE_URI (or REDIS_URL) to a shared Redis, e.g. redis://127.0.0.1:6379/0.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute;50 per hour")
    SIGN_IN_PER_EMAIL_LIMIT = os.environ.get("SIGN_IN_PER_EMAIL_LIMIT", "5 per minute;20 per hour")
    # Forms that check a signed-in person's current password (change password): per account.
    PASSWORD_CHECK_LIMIT = os.environ.get("PASSWORD_CHECK_LIMIT", "5 per minute;20 per hour")
    # Two-factor sign-in (TOTP): roles that must use it, and the limits on the second step (per IP and per account).
    TWO_FACTOR_REQUIRED_ROLES = ("assessor", "admin")
    TWO_FACTOR_RATE_LIMIT = os.environ.get("TWO_FACTOR_RATE_LIMIT", "10 per minute;50 per hour")
    TWO_FACTOR_PER_ACCOUNT_LIMIT = os.environ.get("TWO_FACTOR_PER_ACCOUNT_LIMIT", "5 per minute;20 per hour")
    TWO_FACTOR_PENDING_SECONDS = 300  # how long the second step waits after a correct password
    # Invitations: per organisation or body (per inviter for staff invitations), counted in the database so every
    # host agrees; each one emails an address nobody has checked.
    INVITATIONS_PER_HOUR = int(os.environ.get("INVITATIONS_PER_HOUR", "10"))
    INVITATIONS_PER_DAY = int(os.environ.get("INVITATIONS_PER_DAY", "30"))

    # Email: every message goes through the outbox table; the sender is "log", "smtp" or "memory".
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "log")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "no-reply@marketplace.example.org")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_DISPATCH_ON_QUEUE = _bool("MAIL_DISPATCH_ON_QUEUE", True)
    MAIL_MAX_ATTEMPTS = 8

    PASSWORD_RESET_MAX_AGE = 60 * 60
    INVITATION_MAX_AGE_DAYS = 14
    MIN_PASSWORD_LENGTH = 10
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024  # KiB

    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "culture-demo-2026")
    # The demo's assessors and admins use two-factor with this authenticator secret (base32): add it to an app.
    DEMO_TOTP_SECRET = os.environ.get("DEMO_TOTP_SECRET", "CULTUREDEMOSTAFFTWOFACTORSECRET2")
    STRICT_TEMPLATES = True


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = TESTING_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    MAIL_BACKEND = "memory"
    RATELIMIT_STORAGE_URI = "memory://"
    SEARCH_SYNC = False  # search tests switch it on; others need no index
    SEARCH_FOLLOW = False  # the tests that need a follower start one
    # Cheap hashing keeps the suite fast; production cost is checked by a test of the default settings.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = _bool("FORCE_HTTPS", True)
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    STRICT_TEMPLATES = False

    @classmethod
    def validate(cls) -> None:
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production")


DEVELOPMENT_SECRET_KEYS = frozenset({DEVELOPMENT_SECRET_KEY, TESTING_SECRET_KEY, ""})


def serving_problems(config: type[Config], *, workers: int) -> tuple[list[str], list[str]]:
    """Why a multi-process server (gunicorn) must not start with this config, and what it should warn about.

    A development secret key lets anyone forge sessions, so it is always refused. Memory rate-limit storage
    with several workers gives each worker its own counters (5 per minute becomes 5 per minute per worker):
    refused in production, a warning elsewhere (the load test runs development settings on one machine).
    """
    refusals: list[str] = []
    warnings: list[str] = []
    if config.SECRET_KEY in DEVELOPMENT_SECRET_KEYS:
        refusals.append("SECRET_KEY is a development key: set SECRET_KEY (and APP_ENV=production) to serve")
    if workers > 1 and config.RATELIMIT_STORAGE_URI.startswith("memory://"):
        message = (
            f"rate limits are kept in each of the {workers} workers' memory, so every limit is multiplied: "
            "set RATELIMIT_STORAGE_URI or REDIS_URL to a shared Redis"
        )
        (refusals if issubclass(config, ProductionConfig) else warnings).append(message)
    return refusals, warnings


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}


def config_for(name: str | None = None) -> type[Config]:
    name = (name or os.environ.get("APP_ENV") or "development").lower()
    try:
        config = CONFIGS[name]
    except KeyError as error:
        raise RuntimeError(f"Unknown APP_ENV {name!r}; use one of {', '.join(CONFIGS)}") from error
    if config is ProductionConfig:
        ProductionConfig.validate()
        config.SECRET_KEY = os.environ["SECRET_KEY"]
    return config
