"""Shortlisting several matches in one go: tick them, "Add selected to shortlist", stay on the matches.

Only the need's current matches that are not yet shortlisted can be sent; anything else (nothing ticked, an
organisation that does not match, another body's need) is refused and changes nothing.
"""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.commissioning.models import ShortlistEntry
from marketplace.extensions import db
from tests import factories
from tests.client import error_summary, text_of
from tests.commissioning.shortlists.conftest import published_organisation, put_on_shortlist
from tests.commissioning.shortlists.test_add_from_matches import _directory, _match_item
from tests.factories import make_need


def _page(need) -> str:
    return f"/commissioner/needs/{need.id}/matches"


def _matches(need) -> str:
    return f"/commissioner/needs/{need.id}/matches/shortlist"


def _entries() -> int:
    return db.session.scalar(select(func.count()).select_from(ShortlistEntry))


def test_ticked_matches_are_shortlisted_in_one_post_with_a_link_to_the_shortlist(app, signed_in, body):
    directory = _directory(app)
    need = make_need(body)
    page = signed_in.get(_page(need)).get_data(as_text=True)
    assert "Add selected to shortlist" in page
    assert f'value="organisation:{directory["solo"].id}"' in _match_item(page, "Solo")

    selected = [f"organisation:{directory[ref].id}" for ref in ("solo", "member")]
    response = signed_in.submit(_matches(need), {"selected": selected}, follow_redirects=True, page_url=_page(need))

    assert response.request.path == _page(need)  # stays on the matches
    page = response.get_data(as_text=True)
    assert "Solo, Member Arts added to the shortlist" in text_of(response) or (
        "Member Arts, Solo added to the shortlist" in text_of(response)
    )
    assert f'href="/commissioner/needs/{need.id}/shortlist"' in page
    assert {e.organisation.name for e in db.session.scalars(select(ShortlistEntry))} == {"Solo", "Member Arts"}
    assert "On the shortlist" in _match_item(page, "Solo")
    assert 'value="organisation:' not in _match_item(page, "Solo")  # no box to tick twice


def test_one_matchs_own_button_shortlists_only_that_match(app, signed_in, body):
    directory = _directory(app)
    need = make_need(body)
    data = {"selected": [f"organisation:{directory['member'].id}"], "only": f"organisation:{directory['solo'].id}"}
    response = signed_in.submit(_matches(need), data, follow_redirects=True, page_url=_page(need))
    assert "Solo added to the shortlist" in text_of(response)
    assert [e.organisation.name for e in db.session.scalars(select(ShortlistEntry))] == ["Solo"]


def test_a_consortium_can_be_ticked_and_is_shortlisted_through_its_lead(app, signed_in, body):
    directory = _directory(app)
    need = make_need(body, consortium_welcome=True)
    signed_in.submit(_matches(need), {"selected": [f"consortium:{directory['partners'].id}"]}, page_url=_page(need))
    entry = db.session.scalar(select(ShortlistEntry))
    assert (entry.organisation_id, entry.consortium_id) == (directory["lead"].id, directory["partners"].id)


def test_nothing_ticked_is_refused_with_a_message(app, signed_in, body):
    _directory(app)
    need = make_need(body)
    response = signed_in.submit(_matches(need), {}, page_url=_page(need))
    assert response.status_code == 200
    assert error_summary(response) == ["Select at least one provider to add to the shortlist"]
    assert _entries() == 0


def test_an_organisation_that_does_not_match_is_refused(app, signed_in, body):
    directory = _directory(app)
    need = make_need(body)
    stranger = published_organisation("Not A Match Arts")
    for value in (f"organisation:{stranger.id}", "organisation:999999", "organisation:abc", "need:1"):
        response = signed_in.submit(
            _matches(need), {"selected": [f"organisation:{directory['solo'].id}", value]}, page_url=_page(need)
        )
        assert error_summary(response) == ["You can only shortlist providers listed in this need's matches"], value
    assert _entries() == 0


def test_a_match_already_on_the_shortlist_is_refused_and_nothing_else_is_added(app, signed_in, body):
    directory = _directory(app)
    need = make_need(body)
    put_on_shortlist(need, directory["solo"])
    response = signed_in.submit(
        _matches(need), {"selected": [f"organisation:{directory[ref].id}" for ref in ("member", "solo")]}
    )
    assert error_summary(response) == ["You can only shortlist providers listed in this need's matches"]
    assert _entries() == 1


def test_another_bodys_need_is_not_found(app, signed_in, body):
    directory = _directory(app)
    other = make_need(factories.make_body("Other Council"))
    token = signed_in.csrf_token(_matches(make_need(body)))
    response = signed_in.post(
        _matches(other), data={"csrf_token": token, "selected": [f"organisation:{directory['solo'].id}"]}
    )
    assert response.status_code == 404
    assert _entries() == 0
