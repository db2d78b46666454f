"""Queue emails and in-app notifications; deliver the outbox with retries.

Emails are rows first: a failed delivery never loses a message, it stays queued with a back-off until
``MAIL_MAX_ATTEMPTS`` is reached. Callers add to the session and commit with their own change.

:func:`send_email` is what services use: it queues the email and, through :mod:`marketplace.core.after_commit`,
tries to deliver the outbox right after the outermost commit (when ``MAIL_DISPATCH_ON_QUEUE`` is on), so no
service has to remember a call after its commit. :func:`queue_email` only fills the outbox, for
``flask notifications send`` to deliver.
"""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.core.after_commit import after_commit
from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import EmailStatus, Notification, OutboxEmail

DISPATCH_KEY = "notifications.dispatch"
DISPATCH_LIMIT = 20


def queue_email(to_address: str, subject: str, body: str) -> OutboxEmail:
    """Put an email in the outbox only; ``flask notifications send`` delivers it."""
    email = OutboxEmail(to_address=to_address, subject=subject, body=body)
    db.session.add(email)
    return email


def send_email(to_address: str, subject: str, body: str) -> OutboxEmail:
    """Queue an email and try to deliver the outbox once the caller's change is committed (best effort).

    Delivery waits for the outermost commit, so an email never leaves for a change that was rolled back; a
    failed delivery stays queued for ``flask notifications send``.
    """
    email = queue_email(to_address, subject, body)
    if current_app.config.get("MAIL_DISPATCH_ON_QUEUE"):
        after_commit(db.session, DISPATCH_KEY, run=_dispatch)
    return email


def _dispatch(items: set) -> None:
    deliver_due_emails_now()


def deliver_due_emails_now() -> None:
    """Try to deliver the outbox now (best effort; failures stay queued), when ``MAIL_DISPATCH_ON_QUEUE`` is on.

    Runs in a session of its own: right after a commit the caller's session can no longer emit SQL.
    """
    if not current_app.config.get("MAIL_DISPATCH_ON_QUEUE"):
        return
    with Session(db.engine) as session:
        send_due_emails(limit=DISPATCH_LIMIT, session=session)


def notify(user_id: int, message: str, link: str = "") -> Notification:
    notification = Notification(user_id=user_id, message=message, link=link)
    db.session.add(notification)
    return notification


def _as_message(email: OutboxEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message.set_content(email.body)
    return message


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))


def deliver_email(email: OutboxEmail) -> bool:
    """Try one email; record success or the error and the next attempt time. Does not commit."""
    sender = current_app.extensions["mail_sender"]
    email.attempts += 1
    try:
        sender.send(_as_message(email))
    except Exception as error:  # any transport failure keeps the email queued
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            email.status = EmailStatus.FAILED
        email.next_attempt_at = utcnow() + _backoff(email.attempts)
        return False
    email.status = EmailStatus.SENT
    email.sent_at = utcnow()
    email.last_error = ""
    return True


def send_due_emails(
    *, limit: int = 200, include_not_due: bool = False, session: Session | None = None
) -> tuple[int, int]:
    """Deliver queued emails whose next attempt is due, committing each. Returns (sent, failed)."""
    session = session or db.session
    query = select(OutboxEmail).where(OutboxEmail.status == EmailStatus.QUEUED)
    if not include_not_due:
        query = query.where(OutboxEmail.next_attempt_at <= utcnow())
    sent = failed = 0
    for email in session.scalars(query.order_by(OutboxEmail.id).limit(limit)).all():
        if deliver_email(email):
            sent += 1
        else:
            failed += 1
        session.commit()
    return sent, failed


def unread_count(user_id: int) -> int:
    return db.session.query(Notification).filter_by(user_id=user_id, read_at=None).count()


def notifications_for(user_id: int) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc()).limit(100)
        )
    )


def mark_all_read(user_id: int) -> None:
    now = utcnow()
    for notification in db.session.scalars(
        select(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ):
        notification.read_at = now
    db.session.commit()
