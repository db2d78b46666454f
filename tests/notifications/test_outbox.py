"""The email outbox: every email is a row first; a failed delivery stays queued with back-off until it gives up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import EmailStatus, OutboxEmail
from marketplace.notifications.services import queue_email, send_due_emails, send_email


@pytest.fixture
def sender(app):
    return app.extensions["mail_sender"]


def _queue() -> int:
    email = queue_email("someone@example.org", "Your account", "Hello from the marketplace.")
    db.session.commit()
    return email.id


def _email(email_id: int):
    db.session.expire_all()
    return db.session.get(OutboxEmail, email_id)


def test_a_queued_email_is_delivered_and_marked_sent(app, outbox):
    email_id = _queue()

    assert send_due_emails() == (1, 0)

    assert len(outbox) == 1
    assert outbox[0]["To"] == "someone@example.org"
    assert outbox[0]["Subject"] == "Your account"
    assert outbox[0]["From"] == app.config["MAIL_SENDER"]
    assert "Hello from the marketplace." in outbox[0].get_content()
    email = _email(email_id)
    assert email.status == EmailStatus.SENT
    assert email.sent_at is not None
    assert email.attempts == 1


def test_a_sent_email_is_not_sent_again(app, outbox):
    _queue()
    send_due_emails()

    assert send_due_emails(include_not_due=True) == (0, 0)
    assert len(outbox) == 1


def test_a_failed_delivery_keeps_the_email_queued_with_the_error_and_a_later_retry_time(app, sender, outbox):
    email_id = _queue()
    sender.fail = True

    assert send_due_emails() == (0, 1)

    email = _email(email_id)
    assert email.status == EmailStatus.QUEUED
    assert email.attempts == 1
    assert "memory sender told to fail" in email.last_error
    assert email.next_attempt_at > utcnow()
    assert email.sent_at is None
    assert outbox == []


def test_the_send_command_waits_for_the_back_off_but_all_retries_at_once(app, sender, outbox):
    email_id = _queue()
    sender.fail = True
    send_due_emails()
    sender.fail = False
    runner = app.test_cli_runner()

    waiting = runner.invoke(args=["notifications", "send"])

    assert waiting.exit_code == 0, waiting.output
    assert "Sent 0 email(s); 0 failed" in waiting.output
    assert outbox == []
    assert _email(email_id).status == EmailStatus.QUEUED

    forced = runner.invoke(args=["notifications", "send", "--all"])

    assert forced.exit_code == 0, forced.output
    assert "Sent 1 email(s); 0 failed" in forced.output
    assert len(outbox) == 1
    email = _email(email_id)
    assert email.status == EmailStatus.SENT
    assert email.attempts == 2
    assert email.last_error == ""


def test_the_send_command_retries_an_email_once_its_back_off_has_passed(app, sender, outbox):
    email_id = _queue()
    sender.fail = True
    send_due_emails()
    sender.fail = False
    _email(email_id).next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["notifications", "send"])

    assert "Sent 1 email(s)" in result.output
    assert _email(email_id).status == EmailStatus.SENT


def test_an_email_is_marked_failed_after_the_maximum_number_of_attempts(app, sender, outbox):
    email_id = _queue()
    sender.fail = True
    maximum = app.config["MAIL_MAX_ATTEMPTS"]

    for attempt in range(1, maximum):
        send_due_emails(include_not_due=True)
        assert _email(email_id).status == EmailStatus.QUEUED, attempt
    send_due_emails(include_not_due=True)

    email = _email(email_id)
    assert email.attempts == maximum
    assert email.status == EmailStatus.FAILED
    sender.fail = False
    assert send_due_emails(include_not_due=True) == (0, 0)
    assert outbox == []


def test_an_email_sent_by_a_service_leaves_once_its_change_is_committed(app, outbox):
    app.config["MAIL_DISPATCH_ON_QUEUE"] = True
    email = send_email("someone@example.org", "Your account", "Hello from the marketplace.")
    with db.session.begin_nested():  # a savepoint released is not the commit
        pass
    assert outbox == []

    db.session.commit()

    assert [message["Subject"] for message in outbox] == ["Your account"]
    assert _email(email.id).status == EmailStatus.SENT


def test_an_email_sent_for_a_change_rolled_back_never_leaves(app, outbox):
    app.config["MAIL_DISPATCH_ON_QUEUE"] = True
    send_email("someone@example.org", "Your account", "Hello from the marketplace.")

    db.session.rollback()
    db.session.commit()

    assert outbox == []
    assert db.session.scalars(db.select(OutboxEmail)).all() == []


def test_with_dispatch_off_a_sent_email_waits_in_the_outbox(app, outbox):
    app.config["MAIL_DISPATCH_ON_QUEUE"] = False
    email = send_email("someone@example.org", "Your account", "Hello from the marketplace.")
    db.session.commit()

    assert outbox == []
    assert _email(email.id).status == EmailStatus.QUEUED
