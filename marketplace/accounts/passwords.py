"""Password hashing (argon2id with OWASP-level parameters) and strength rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4: above the OWASP minimums

# A valid hash of a random password, verified against when an email is unknown, so a sign-in takes as long
# for a missing account as for a wrong password (no account enumeration by timing).
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, min_length: int, user_inputs: list[str] | None = None) -> str | None:
    """Return a GOV.UK-style message if the password is too weak, else None."""
    if len(password) < min_length:
        return f"Password must be {min_length} characters or more"
    if len(password) > 200:
        return "Password must be 200 characters or fewer"
    if zxcvbn(password[:100], user_inputs=user_inputs or [])["score"] < 3:
        return "Password is too easy to guess. Use 3 or more random words, or a longer password"
    return None
