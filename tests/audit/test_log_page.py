"""The admin audit log page: newest first, filters, pagination, before → after, CSV export and bad input."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.audit.presenters import describe
from marketplace.audit.queries import PER_PAGE
from marketplace.core.roles import Role
from marketplace.extensions import db
from tests import factories
from tests.client import error_summary, text_of

PAGE = "/admin/audit/"
CSV_URL = "/admin/audit/events.csv"
MARCH = datetime(2025, 3, 10, 9, 30)


def add_event(action: str, *, at: datetime = MARCH, **fields) -> AuditEvent:
    """An event as if recorded at ``at`` (appending is the one change the log allows)."""
    event = AuditEvent(action=action, occurred_at=at, **fields)
    db.session.add(event)
    db.session.commit()
    return event


def rows(response) -> list[str]:
    """The text of each event row on the page."""
    html = response.get_data(as_text=True)
    body = re.search(r'<tbody class="govuk-table__body">(.*?)</tbody>', html, flags=re.S)
    if body is None:
        return []
    cells = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), flags=re.S)
    inline_tags = re.compile(r"</?(strong|code|span|a)\b[^>]*>")
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", inline_tags.sub("", cell)))).strip() for cell in cells]


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), flags=re.S).group(1)


@pytest.fixture
def admin(app):
    return factories.make_user(Role.ADMIN, email="admin@example.org")


@pytest.fixture
def browser(client, admin):
    client.sign_in(admin.email)
    return client


@pytest.fixture
def events(browser, admin):
    """Four events over three days in March 2025 by two people and the system, and the admin's sign-in (now)."""
    signed_in = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.signed_in"))
    assert signed_in.actor_id == admin.id
    return {
        "signed_in": signed_in,
        "published": add_event(
            "organisation.published",
            at=datetime(2025, 3, 1, 8, 0),
            actor_email="Asha.Patel@derby-museums.example.org",
            object_type="Organisation",
            object_id="70",
            summary="Derby Museums published",
            before={"status": "draft"},
            after={"status": "published"},
        ),
        "evidence": add_event(
            "evidence.safeguarding_updated",
            at=datetime(2025, 3, 5, 12, 0),
            actor_email="asha.patel@derby-museums.example.org",
            object_type="SafeguardingRecord",
            object_id="3",
            summary="Safeguarding record saved (verification cleared)",
            before={"lead_name": "Asha Patel", "dbs_coverage_percent": 80},
            after={"lead_name": "Asha Patel", "dbs_coverage_percent": 95},
        ),
        "closed": add_event(
            "need.closed",
            at=datetime(2025, 3, 5, 23, 59),
            object_type="Need",
            object_id="70",
            summary="Deadline passed: Creative short breaks",
            before={"status": "open"},
            after={"status": "closed"},
        ),
        "approved": add_event(
            "account.approved",
            at=datetime(2025, 3, 9, 10, 0),
            actor_email="admin@example.org",
            object_type="User",
            object_id="12",
            before={"approved": False},
            after={"approved": True},
        ),
    }


def test_the_log_lists_events_newest_first_with_who_what_when_and_object(browser, events):
    page = browser.get(PAGE)

    assert page.status_code == 200
    listed = rows(page)
    order = [next(name for name, event in events.items() if describe(event.action) in row) for row in listed]
    assert order == ["signed_in", "approved", "closed", "evidence", "published"]
    # names and plain words, not codes: the code is only the filter's value (issue 17)
    assert listed[1].startswith("9 March 2025 at 10:00 admin@example.org Commissioner account approved")
    assert "User 12" in listed[1] and "account.approved" not in listed[1]
    assert "Need 70" in listed[2] and "System" in listed[2]
    assert "Deadline passed: Creative short breaks" in listed[2]


def test_each_event_shows_only_the_keys_that_changed_before_and_after(browser, events):
    listed = rows(browser.get(PAGE, query_string={"action": "evidence.safeguarding_updated"}))

    assert len(listed) == 1
    assert "dbs_coverage_percent: 80 → 95" in listed[0]
    assert "lead_name" not in listed[0], "an unchanged key is not a change"


