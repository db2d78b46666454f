"""Notes and ranking, reordering, removal and invitations to respond."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.commissioning.models import NeedStatus, ResponseStatus, ShortlistEntry
from marketplace.extensions import db
from marketplace.notifications.models import Notification, OutboxEmail
from tests import factories
from tests.client import error_summary, text_of
from tests.commissioning.shortlists.conftest import published_organisation, put_on_shortlist, shortlist_url
from tests.factories import make_need, make_response


def edit_url(entry) -> str:
    return f"/commissioner/shortlists/entries/{entry.id}/edit"


def action(client, entry, verb: str, need):
    url = f"/commissioner/shortlists/entries/{entry.id}/{verb}"
    return client.submit(url, {}, page_url=shortlist_url(need), follow_redirects=True)


def ranked(need) -> list[str]:
    entries = db.session.scalars(select(ShortlistEntry).order_by(ShortlistEntry.rank))
    return [entry.organisation.name for entry in entries if entry.shortlist.need_id == need.id]


def three_entries(need):
    return [put_on_shortlist(need, published_organisation(name)) for name in ("Alpha", "Beta", "Gamma")]


def test_the_shortlist_page_lists_entries_by_rank_with_notes(signed_in, need):
    put_on_shortlist(need, published_organisation("Second Museum"), rank=2, notes="Strong SEND offer")
    put_on_shortlist(need, published_organisation("First Library"), rank=1)

    page = text_of(signed_in.get(shortlist_url(need)))

    assert page.index("First Library") < page.index("Second Museum")
    assert "Strong SEND offer" in page


def test_notes_and_rank_are_saved_and_the_list_renumbered(signed_in, need):
    alpha, beta, gamma = three_entries(need)

    page = signed_in.submit(edit_url(gamma), {"rank": "1", "notes": "Best value"}, follow_redirects=True)

    assert "Notes and rank for Gamma saved" in text_of(page)
    assert ranked(need) == ["Gamma", "Alpha", "Beta"]
    assert gamma.notes == "Best value"
    assert [e.rank for e in (gamma, alpha, beta)] == [1, 2, 3]


def test_a_rank_beyond_the_end_moves_the_entry_last(signed_in, need):
    alpha, _, _ = three_entries(need)
    signed_in.submit(edit_url(alpha), {"rank": "40", "notes": ""})
    assert ranked(need) == ["Beta", "Gamma", "Alpha"]


def test_bad_ranks_and_long_notes_are_refused_and_nothing_is_lost(signed_in, need):
    alpha, _, _ = three_entries(need)
    cases = {
        "0": "Rank must be 1 or more",
        "-2": "Rank must be a whole number, like 1",
        "two": "Rank must be a whole number, like 1",
        "1.5": "Rank must be a whole number, like 1",
        "": "Enter a rank",
    }
    for rank, message in cases.items():
        response = signed_in.submit(edit_url(alpha), {"rank": rank, "notes": "Keep me"})
        assert response.status_code == 200
        assert error_summary(response) == [message]
        assert "Keep me" in response.get_data(as_text=True)
        assert text_of(response).startswith("Error:")

    response = signed_in.submit(edit_url(alpha), {"rank": "1", "notes": "x" * 5001})
    assert error_summary(response) == ["Notes must be 5,000 characters or fewer"]
    db.session.refresh(alpha)
    assert (alpha.rank, alpha.notes) == (1, "")


def test_entries_move_up_and_down(signed_in, need):
    alpha, beta, gamma = three_entries(need)

    action(signed_in, gamma, "up", need)
    assert ranked(need) == ["Alpha", "Gamma", "Beta"]
    action(signed_in, alpha, "down", need)
    assert ranked(need) == ["Gamma", "Alpha", "Beta"]
    action(signed_in, gamma, "up", need)  # already first: nothing changes
    assert ranked(need) == ["Gamma", "Alpha", "Beta"]
    assert sorted(e.rank for e in (alpha, beta, gamma)) == [1, 2, 3]


def test_removing_an_entry_reverts_its_response_to_submitted(signed_in, need):
    organisation = published_organisation("Derby Museums")
    response = make_response(need, organisation, status=ResponseStatus.SHORTLISTED)
    entry = put_on_shortlist(need, organisation, response=response)
    other = put_on_shortlist(need, published_organisation("Beta"))

    page = action(signed_in, entry, "remove", need)

    assert "Derby Museums removed from the shortlist" in text_of(page)
    assert db.session.get(ShortlistEntry, entry.id) is None
    assert response.status == ResponseStatus.SUBMITTED
    assert other.rank == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "shortlist.entry_removed")) is not None


def test_invite_to_respond_notifies_and_emails_the_account_managers(signed_in, need, outbox):
    organisation = published_organisation("Derby Museums")
    manager = factories.make_provider(organisation, email="manager@museum.example.org")
    factories.make_provider(organisation, is_org_admin=False, email="member@museum.example.org")
    entry = put_on_shortlist(need, organisation)

    page = action(signed_in, entry, "invite", need)

    assert "Derby Museums invited to respond" in text_of(page)
    assert entry.invited_at is not None
    [notification] = db.session.scalars(select(Notification))
    assert notification.user_id == manager.id
    assert need.title in notification.message
    [email] = db.session.scalars(select(OutboxEmail))
    assert email.to_address == "manager@museum.example.org"
    assert need.title in email.body
    assert f"{need.response_deadline.day} {need.response_deadline:%B %Y}" in email.body
    assert "http://" in email.body


def test_invite_is_refused_when_the_need_is_not_open(signed_in, body):
    organisation = published_organisation()
    factories.make_provider(organisation)
    for status in (NeedStatus.DRAFT, NeedStatus.CLOSED):
        need = make_need(body, status=status)
        entry = put_on_shortlist(need, organisation)
        page = action(signed_in, entry, "invite", need)
        assert "You can only invite providers to respond to an open need" in text_of(page)
        assert entry.invited_at is None
    assert db.session.scalars(select(Notification)).all() == []


def test_invite_is_refused_for_a_provider_that_already_responded(signed_in, need):
    organisation = published_organisation("Derby Museums")
    factories.make_provider(organisation)
    entry = put_on_shortlist(need, organisation, response=make_response(need, organisation))

    page = action(signed_in, entry, "invite", need)

    assert "Derby Museums has already responded to this need" in text_of(page)
    assert entry.invited_at is None
