"""Account rules: registration, sign-in, sign-out, password reset, invitations and approval.

Every change here commits, writes its audit event and queues its emails in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Response, after_this_request, current_app, has_request_context
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Invitation, User, new_session_token
from marketplace.accounts.passwords import hash_password, needs_rehash, verify_password
from marketplace.audit.services import record_event
from marketplace.core.clock import utcnow
from marketplace.core.links import external_url
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.notifications.services import deliver_due_emails_now, notify, queue_email, send_email


class AccountError(Exception):
    """A rule was broken; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


EMAIL_TAKEN = "An account already exists for this email address. Sign in or reset your password"


def ensure_email_free(email: str) -> None:
    if find_user_by_email(email) is not None:
        raise AccountError(EMAIL_TAKEN, "email")


def flush_new_user(user: User) -> None:
    """Insert ``user``; a concurrent request that took the same email first (user.email is unique) is reported
    like a taken email instead of failing with a 500."""
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise AccountError(EMAIL_TAKEN, "email") from error


def admins() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.ADMIN.value, User.is_active.is_(True))))


def check_password(email: str, password: str) -> User | None:
    """The first sign-in step: the active account whose email and password match, or None (audited)."""
    user = find_user_by_email(email)
    password_matches = verify_password(user.password_hash if user else None, password)
    if user is None or not password_matches or not user.is_active:
        # The attempt is on the account, not by its owner: no actor (the address is recorded).
        record_event("account.sign_in_failed", obj=user, summary=normalise_email(email)[:254])
        db.session.commit()
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def complete_sign_in(user: User) -> None:
    """Record a finished sign-in (after the password, and the second step for two-factor accounts)."""
    user.last_sign_in_at = utcnow()
    record_event("account.signed_in", obj=user, actor=user)
    db.session.commit()


def sign_out_everywhere(user: User) -> None:
    """Rotate the session token so every existing session and remember-me cookie of this user stops working."""
    user.session_token = new_session_token()
    record_event("account.signed_out", obj=user, actor=user)
    db.session.commit()


def load_user_from_session(user_id: str) -> User | None:
    identifier, _, token = user_id.partition(":")
    if not identifier.isdigit() or not token:
        return None
    user = db.session.get(User, int(identifier))
    if user is None or not user.is_active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


