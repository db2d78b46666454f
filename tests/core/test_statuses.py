"""Status values are StrEnums that store, print, render and serialise as their plain strings (no migration)."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum

import pytest
from flask import render_template_string
from sqlalchemy import text

from marketplace.commissioning.models import NeedStatus, ResponseStatus
from marketplace.directory.models import MembershipStatus, OrganisationStatus
from marketplace.extensions import db
from marketplace.kitemark.models import ApplicationStatus, Decision, KitemarkStatus
from marketplace.notifications.models import EmailStatus
from tests import factories

STATUSES = [
    OrganisationStatus,
    MembershipStatus,
    NeedStatus,
    ResponseStatus,
    ApplicationStatus,
    KitemarkStatus,
    Decision,
    EmailStatus,
]


@pytest.mark.parametrize("status", [member for enum in STATUSES for member in enum], ids=repr)
def test_a_status_prints_renders_and_serialises_as_its_stored_string(app, status: StrEnum):
    value = status.value
    assert (str(status), f"{status}", json.dumps(status)) == (value, value, json.dumps(value))
    with app.test_request_context():
        assert render_template_string("{{ status }}|{{ status|tojson }}", status=status) == f'{value}|"{value}"'
    row = io.StringIO()
    csv.writer(row).writerow([status])
    assert row.getvalue().strip() == value


def test_the_column_keeps_the_plain_string(app):
    organisation = factories.make_organisation("Plain Strings Trust", status=OrganisationStatus.PUBLISHED)
    db.session.commit()

    stored = db.session.scalar(text("SELECT status FROM organisation WHERE id = :id"), {"id": organisation.id})
    assert stored == "published"
    db.session.expire_all()
    assert organisation.status == OrganisationStatus.PUBLISHED


def test_the_open_application_statuses_are_not_members():
    assert ApplicationStatus.OPEN == ("submitted", "in_review", "changes_requested")
    assert [status.value for status in ApplicationStatus] == [
        "submitted",
        "in_review",
        "changes_requested",
        "awarded",
        "refused",
    ]
