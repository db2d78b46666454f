"""The profile page's values from domains above the directory (kitemark badge, "Add to shortlist").

create_app wires kitemark and commissioning in; the directory itself only knows the slots and their defaults,
so the page still renders (without badge or form) if nothing is wired, and a misspelt slot fails at start-up.
"""

from __future__ import annotations

import pytest

from marketplace.directory.models import OrganisationStatus
from marketplace.directory.profile_extras import EXTENSION_KEY, SLOTS, init_profile_extras, profile_extras
from tests import factories


@pytest.fixture
def published(app):
    return factories.make_organisation("Derby Museum of Making", status=OrganisationStatus.PUBLISHED)


def test_the_app_wires_the_kitemark_award_and_shortlistable_needs(app):
    assert set(app.extensions[EXTENSION_KEY]) == set(SLOTS)


def test_each_slot_gets_its_functions_value(app, published):
    init_profile_extras(app, kitemark_award=lambda organisation: f"award for {organisation.name}")

    assert profile_extras(published) == {"kitemark_award": "award for Derby Museum of Making", "shortlist_needs": ()}


def test_unwired_slots_leave_the_badge_and_shortlist_form_off_the_page(app, client, published):
    init_profile_extras(app)

    page = client.get(f"/organisations/{published.id}").get_data(as_text=True)

    assert "Derby Museum of Making" in page
    assert 'id="kitemark-badge"' not in page and 'id="add-to-shortlist"' not in page


def test_a_slot_the_page_does_not_have_is_refused(app):
    with pytest.raises(ValueError, match="no slot named shortlist"):
        init_profile_extras(app, shortlist=lambda organisation: [])