def test_a_creation_shows_its_new_values_and_a_deletion_its_old_ones(browser):
    add_event("offer.created", object_type="Offer", object_id="1", after={"title": "Family art club"})
    add_event("offer.deleted", object_type="Offer", object_id="1", before={"title": "Family art club"})

    listed = rows(browser.get(PAGE))

    assert "title: (none) → Family art club" in next(row for row in listed if "Offer created" in row)
    assert "title: Family art club → (none)" in next(row for row in listed if "Offer deleted" in row)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"actor_email": "ASHA.PATEL@derby"}, {"published", "evidence"}),
        ({"actor_email": "%"}, set()),  # a wildcard is matched as the character it is
        ({"action": "need.closed"}, {"closed"}),
        ({"object_type": "Organisation"}, {"published"}),
        ({"object_id": "70"}, {"published", "closed"}),
        ({"object_type": "Need", "object_id": "70"}, {"closed"}),
        ({"text": "verification CLEARED"}, {"evidence"}),
        ({"date_from": ["5", "3", "2025"]}, {"evidence", "closed", "approved", "signed_in"}),
        ({"date_to": ["5", "3", "2025"]}, {"published", "evidence", "closed"}),
        ({"date_from": ["5", "3", "2025"], "date_to": ["5", "3", "2025"]}, {"evidence", "closed"}),
        ({"date_from": ["10", "3", "2025"], "date_to": ["31", "12", "2025"]}, set()),
    ],
)
def test_filters_narrow_the_log(browser, events, filters, expected):
    page = browser.get(PAGE, query_string=filters)

    assert page.status_code == 200
    listed = rows(page)
    shown = {name for name, event in events.items() if any(describe(event.action) in row for row in listed)}
    assert shown == expected
    count = f"{len(expected)} event{'' if len(expected) == 1 else 's'}"
    assert count in text_of(page)
    if not expected:
        assert "No events match these filters" in text_of(page)


def test_the_action_and_object_type_selects_offer_what_the_log_holds(browser, events):
    html = browser.get(PAGE).get_data(as_text=True)
    action_select = re.search(r'<select[^>]*name="action".*?</select>', html, flags=re.S).group(0)
    type_select = re.search(r'<select[^>]*name="object_type".*?</select>', html, flags=re.S).group(0)

    assert re.findall(r'<option value="([^"]*)"', action_select) == [
        "",
        "account.approved",
        "account.signed_in",  # the admin's own sign-in, recorded like any other
        "evidence.safeguarding_updated",
        "need.closed",
        "organisation.published",
    ]
    assert re.findall(r'<option value="([^"]*)"', type_select) == [
        "",
        "Need",
        "Organisation",
        "SafeguardingRecord",
        "User",
    ]


def test_the_admins_own_sign_in_is_on_the_log(browser, admin):
    listed = rows(browser.get(PAGE, query_string={"action": "account.signed_in"}))

    assert len(listed) == 1
    assert "admin@example.org" in listed[0] and f"{admin.name} (user {admin.id})" in listed[0]


def test_an_objects_link_shows_all_its_events(browser, events):
    html = browser.get(PAGE).get_data(as_text=True)

    assert 'href="/admin/audit/?object_type=Need&amp;object_id=70"' in html


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"date_from": ["31", "2", "2025"]}, "Date from must be a real date"),
        ({"date_from": ["x", "3", "2025"]}, "Date from must be a real date"),
        ({"date_to": ["1", "", "2025"]}, "Date to must include a day, month and year"),
        (
            {"date_from": ["6", "3", "2025"], "date_to": ["5", "3", "2025"]},
            "Date to must be the same as or after date from",
        ),
        ({"action": "account.nonsense"}, "Select an action from the list"),
        ({"object_type": "Spaceship"}, "Select a type of object from the list"),
        ({"actor_email": "a" * 255}, "Email address must be 254 characters or fewer"),
    ],
)
def test_bad_filters_show_the_error_summary_not_a_crash(browser, events, filters, message):
    page = browser.get(PAGE, query_string=filters)

    assert page.status_code == 200
    assert error_summary(page) == [message]
    assert title(page).startswith("Error: ")
    assert rows(page) == []
    assert "Correct the filters to see events" in text_of(page)


