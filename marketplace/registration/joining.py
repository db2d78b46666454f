"""Requests to join an organisation already listed: made at registration, decided by its account managers.

Each step commits, writes its audit event (``join_request.*``) and queues its emails in one transaction. Requests
are bounded per organisation so a flood of sign-ups cannot bury an account manager's inbox; registration itself is
rate-limited per address.
"""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.accounts.services import AccountError, ensure_email_free, flush_new_user, normalise_email
from marketplace.audit.services import record_event
from marketplace.core.clock import utcnow
from marketplace.core.links import external_url
from marketplace.core.roles import Role
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.notifications.services import notify, send_email
from marketplace.registration.models import JoinRequest, JoinRequestStatus
from marketplace.registration.services import Registration

MAX_PENDING_PER_ORGANISATION = 10
TOO_MANY_WAITING = (
    "{name} already has many requests to join waiting. Ask its account manager to invite you, or try again later"
)


class JoinRequestError(Exception):
    """The request cannot be decided (already decided, or not this account manager's organisation)."""


def account_managers(organisation: Organisation) -> list[User]:
    """The organisation's active account managers (org-admins): they decide requests to join."""
    return [user for user in organisation.members if user.is_org_admin and user.is_active]


def pending_requests(organisation: Organisation) -> list[JoinRequest]:
    return list(
        db.session.scalars(
            select(JoinRequest)
            .where(JoinRequest.organisation_id == organisation.id, JoinRequest.status == JoinRequestStatus.PENDING)
            .order_by(JoinRequest.created_at, JoinRequest.id)
        )
    )


def latest_request_of(user: User) -> JoinRequest | None:
    """The registrant's most recent request, for the page that says what happens next."""
    return db.session.scalar(
        select(JoinRequest).where(JoinRequest.user_id == user.id).order_by(JoinRequest.id.desc()).limit(1)
    )


def _pending_count(organisation: Organisation) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(JoinRequest)
        .where(JoinRequest.organisation_id == organisation.id, JoinRequest.status == JoinRequestStatus.PENDING)
    )


def ensure_room_to_join(organisation: Organisation) -> None:
    """AccountError when the organisation already has the most requests to join that may wait."""
    if _pending_count(organisation) >= MAX_PENDING_PER_ORGANISATION:
        raise AccountError(TOO_MANY_WAITING.format(name=organisation.name), "organisation_name")


def register_to_join(registration: Registration, organisation: Organisation) -> JoinRequest:
    """Create the registrant's provider account (no organisation yet) and ask ``organisation`` to let them in
    (when the registrant confirms their email address, like any registration)."""
    ensure_email_free(registration.email)
    ensure_room_to_join(organisation)
    user = User(
        email=normalise_email(registration.email),
        name=registration.name.strip(),
        password_hash=registration.password_hash or hash_password(registration.password),
        role=Role.PROVIDER.value,
        is_org_admin=False,
        password_changed_at=utcnow(),
    )
    flush_new_user(user)
    record_event("account.registered", obj=user, actor=user, after={"email": user.email, "role": user.role})
    join_request = JoinRequest(organisation=organisation, user=user)
    db.session.add(join_request)
    db.session.flush()
    record_event(
        "join_request.created",
        obj=join_request,
        actor=user,
        summary=f"{user.name} asked to join {organisation.name}",
        after={"organisation_id": organisation.id, "user_id": user.id},
    )
    _tell_account_managers(join_request)
    db.session.commit()
    return join_request


def _tell_account_managers(join_request: JoinRequest) -> None:
    user, organisation = join_request.user, join_request.organisation
    for manager in account_managers(organisation):
        notify(manager.id, f"{user.name} ({user.email}) asks to join {organisation.name}", "/account/join-requests")
        send_email(
            manager.email,
            "Someone asks to join your organisation",
            f"{user.name} <{user.email}> registered on the marketplace and asks to join {organisation.name}.\n\n"
            f"Approve or decline the request: {external_url('registration.join_requests')}\n\n"
            "Approving makes them a member of your team: they can edit your profile, offers and evidence. "
            "Decline if you do not know them.",
        )


def decide_join_request(join_request: JoinRequest, *, approve: bool, actor: User) -> JoinRequest:
    """Approve (the registrant joins as a member) or decline (they are told). Commits; audits both."""
    if actor.organisation_id != join_request.organisation_id or not actor.is_org_admin:
        raise JoinRequestError("Only the organisation's account managers decide requests to join")
    if not join_request.is_pending:
        raise JoinRequestError("This request has already been decided")
    user, organisation = join_request.user, join_request.organisation
    if approve and user.organisation_id is not None:
        raise JoinRequestError(f"{user.name} already belongs to an organisation")
    join_request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    join_request.decided_at, join_request.decided_by = utcnow(), actor
    if approve:
        user.organisation, user.is_org_admin = organisation, False
    record_event(
        f"join_request.{join_request.status}",
        obj=join_request,
        actor=actor,
        summary=f"{'Approved' if approve else 'Declined'} {user.name}'s request to join {organisation.name}",
        before={"status": JoinRequestStatus.PENDING},
        after={"status": join_request.status, "user_id": user.id},
    )
    _tell_registrant(join_request)
    db.session.commit()
    return join_request


def _tell_registrant(join_request: JoinRequest) -> None:
    user, organisation = join_request.user, join_request.organisation
    if join_request.status == JoinRequestStatus.APPROVED:
        subject = "Your request to join has been approved"  # subjects carry no text a user chose
        body = f"{organisation.name} approved your request. Sign in to work on its profile: " + external_url(
            "directory.dashboard"
        )
    else:
        subject = "Your request to join was declined"
        body = (
            f"An account manager of {organisation.name} declined your request to join it on the marketplace.\n\n"
            "If you think this is a mistake, contact the organisation. If you work for a different organisation, "
            f"you can create its profile: {external_url('registration.join_status')}"
        )
    notify(user.id, f"{subject}: {organisation.name}", "/account/join-request")
    send_email(user.email, subject, body)


def start_own_organisation(user: User, *, name: str, organisation_type_id: int | None) -> Organisation:
    """A registrant whose request was declined (or who changed their mind) creates their own organisation's
    draft profile and becomes its account manager, as registering would have. Commits; audits."""
    if user.organisation_id is not None:
        raise JoinRequestError("You already belong to an organisation")
    waiting = latest_request_of(user)
    if waiting is not None and waiting.is_pending:
        waiting.status, waiting.decided_at, waiting.decided_by = JoinRequestStatus.WITHDRAWN, utcnow(), user
        record_event("join_request.withdrawn", obj=waiting, actor=user, summary=f"{user.name} withdrew their request")
    user.organisation = Organisation(name=name.strip(), organisation_type_id=organisation_type_id)
    user.is_org_admin = True
    db.session.flush()
    record_event(
        "organisation.created",
        obj=user.organisation,
        actor=user,
        summary=f"{user.name} created {user.organisation.name}",
        after={"name": user.organisation.name},
    )
    db.session.commit()
    return user.organisation
