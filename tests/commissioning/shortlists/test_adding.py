"""Adding providers to a need's shortlist from responses, profiles and search results."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.commissioning.models import NeedStatus, ResponseStatus, Shortlist, ShortlistEntry
from marketplace.directory.models import Consortium, ConsortiumMembership, MembershipStatus
from marketplace.extensions import db
from tests import factories
from tests.client import text_of
from tests.commissioning.shortlists.conftest import published_organisation, put_on_shortlist, shortlist_url
from tests.factories import make_need, make_response

ADD_URL = "/commissioner/shortlists/add"


def add(client, need, **fields):
    data = {"need_id": need.id, **fields}
    return client.submit(ADD_URL, data, page_url=shortlist_url(need), follow_redirects=True)


def entries(need) -> list[ShortlistEntry]:
    return list(db.session.scalars(select(ShortlistEntry).join(Shortlist).where(Shortlist.need_id == need.id)))


def test_adding_from_a_response_links_it_and_marks_it_shortlisted(signed_in, need):
    organisation = factories.make_organisation("Draft Arts Trust")  # a draft that responded may be shortlisted
    response = make_response(need, organisation)

    page = add(signed_in, need, organisation_id=organisation.id, response_id=response.id)

    assert "Draft Arts Trust added to the shortlist" in text_of(page)
    [entry] = entries(need)
    assert entry.response_id == response.id and entry.rank == 1
    assert response.status == ResponseStatus.SHORTLISTED
    shortlist = entry.shortlist
    assert shortlist.name == need.title and shortlist.body_id == need.body_id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "shortlist.entry_added")) is not None


def test_adding_from_a_profile_with_only_the_organisation_links_its_live_response(signed_in, need):
    organisation = published_organisation("Derby Museums")
    response = make_response(need, organisation)
    other = published_organisation("Quad Gallery")

    add(signed_in, need, organisation_id=organisation.id)
    add(signed_in, need, organisation_id=other.id)

    first, second = sorted(entries(need), key=lambda e: e.rank)
    assert (first.organisation_id, first.response_id, first.rank) == (organisation.id, response.id, 1)
    assert (second.organisation_id, second.response_id, second.rank) == (other.id, None, 2)
    assert response.status == ResponseStatus.SHORTLISTED


def test_adding_returns_to_a_safe_next_path_only(signed_in, need):
    organisation = published_organisation()
    other = published_organisation()
    data = {"need_id": need.id, "organisation_id": organisation.id, "next": "/organisations"}
    assert signed_in.submit(ADD_URL, data, page_url=shortlist_url(need)).headers["Location"] == "/organisations"

    data = {"need_id": need.id, "organisation_id": other.id, "next": "https://evil.example/"}
    assert signed_in.submit(ADD_URL, data, page_url=shortlist_url(need)).headers["Location"] == shortlist_url(need)


def test_a_consortium_is_added_through_its_lead(signed_in, need):
    lead = published_organisation("Lead Museum")
    consortium = Consortium(name="Derby Culture Partnership", lead_organisation=lead)
    consortium.memberships.append(ConsortiumMembership(organisation=lead, status=MembershipStatus.ACCEPTED))
    db.session.add(consortium)
    db.session.commit()
    response = make_response(need, lead, consortium=consortium)

    page = add(signed_in, need, consortium_id=consortium.id)

    assert "Derby Culture Partnership added to the shortlist" in text_of(page)
    [entry] = entries(need)
    assert (entry.organisation_id, entry.consortium_id, entry.response_id) == (lead.id, consortium.id, response.id)


def test_a_provider_already_on_the_shortlist_is_refused(signed_in, need):
    organisation = published_organisation("Derby Museums")
    add(signed_in, need, organisation_id=organisation.id)

    page = add(signed_in, need, organisation_id=organisation.id)

    assert "Derby Museums is already on the shortlist" in text_of(page)
    assert len(entries(need)) == 1


def test_an_unpublished_organisation_that_did_not_respond_is_refused(signed_in, need):
    draft = factories.make_organisation("Secret Draft Org")

    page = add(signed_in, need, organisation_id=draft.id)

    assert "Only published providers, or providers that responded to this need, can be shortlisted" in text_of(page)
    assert entries(need) == []


def test_a_withdrawn_response_does_not_make_a_draft_organisation_shortlistable(signed_in, need):
    draft = factories.make_organisation()
    make_response(need, draft, status=ResponseStatus.WITHDRAWN)

    add(signed_in, need, organisation_id=draft.id)

    assert entries(need) == []


def test_a_response_to_another_need_is_refused(signed_in, need, body):
    other_need = make_need(body)
    organisation = published_organisation()
    foreign = make_response(other_need, organisation)

    page = add(signed_in, need, organisation_id=organisation.id, response_id=foreign.id)

    assert "That response is not a response to this need" in text_of(page)
    assert entries(need) == []
    assert foreign.status == ResponseStatus.SUBMITTED


def test_a_response_by_someone_else_is_refused(signed_in, need):
    organisation = published_organisation()
    responder = published_organisation()
    response = make_response(need, responder)

    page = add(signed_in, need, organisation_id=organisation.id, response_id=response.id)

    assert "That response was not made by this provider" in text_of(page)
    assert entries(need) == []


def test_unknown_and_malformed_ids_are_refused(signed_in, need):
    assert "That organisation was not found" in text_of(add(signed_in, need, organisation_id=999_999))
    assert "That organisation was not found" in text_of(add(signed_in, need))
    assert "That provider was not found" in text_of(add(signed_in, need, organisation_id="1 OR 1=1"))
    assert "That consortium was not found" in text_of(add(signed_in, need, consortium_id=424_242))
    assert entries(need) == []


def test_an_unknown_or_malformed_need_is_not_found(signed_in, need):
    organisation = published_organisation()
    for need_id in ("999999", "abc", ""):
        data = {"need_id": need_id, "organisation_id": organisation.id}
        assert signed_in.submit(ADD_URL, data, page_url=shortlist_url(need)).status_code == 404


def test_the_shortlist_of_an_awarded_or_cancelled_need_cannot_change(signed_in, body):
    organisation = published_organisation()
    for status in (NeedStatus.AWARDED, NeedStatus.CANCELLED):
        need = make_need(body, status=status)
        page = add(signed_in, need, organisation_id=organisation.id)
        assert f"This need is {status}: its shortlist can no longer change" in text_of(page)
        assert entries(need) == []


def test_the_shortlist_page_offers_responses_not_yet_on_it(signed_in, need):
    listed = published_organisation("Listed Museum")
    put_on_shortlist(need, listed)
    make_response(need, published_organisation("Waiting Library"))

    page = text_of(signed_in.get(shortlist_url(need)))

    assert "Listed Museum" in page
    assert "Responses not on the shortlist Waiting Library" in page
