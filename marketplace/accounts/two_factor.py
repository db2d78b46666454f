"""Two-factor sign-in with time-based one-time passwords (TOTP, RFC 6238, via pyotp) and recovery codes.

A code is accepted for the current 30-second step or the one either side (clock drift), and only for a step later
than the last one accepted, so a code cannot be used twice. Ten recovery codes are made when two-factor is turned
on (and on request); each works once and is stored as an argon2 hash, like a password. Every change and every
failed or recovery-code sign-in writes an audit event.
"""

from __future__ import annotations

import secrets
import time

import pyotp
from flask import current_app
from sqlalchemy import select

from marketplace.accounts.models import RecoveryCode, User
from marketplace.accounts.passwords import hash_password, verify_password
from marketplace.accounts.services import AccountError
from marketplace.audit.services import record_event
from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.notifications.services import send_email

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads (from the QR code, or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["SERVICE_NAME"])


def is_required(user: User) -> bool:
    """Assessors and admins (TWO_FACTOR_REQUIRED_ROLES) must use two-factor: they see private evidence."""
    return user.role in current_app.config["TWO_FACTOR_REQUIRED_ROLES"]


def _matching_step(secret: str, code: str, *, after: int | None) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side), if it is later than ``after``."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(time.time())
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if (after is None or step > after) and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; return them (the only time they are seen)."""
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(old)
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_password(raw)))
    return codes


def enable(user: User, secret: str) -> list[str]:
    """Turn two-factor on with ``secret`` (already confirmed, or the demo's known one); return the recovery codes."""
    user.totp_secret = secret
    user.two_factor_enabled_at = utcnow()
    user.totp_last_counter = None
    codes = _new_recovery_codes(user)
    record_event("account.two_factor_enabled", obj=user, actor=user, after={"two_factor": True})
    db.session.commit()
    return codes


def confirm_setup(user: User, secret: str, code: str) -> list[str] | None:
    """Turn two-factor on if ``code`` comes from ``secret`` (the person has added it to their app)."""
    step = _matching_step(secret, code, after=None)
    if step is None:
        record_event("account.two_factor_failed", obj=user, actor=user, summary="set-up code not accepted")
        db.session.commit()
        return None
    codes = enable(user, secret)
    user.totp_last_counter = step
    db.session.commit()
    return codes


def check_code(user: User, code: str) -> bool:
    """The second sign-in step: a current authenticator code or an unused recovery code. Audits a failure and
    each recovery code used; a code's time step is recorded so it cannot be used again."""
    if not user.has_two_factor:
        return False
    step = _matching_step(user.totp_secret or "", code, after=user.totp_last_counter)
    if step is not None:
        user.totp_last_counter = step
        db.session.commit()
        return True
    recovery = _matching_recovery_code(user, code)
    if recovery is not None:
        recovery.used_at = utcnow()
        left = remaining_recovery_codes(user)
        record_event("account.recovery_code_used", obj=user, actor=user, summary=f"{left} recovery codes left")
        db.session.commit()
        return True
    record_event("account.two_factor_failed", obj=user, summary="code not accepted")
    db.session.commit()
    return False


def _matching_recovery_code(user: User, code: str) -> RecoveryCode | None:
    raw = "".join(character for character in code.lower() if character.isalnum())
    if len(raw) != 10:
        return None
    unused = select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    for candidate in db.session.scalars(unused.order_by(RecoveryCode.id)):
        if verify_password(candidate.code_hash, raw):
            return candidate
    return None


def remaining_recovery_codes(user: User) -> int:
    unused = select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    return len(db.session.scalars(unused).all())


def verify_current_code(user: User, code: str) -> bool:
    """An authenticator code (not a recovery code) from a signed-in person confirming a change; not replayable."""
    step = _matching_step(user.totp_secret or "", code, after=user.totp_last_counter) if user.has_two_factor else None
    if step is None:
        record_event("account.two_factor_failed", obj=user, actor=user, summary="confirmation code not accepted")
        db.session.commit()
        return False
    user.totp_last_counter = step
    db.session.commit()
    return True


def regenerate_recovery_codes(user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    record_event("account.recovery_codes_regenerated", obj=user, actor=user)
    db.session.commit()
    return codes


def disable(user: User, *, by_owner: bool = True, admin: User | None = None) -> None:
    """Turn two-factor off: by its owner (the view has checked the password and a code, and that the role allows
    it), or for someone who lost their app and recovery codes (``by_owner=False``): by an administrator, who is
    recorded as the actor, or from the command line."""
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(old)
    user.totp_secret = None
    user.two_factor_enabled_at = None
    user.totp_last_counter = None
    reset_by = f"reset by {admin.name}" if admin is not None else "reset from the command line"
    record_event(
        "account.two_factor_disabled",
        obj=user,
        actor=user if by_owner else admin,
        summary="" if by_owner else reset_by,
        before={"two_factor": True},
        after={"two_factor": False},
    )
    db.session.commit()


def reset_for(user: User, *, admin: User) -> None:
    """An administrator turns off the second factor of someone who lost their app and their recovery codes (after
    checking who is asking, outside the service). They set it up again at their next sign-in; the account holder
    is emailed, so a reset they did not ask for does not go unnoticed."""
    if user.id == admin.id:
        raise AccountError("You cannot reset your own two-factor sign-in: use your two-factor settings page")
    if not user.has_two_factor:
        raise AccountError(f"{user.name} does not use two-factor sign-in")
    service = current_app.config["SERVICE_NAME"]
    send_email(
        user.email,
        f"Your two-factor sign-in on the {service} was reset",
        f"Hello {user.name},\n\nAn administrator ({admin.name}) turned off two-factor sign-in for your account, as "
        "asked when the authenticator app and recovery codes were lost. You will set it up again when you next sign "
        "in.\n\nIf you did not ask for this, contact the service team straight away.",
    )
    disable(user, by_owner=False, admin=admin)
