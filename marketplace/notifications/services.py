"""Queue emails and in-app notifications; deliver the outbox with retries.

Emails are rows first: a failed delivery never loses a message, it stays queued with a back-off until
``MAIL_MAX_ATTEMPTS`` is reached. Callers add to the session and commit with their own change.
"""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import EmailStatus, Notification, OutboxEmail


def queue_email(to_address: str, subject: str, body: str) -> OutboxEmail:
    email = OutboxEmail(to_address=to_address, subject=subject, body=body)
    db.session.add(email)
    return email


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


def send_due_emails(*, limit: int = 200, include_not_due: bool = False) -> tuple[int, int]:
    """Deliver queued emails whose next attempt is due. Returns (sent, failed)."""
    query = select(OutboxEmail).where(OutboxEmail.status == EmailStatus.QUEUED)
    if not include_not_due:
        query = query.where(OutboxEmail.next_attempt_at <= utcnow())
    sent = failed = 0
    for email in db.session.scalars(query.order_by(OutboxEmail.id).limit(limit)):
        if deliver_email(email):
            sent += 1
        else:
            failed += 1
        db.session.commit()
    return sent, failed


def dispatch_queued_now() -> None:
    """Best effort right after a commit (so development shows emails at once); the CLI retries the rest."""
    if current_app.config.get("MAIL_DISPATCH_ON_QUEUE"):
        send_due_emails(limit=20)


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
