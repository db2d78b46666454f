"""The SMTP server down: emails stay queued (a page that sends one still works) and a later run delivers them.

Uses the real SMTP sender against 127.0.0.1: first a port nobody listens on, then a small local SMTP server
(aiosmtpd) on that same port.
"""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from marketplace.extensions import db
from marketplace.notifications import services
from marketplace.notifications.models import EmailStatus, OutboxEmail
from marketplace.notifications.senders import SmtpSender
from tests import factories


class Inbox:
    """aiosmtpd handler that keeps each message's envelope."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on leaving: nothing listens there


@pytest.fixture
def smtp_app(app):
    port = _closed_port()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DISPATCH_ON_QUEUE=True)
    app.extensions["mail_sender"] = SmtpSender(app)
    return app


def _emails() -> list[OutboxEmail]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(OutboxEmail).order_by(OutboxEmail.id)))


def test_with_smtp_down_a_page_that_sends_email_works_and_the_email_stays_queued(smtp_app, client):
    user = factories.make_provider(email="hannah@derby-museums.example.org")

    response = client.submit("/account/password/forgot", {"email": user.email})
    response.close()  # the email is sent once the response has gone

    assert response.status_code == 200
    (email,) = _emails()
    assert email.to_address == user.email
    assert email.status == EmailStatus.QUEUED
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at > email.created_at


def test_queued_emails_are_delivered_by_a_later_send_once_the_server_is_back(smtp_app, monkeypatch):
    services.queue_email("someone@example.org", "Your account", "Hello from the marketplace.")
    db.session.commit()
    runner = smtp_app.test_cli_runner()

    down = runner.invoke(args=["notifications", "send"])
    assert "Sent 0 email(s); 1 failed and stay queued for retry." in down.output
    (email,) = _emails()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_app.config["MAIL_PORT"])
    controller.start()
    try:
        waiting = runner.invoke(args=["notifications", "send"])  # the back-off has not passed: not retried yet
        assert "Sent 0 email(s); 0 failed" in waiting.output
        assert inbox.messages == []

        later = email.next_attempt_at + timedelta(seconds=1)
        monkeypatch.setattr(services, "utcnow", lambda: later)
        back = runner.invoke(args=["notifications", "send"])
    finally:
        controller.stop()

    assert "Sent 1 email(s); 0 failed" in back.output
    (message,) = inbox.messages
    assert message.rcpt_tos == ["someone@example.org"]
    assert b"Subject: Your account" in message.original_content
    (email,) = _emails()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 2, "")
