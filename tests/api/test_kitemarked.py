"""The kitemarked list and kitemark fields follow marketplace.kitemark.status on every request.

The kitemark answers are monkeypatched (the API only asks ``kitemarked_organisation_ids`` and
``current_award``), so suspension is modelled as those answers changing between two requests.
"""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.api import serializers
from marketplace.directory.models import OrganisationStatus
from marketplace.kitemark import status as kitemark_status
from tests import factories
from tests.api.addresses import org_url, service_url
from tests.client import get_json, names
from tests.factories import make_offer, make_published
from tests.lookups import DERBY, NOTTINGHAM, localities

AWARD = kitemark_status.KitemarkAward(awarded_on=date(2026, 6, 1), expires_on=date(2027, 5, 31))


@pytest.fixture
def kitemarks(monkeypatch):
    """The set of kitemarked organisation ids; change it to award or suspend."""
    holders: set[int] = set()
    monkeypatch.setattr(kitemark_status, "kitemarked_organisation_ids", lambda: set(holders))
    monkeypatch.setattr(
        kitemark_status, "current_award", lambda organisation: AWARD if organisation.id in holders else None
    )
    return holders


def test_the_list_holds_published_kitemarked_organisations_with_their_dates(client, kitemarks):
    derby = make_published("Derby Museum", localities=localities(DERBY))
    nottingham = make_published("Nottingham Castle", localities=localities(NOTTINGHAM))
    make_published("Unassessed Gallery")
    draft = factories.make_organisation("Draft Archive", status=OrganisationStatus.DRAFT)
    kitemarks.update({derby.id, nottingham.id, draft.id})

    page = get_json(client, "/api/v1/kitemarked")
    in_derby = get_json(client, f"/api/v1/kitemarked?locality={DERBY}")

    assert names(page) == ["Derby Museum", "Nottingham Castle"]
    assert page["contents"][0] == {
        "id": serializers.organisation_uuid(derby.id),
        "name": "Derby Museum",
        "description": "",
        "uri": f"http://127.0.0.1:5000/organisations/{derby.id}",
        "kitemark": {"awarded_on": "2026-06-01", "expires_on": "2027-05-31"},
    }
    assert names(in_derby) == ["Derby Museum"]


def test_suspension_takes_effect_on_the_very_next_request(client, kitemarks):
    museum = make_published("Derby Museum")
    offer = make_offer(museum, "Object handling")
    kitemarks.add(museum.id)
    listed = client.get("/api/v1/kitemarked")
    assert names(listed.get_json()) == ["Derby Museum"]
    service = get_json(client, service_url(offer))
    assert (service["accreditations"], service["assured_date"]) == ("Kitemarked until 31 May 2027", "2026-06-01")

    kitemarks.discard(museum.id)  # an assessor suspends the kitemark

    again = client.get("/api/v1/kitemarked", headers={"If-None-Match": listed.headers["ETag"]})
    assert again.status_code == 200
    assert again.get_json()["contents"] == []
    assert get_json(client, org_url(museum))["kitemark"] is None
    service = get_json(client, service_url(offer))
    assert "accreditations" not in service and "assured_date" not in service  # left out, not null