# Password reset -----------------------------------------------------------------------------------------------


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # Binding the token to the current hash makes it single-use: once the password changes, it stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists. Says nothing either way, so accounts cannot be discovered: an
    unknown email does the same work (a token, an audit record, a commit) and neither sends anything before the
    response has gone (see :func:`dispatch_after_response`), so the time taken does not tell them apart."""
    user = find_user_by_email(email)
    known = user is not None and user.is_active
    fingerprint = _password_fingerprint(user) if known else hashlib.sha256(b"no account").hexdigest()[:16]
    token = _reset_serializer().dumps({"user_id": user.id if known else 0, "fp": fingerprint})
    if known:
        link = external_url("accounts.reset_password", token=token)
        minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
        queue_email(
            user.email,
            "Reset your password",
            f"Hello {user.name},\n\nUse this link to choose a new password. It works once, for {minutes} minutes:"
            f"\n\n{link}\n\nIf you did not ask for this, you can ignore this email.",
        )
        record_event("account.password_reset_requested", obj=user, actor=user)
    else:
        record_event("account.password_reset_requested", summary=f"no active account: {normalise_email(email)[:254]}")
    db.session.commit()
    dispatch_after_response()


def dispatch_after_response() -> None:
    """Send queued emails once the response has been sent (WSGI close), not while the person waits: SMTP time
    would otherwise show which requests queued an email. Outside a request, send now."""
    if not has_request_context():
        deliver_due_emails_now()
        return
    app = current_app._get_current_object()

    @after_this_request
    def send_when_closed(response: Response) -> Response:
        def send() -> None:
            with app.app_context():
                deliver_due_emails_now()

        response.call_on_close(send)
        return response


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("user_id")) if isinstance(data.get("user_id"), int) else None
    if user is None or not user.is_active or data.get("fp") != _password_fingerprint(user):
        return None
    return user


def change_password(user: User, new_password: str, *, action: str = "account.password_changed") -> None:
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.session_token = new_session_token()
    record_event(action, obj=user, actor=user)
    db.session.commit()


# Invitations --------------------------------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_member(inviter: User, email: str, *, is_org_admin: bool = False, role: Role | None = None) -> Invitation:
    """An org-admin invites a colleague to their organisation or body; an admin may invite assessors/admins."""
    email = normalise_email(email)
    ensure_email_free(email)
    if role in (Role.ASSESSOR, Role.ADMIN):
        if inviter.role_enum is not Role.ADMIN:
            raise AccountError("Only administrators can invite assessors or administrators", "role")
        invitation = Invitation(email=email, role=role.value)
    elif inviter.is_org_admin and inviter.organisation_id:
        invitation = Invitation(email=email, role=Role.PROVIDER.value, organisation_id=inviter.organisation_id)
    elif inviter.is_org_admin and inviter.commissioning_body_id and inviter.is_approved:
        invitation = Invitation(
            email=email, role=Role.COMMISSIONER.value, commissioning_body_id=inviter.commissioning_body_id
        )
    else:
        raise AccountError("You cannot invite people to this organisation")
    _ensure_invitations_left(invitation, inviter)
    token = secrets.token_urlsafe(32)
    invitation.is_org_admin = bool(is_org_admin) and invitation.role in (Role.PROVIDER, Role.COMMISSIONER)
    invitation.token_hash = _hash_token(token)
    invitation.invited_by = inviter
    invitation.expires_at = utcnow() + timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"])
    db.session.add(invitation)
    db.session.flush()
    where = inviter.membership_name if invitation.role in (Role.PROVIDER, Role.COMMISSIONER) else "the marketplace"
    link = external_url("accounts.accept_invitation", token=token)
    send_email(
        email,
        # No organisation name (chosen by whoever registered it) in the subject: it reads as our own words.
        f"You have been invited to the {current_app.config['SERVICE_NAME']}",
        f"{inviter.name} has invited you to join {where} on the "
        f"{current_app.config['SERVICE_NAME']} as a {invitation.role}.\n\nAccept the invitation here "
        f"(the link works for {current_app.config['INVITATION_MAX_AGE_DAYS']} days):\n\n{link}\n",
    )
    record_event(
        "invitation.sent",
        obj=invitation,
        actor=inviter,
        after={"email": email, "role": invitation.role, "is_org_admin": invitation.is_org_admin},
    )
    db.session.commit()
    return invitation


def _ensure_invitations_left(invitation: Invitation, inviter: User) -> None:
    """At most INVITATIONS_PER_HOUR and INVITATIONS_PER_DAY from one organisation or body (staff invitations:
    from one inviter), so a new account cannot send invitation emails to arbitrary addresses in bulk."""
    query = select(func.count()).select_from(Invitation)
    if invitation.organisation_id:
        query = query.where(Invitation.organisation_id == invitation.organisation_id)
    elif invitation.commissioning_body_id:
        query = query.where(Invitation.commissioning_body_id == invitation.commissioning_body_id)
    else:
        query = query.where(Invitation.invited_by_id == inviter.id)
    now = utcnow()
    for window, limit, period in (
        (timedelta(hours=1), current_app.config["INVITATIONS_PER_HOUR"], "an hour"),
        (timedelta(days=1), current_app.config["INVITATIONS_PER_DAY"], "24 hours"),
    ):
        if db.session.scalar(query.where(Invitation.created_at > now - window)) >= limit:
            raise AccountError(f"You can send up to {limit} invitations in {period}. Try again later", "email")


def open_invitation(token: str) -> Invitation | None:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _hash_token(token)))
    return invitation if invitation is not None and invitation.is_open else None


def accept_invitation(invitation: Invitation, *, name: str, password: str) -> User:
    ensure_email_free(invitation.email)
    user = User(
        email=invitation.email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=invitation.role,
        organisation_id=invitation.organisation_id,
        commissioning_body_id=invitation.commissioning_body_id,
        is_org_admin=invitation.is_org_admin,
        password_changed_at=utcnow(),
    )
    invitation.accepted_at = utcnow()
    flush_new_user(user)
    after = {
        "user_id": user.id,
        "role": user.role,
        "is_org_admin": user.is_org_admin,
        "organisation_id": user.organisation_id,
        "commissioning_body_id": user.commissioning_body_id,
    }
    record_event("invitation.accepted", obj=invitation, actor=user, summary=f"{user.email} joined", after=after)
    db.session.commit()
    return user


def revoke_invitation(invitation: Invitation, *, actor: User) -> None:
    invitation.revoked_at = utcnow()
    record_event(
        "invitation.revoked",
        obj=invitation,
        actor=actor,
        summary=f"Invitation to {invitation.email} revoked",
        before={"email": invitation.email, "role": invitation.role, "revoked_at": None},
        after={"email": invitation.email, "role": invitation.role, "revoked_at": invitation.revoked_at.isoformat()},
    )
    db.session.commit()


def pending_invitations(user: User) -> list[Invitation]:
    query = select(Invitation).where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    if user.organisation_id:
        query = query.where(Invitation.organisation_id == user.organisation_id)
    elif user.commissioning_body_id:
        query = query.where(Invitation.commissioning_body_id == user.commissioning_body_id)
    else:
        return []
    return [invitation for invitation in db.session.scalars(query.order_by(Invitation.id)) if invitation.is_open]


def can_manage_invitation(user: User, invitation: Invitation) -> bool:
    if not user.is_org_admin:
        return False
    if invitation.organisation_id is not None:
        return invitation.organisation_id == user.organisation_id
    if invitation.commissioning_body_id is not None:
        return invitation.commissioning_body_id == user.commissioning_body_id
    return user.role_enum is Role.ADMIN


# Administration -----------------------------------------------------------------------------------------------


def approve_commissioner(user: User, *, admin: User) -> None:
    if user.role_enum is not Role.COMMISSIONER:
        raise AccountError("Only commissioner accounts need approval")
    if user.approved_at is not None:
        return
    user.approved_at = utcnow()
    user.approved_by = admin
    if user.commissioning_body is not None and not user.commissioning_body.is_listed:
        user.commissioning_body.is_listed = True  # the body they named is listed from now on
    record_event("account.approved", obj=user, actor=admin, before={"approved": False}, after={"approved": True})
    notify(user.id, "Your commissioner account has been approved", "/")
    send_email(
        user.email,
        "Your commissioner account has been approved",
        f"Hello {user.name},\n\nAn administrator has approved your commissioner account for "
        f"{user.membership_name}. You can now search, shortlist and post needs.",
    )
    db.session.commit()


def set_user_active(user: User, *, active: bool, admin: User) -> None:
    if user.id == admin.id and not active:
        raise AccountError("You cannot deactivate your own account")
    if user.is_active == active:
        return
    before = {"is_active": user.is_active}
    user.is_active = active
    if not active:
        user.session_token = new_session_token()
    record_event(
        "account.activated" if active else "account.deactivated",
        obj=user,
        actor=admin,
        before=before,
        after={"is_active": active},
    )
    db.session.commit()


def list_users(*, pending_only: bool = False, role: str | None = None) -> list[User]:
    query = select(User).order_by(User.created_at.desc())
    if pending_only:
        query = query.where(User.role == Role.COMMISSIONER.value, User.approved_at.is_(None))
    if role:
        query = query.where(User.role == role)
    return list(db.session.scalars(query))


def create_staff_account(*, email: str, name: str, password: str, role: Role) -> User:
    """Command-line creation of the first admin (and of assessors) on a new installation."""
    ensure_email_free(email)
    user = User(
        email=normalise_email(email),
        name=name,
        password_hash=hash_password(password),
        role=role.value,
        password_changed_at=utcnow(),
    )
    flush_new_user(user)
    record_event(
        "account.created",
        obj=user,
        summary=f"created from the command line as {role.value}",
        after={"email": user.email, "role": role.value},
    )
    db.session.commit()
    return user
