"""Password hashing (argon2id with OWASP-level parameters) and strength rules."""

from __future__ import annotations

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from zxcvbn import zxcvbn


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    # A hash of a random password, verified when an email is unknown, so a sign-in takes as long for a
    # missing account as for a wrong password (no account enumeration by timing).
    return hasher, hasher.hash("not-a-real-password-used-for-timing")


def _hasher() -> tuple[PasswordHasher, str]:
    """argon2id with the configured cost (default t=3, m=64 MiB: above the OWASP minimums)."""
    config = current_app.config if has_app_context() else {}
    return _hasher_for(config.get("ARGON2_TIME_COST", 3), config.get("ARGON2_MEMORY_COST", 65536))


def hash_password(password: str) -> str:
    return _hasher()[0].hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher, dummy_hash = _hasher()
    try:
        return hasher.verify(password_hash or dummy_hash, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher()[0].check_needs_rehash(password_hash)


# Words an attacker tries first against this service: its name, its subject and the demo's vocabulary.
SITE_WORDS = (
    "marketplace", "market", "place", "cultural", "culture", "commissioning", "commissioner", "commission",
    "demo", "password", "museum", "library", "arts", "council",
)  # fmt: skip
TOO_EASY = "Password is too easy to guess. Use 3 or more random words, or a longer password"


def site_words(user_inputs: list[str] | None = None) -> list[str]:
    """The site's words plus the person's own (each word of their email address and name), longest first."""
    service = current_app.config.get("SERVICE_NAME", "") if has_app_context() else ""
    words = {*SITE_WORDS, *re.findall(r"[a-z]{3,}", service.lower())}
    for value in user_inputs or []:
        words.update(re.findall(r"[a-z]{3,}", value.lower()))
    return sorted(words, key=len, reverse=True)


def _mostly_known_words(password: str, words: list[str]) -> bool:
    """True when little is left once the known words, years, digits' separators and punctuation are taken out
    (zxcvbn rates "culture-demo-2026" as strong: it does not split words joined by punctuation)."""
    rest = password.lower()
    for word in words:
        rest = rest.replace(word, "")
    rest = re.sub(r"(1[0-9]|20)\d\d", "", re.sub(r"[^a-z0-9]", "", rest))
    return len(rest) < 4


def password_problem(password: str, *, min_length: int, user_inputs: list[str] | None = None) -> str | None:
    """Return a GOV.UK-style message if the password is too weak, else None. For people choosing a password
    (forms, the staff-account command); the demo loader sets its shared password without this check."""
    if len(password) < min_length:
        return f"Password must be {min_length} characters or more"
    if len(password) > 200:
        return "Password must be 200 characters or fewer"
    words = site_words(user_inputs)
    if _mostly_known_words(password, words) or zxcvbn(password[:100], user_inputs=words)["score"] < 3:
        return TOO_EASY
    return None
