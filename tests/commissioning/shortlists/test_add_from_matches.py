"""Shortlisting from a need's matches: consortia too, and providers already shortlisted or awarded show their state."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.commissioning.models import NeedStatus, Shortlist
from marketplace.directory.importer import import_directory
from marketplace.directory.models import Consortium, Organisation
from marketplace.extensions import db
from marketplace.search.index.maintenance import rebuild
from tests.client import text_of
from tests.commissioning.shortlists.conftest import put_on_shortlist
from tests.factories import make_need, make_response


def _record(ref: str, name: str) -> dict:
    """A published organisation that fits the factory need: short breaks in Derby for ages 5-18."""
    return {
        "ref": ref,
        "name": name,
        "organisation_type": "museum",
        "description": "Creative sessions for disabled children and families.",
        "postcode": "DE1 1BS",  # published: the publish check needs a postcode and a contact email
        "contact_email": f"hello@{ref}.example.org",
        "localities": ["E06000015"],
        "age_min": 5,
        "age_max": 18,
        "target_groups": ["disabled-children-send"],
        "outcomes": [{"outcome": "enjoy-and-achieve", "aims": [], "statement": "We contribute."}],
        "offers": [
            {
                "ref": f"{ref}-offer",
                "title": "Saturday creative sessions",
                "price_pence": 25_000,
                "outcomes": ["enjoy-and-achieve"],
                "service_areas": ["short-breaks-for-disabled-children"],
            }
        ],
        "status": "published",
    }


def _directory(app) -> dict:
    consortium = {"ref": "partners", "name": "Derby Partners", "lead": "lead", "members": ["lead", "member"]}
    report = import_directory(
        {
            "organisations": [_record("lead", "Lead Arts"), _record("member", "Member Arts"), _record("solo", "Solo")],
            "consortia": [consortium],
        }
    )
    assert not report.rejected, report.rejected
    rebuild(app)
    found = {o.ref: o for o in db.session.scalars(select(Organisation))}
    found["partners"] = db.session.scalar(select(Consortium))
    return found


def _match_item(html: str, name: str) -> str:
    """The matches list item of ``name``."""
    items = html.split('id="matches"', 1)[1].split('<li class="govuk-!-margin-bottom-6">')
    return next(item for item in items if f">{name}</a>" in item)


def test_a_consortium_in_the_matches_can_be_shortlisted(app, signed_in, body):
    directory = _directory(app)
    need = make_need(body, consortium_welcome=True)

    page = signed_in.get(f"/commissioner/needs/{need.id}/matches").get_data(as_text=True)
    item = _match_item(page, "Derby Partners")
    assert "Add to shortlist" in item
    button = re.search(r'<button type="submit" name="only" value="([^"]*)"', item)
    assert button and button.group(1) == f"consortium:{directory['partners'].id}"

    url = f"/commissioner/needs/{need.id}/matches"
    response = signed_in.submit(f"{url}/shortlist", {"only": button.group(1)}, page_url=url, follow_redirects=True)

    assert "Derby Partners added to the shortlist" in text_of(response)
    entries = db.session.scalar(select(Shortlist).where(Shortlist.need_id == need.id)).entries
    assert [(e.organisation_id, e.consortium_id) for e in entries] == [(directory["lead"].id, directory["partners"].id)]
    again = signed_in.get(f"/commissioner/needs/{need.id}/matches").get_data(as_text=True)
    assert "On the shortlist" in _match_item(again, "Derby Partners")
    assert "Add to shortlist" not in _match_item(again, "Derby Partners")
    assert "Add to shortlist" in _match_item(again, "Lead Arts")  # the lead alone is another candidate


def test_shortlisted_and_awarded_providers_show_their_state_not_a_button(app, signed_in, body):
    directory = _directory(app)
    need = make_need(body)
    put_on_shortlist(need, directory["solo"])

    page = signed_in.get(f"/commissioner/needs/{need.id}/matches").get_data(as_text=True)
    assert "On the shortlist" in _match_item(page, "Solo")
    assert "Add to shortlist" not in _match_item(page, "Solo")
    assert "Add to shortlist" in _match_item(page, "Member Arts")

    need.awarded_response = make_response(need, directory["solo"])
    need.status = NeedStatus.AWARDED
    db.session.commit()
    awarded = signed_in.get(f"/commissioner/needs/{need.id}/matches").get_data(as_text=True)
    assert "Awarded" in _match_item(awarded, "Solo")
    assert "Add to shortlist" not in awarded  # an awarded need's shortlist can no longer change
