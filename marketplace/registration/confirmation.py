"""Registration confirms the email address before any account exists, and never says whether one already does.

The form's answer is the same page whoever registers ("check your email"), and the same work is done behind it: the
password is hashed, one email is queued, an audit event written and the email sent after the response has gone.
A new address gets a link that creates the account; an address that already has an account gets an email saying
someone tried to register with it (sign in or reset the password). Following the link creates the account through
:func:`register_user`, exactly as the form did before.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.accounts.services import AccountError, dispatch_after_response, find_user_by_email, normalise_email
from marketplace.audit.services import record_event
from marketplace.core.clock import utcnow
from marketplace.core.links import external_url
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.notifications.services import queue_email
from marketplace.registration import joining
from marketplace.registration.models import PendingRegistration
from marketplace.registration.services import Registration, register_user

CONFIRMATION_HOURS = 24
KEEP_UNCONFIRMED_DAYS = 7  # an unfollowed link's answers (name, organisation, password hash) are deleted after this


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_registration(registration: Registration) -> None:
    """Email a confirmation link (new address) or a warning (address with an account); answer the same either way."""
    email = normalise_email(registration.email)
    password_hash = hash_password(registration.password)
    existing = find_user_by_email(email)
    if existing is not None:
        _tell_the_account_holder(existing)
    else:
        _send_confirmation_link(registration, email, password_hash)
    db.session.commit()
    dispatch_after_response()


def _tell_the_account_holder(user: User) -> None:
    service = current_app.config["SERVICE_NAME"]
    queue_email(
        user.email,
        f"Someone tried to register on the {service} with your email address",
        f"Hello {user.name},\n\nSomeone tried to create an account on the {service} with this email address, which "
        f"already has an account.\n\nIf it was you, sign in instead:\n\n{external_url('accounts.sign_in')}\n\n"
        f"Forgotten your password? Reset it here:\n\n{external_url('accounts.forgot_password')}\n\n"
        "If it was not you, you can ignore this email: nothing has changed.",
    )
    record_event("account.registration_for_existing_account", obj=user, summary=user.email)


def _send_confirmation_link(registration: Registration, email: str, password_hash: str) -> None:
    token = secrets.token_urlsafe(32)
    # The form's answers only: the password is kept as its hash, beside them; confirmation is set by the link.
    kept = ("password", "email", "password_hash", "email_confirmed")
    details = {key: value for key, value in asdict(registration).items() if key not in kept}
    details["account_type"] = registration.account_type.value
    pending = PendingRegistration(
        email=email,
        token_hash=_hash_token(token),
        details=details,
        password_hash=password_hash,
        expires_at=utcnow() + timedelta(hours=CONFIRMATION_HOURS),
    )
    db.session.add(pending)
    db.session.flush()
    service = current_app.config["SERVICE_NAME"]
    link = external_url("registration.confirm", token=token)
    queue_email(
        email,
        f"Confirm your email address to finish registering on the {service}",
        f"Hello,\n\nTo finish creating your account, confirm your email address with this link "
        f"(it works for {CONFIRMATION_HOURS} hours):\n\n{link}\n\n"
        "If you did not try to register, you can ignore this email: no account will be created.",
    )
    record_event("account.registration_requested", obj=pending, summary=email)


def open_registration(token: str) -> PendingRegistration | None:
    pending = db.session.scalar(select(PendingRegistration).where(PendingRegistration.token_hash == _hash_token(token)))
    return pending if pending is not None and pending.is_open else None


def confirm_registration(pending: PendingRegistration) -> User:
    """The emailed link was followed: create the account as the form asked (AccountError if the address was
    taken meanwhile, e.g. by a second registration confirmed first)."""
    details = dict(pending.details)
    registration = Registration(
        **{**details, "account_type": Role(details["account_type"])},
        email=pending.email,
        password="",
        password_hash=pending.password_hash,
        email_confirmed=True,
    )
    pending.confirmed_at = utcnow()
    pending.password_hash = ""  # the account holds it now; a used link keeps no copy
    if registration.join_organisation_id is not None:
        return _join(registration)
    return register_user(registration)


def _join(registration: Registration) -> User:
    """The registrant chose to join a listed organisation: make the account and the request to join it."""
    organisation = db.session.get(Organisation, registration.join_organisation_id)
    if organisation is None:
        raise AccountError("The organisation you asked to join is no longer listed: register again", "email")
    return joining.register_to_join(registration, organisation).user


def prune_pending_registrations() -> int:
    """Delete registrations whose link was never followed, a week after it expired: they hold a stranger's name,
    organisation and password hash, and nobody can use them any more. Confirmed ones were emptied by the link
    (the account holds the details) and go too. Returns how many were deleted."""
    cutoff = utcnow() - timedelta(days=KEEP_UNCONFIRMED_DAYS)
    expired_or_used = (PendingRegistration.expires_at < cutoff) | (
        PendingRegistration.confirmed_at.is_not(None) & (PendingRegistration.confirmed_at < cutoff)
    )
    deleted = db.session.execute(delete(PendingRegistration).where(expired_or_used)).rowcount
    db.session.commit()
    return deleted