def test_a_date_part_given_only_once_is_refused_not_a_crash(browser, events):
    page = browser.get(PAGE + "?date_from=5")

    assert page.status_code == 200
    assert error_summary(page) == ["Date from must include a day, month and year"]


def test_the_log_is_paginated(browser):
    start = datetime(2025, 1, 1)
    for number in range(PER_PAGE + 5):
        add_event("offer.updated", at=start + timedelta(minutes=number), summary=f"Change {number:03d}")

    first = browser.get(PAGE, query_string={"action": "offer.updated"})
    second = browser.get(PAGE, query_string={"action": "offer.updated", "page": 2})

    assert len(rows(first)) == PER_PAGE
    assert f"Change {PER_PAGE + 4:03d}" in rows(first)[0], "the newest comes first"
    assert [row.split("Change ")[1][:3] for row in rows(second)] == ["004", "003", "002", "001", "000"]
    assert 'href="/admin/audit/?action=offer.updated&amp;page=2"' in first.get_data(as_text=True)
    assert rows(browser.get(PAGE, query_string={"action": "offer.updated", "page": 9})) == []
    assert len(rows(browser.get(PAGE, query_string={"action": "offer.updated", "page": "two"}))) == PER_PAGE


def test_the_csv_holds_the_filtered_events_in_full(browser, events):
    response = browser.get(CSV_URL, query_string={"actor_email": "asha.patel"})

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0][:7] == ["When (UTC)", "Who", "User ID", "Action", "Object type", "Object ID", "Summary"]
    assert [row[3] for row in table[1:]] == ["evidence.safeguarding_updated", "organisation.published"]
    evidence = table[1]
    assert evidence[0] == "2025-03-05T12:00:00"
    assert json.loads(evidence[7]) == {"dbs_coverage_percent": 80, "lead_name": "Asha Patel"}
    assert json.loads(evidence[8]) == {"dbs_coverage_percent": 95, "lead_name": "Asha Patel"}


def test_the_page_links_to_the_csv_of_the_same_filters(browser, events):
    html = browser.get(PAGE, query_string={"action": "need.closed"}).get_data(as_text=True)

    assert 'href="/admin/audit/events.csv?action=need.closed"' in html


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(browser):
    add_event("offer.created", summary='=HYPERLINK("http://evil.example")')

    table = list(csv.reader(io.StringIO(browser.get(CSV_URL).get_data(as_text=True))))

    assert [row[6] for row in table[1:] if row[3] == "offer.created"] == ['\'=HYPERLINK("http://evil.example")']


def test_the_csv_with_bad_filters_shows_the_errors_instead(browser, events):
    response = browser.get(CSV_URL, query_string={"date_from": ["40", "1", "2025"]})

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert error_summary(response) == ["Date from must be a real date"]


def test_admins_reach_the_log_from_the_admin_home_and_the_navigation(browser):
    home = browser.get("/admin").get_data(as_text=True)

    assert re.search(r'<a class="govuk-link" href="/admin/audit/">Audit log</a>', home)
    nav = re.search(r"<nav.*?</nav>", home, flags=re.S).group(0)
    assert "/admin/audit/" in nav


def test_the_log_names_people_and_objects_and_offers_codes_only_in_the_filter(browser, admin):
    person = factories.make_user(Role.COMMISSIONER, name="Priya Shah", approved=False)
    add_event(
        "account.approved", actor_id=admin.id, actor_email=admin.email, object_type="User", object_id=str(person.id)
    )

    html = browser.get(PAGE).get_data(as_text=True)
    listed = rows(browser.get(PAGE, query_string={"action": "account.approved"}))

    assert f"Priya Shah (user {person.id})" in listed[0] and admin.name in listed[0]
    assert "account.approved" not in listed[0]
    assert '<option value="account.approved">Commissioner account approved</option>' in html
