"""Reminders: 30 days (or fewer) before a safeguarding review or accreditation expiry, once per due date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.core import clock
from marketplace.directory.reminders import send_due_reminders
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests import factories
from tests.factories import make_accreditation, make_safeguarding

ON = date(2026, 6, 1)


@pytest.fixture
def member(organisation):
    return factories.make_provider(organisation, is_org_admin=False)


def test_a_safeguarding_review_due_in_30_days_is_reminded_once(organisation, provider, member, outbox):
    make_safeguarding(organisation, policy_reviewed_on=date(2025, 7, 1))  # due 1 July 2026

    assert send_due_reminders(ON) == 1
    assert send_due_reminders(ON) == 0
    assert send_due_reminders(ON + timedelta(days=1)) == 0

    assert [message["To"] for message in outbox] == [provider.email]
    assert outbox[0]["Subject"] == "Safeguarding policy review due by 1 July 2026"
    assert "last reviewed on 1 July 2025" in outbox[0].get_content()
    notifications = db.session.scalars(select(Notification)).all()
    assert [(item.user_id, item.message) for item in notifications] == [
        (provider.id, "Safeguarding policy review due by 1 July 2026")
    ]


def test_nothing_is_sent_more_than_30_days_ahead_or_after_the_date(organisation, provider, outbox):
    make_safeguarding(organisation, policy_reviewed_on=date(2025, 7, 2))  # due in 31 days
    make_accreditation(organisation, ON - timedelta(days=1))  # already expired

    assert send_due_reminders(ON) == 0
    assert outbox == []


def test_a_missed_day_still_sends_while_the_date_is_ahead(organisation, provider, outbox):
    make_safeguarding(organisation, policy_reviewed_on=date(2025, 6, 10))  # due in 9 days

    assert send_due_reminders(ON) == 1


def test_an_accreditation_expiring_within_30_days_is_reminded(organisation, provider, outbox):
    accreditation = make_accreditation(organisation, ON + timedelta(days=30), reference="MA-1")

    assert send_due_reminders(ON) == 1
    assert outbox[0]["Subject"] == "Museum Accreditation expires on 1 July 2026"

    accreditation.expires_on = ON + timedelta(days=20)  # a corrected date is a new due date
    db.session.commit()
    assert send_due_reminders(ON) == 1
    assert send_due_reminders(ON) == 0


def test_the_command_prints_how_many_were_sent(app, organisation, provider):
    make_accreditation(organisation, clock.today() + timedelta(days=5))

    result = app.test_cli_runner().invoke(args=["directory", "send-reminders"])

    assert result.exit_code == 0
    assert "1 reminder sent" in result.output
