"""Minor edits to trusted listings publish at once and are listed in the assessors' change feed, newest first."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.revisions.models import ChangeFeedEntry
from marketplace.revisions.queries import FEED_PER_PAGE
from marketplace.revisions.services import note_minor_edit
from tests.client import new_client, text_of
from tests.factories import make_ready_organisation
from tests.forms import offer_form
from tests.revisions.helpers import rename


def _entries() -> int:
    return db.session.scalar(select(func.count()).select_from(ChangeFeedEntry))


def test_a_trusted_listing_s_minor_edits_are_in_the_feed_newest_first(trusted, provider_client, assessor_client):
    organisation, _ = trusted
    rename(provider_client, organisation, name=organisation.name, description="Heritage walks for families")
    provider_client.submit("/provider/offers/new", offer_form(title="Family dig days"))

    page = text_of(assessor_client.get("/assessor/changes/feed"))

    assert page.index("Offer added: Family dig days") < page.index("Basic details: description")
    assert "Peak Heritage Trust" in page


def test_an_untrusted_listing_s_edits_stay_out_of_the_feed(app):
    organisation, provider = make_ready_organisation("Unverified Museum")
    client = new_client(app)
    client.sign_in(provider.email)

    rename(client, organisation, name=organisation.name, description="New words")

    assert _entries() == 0


def test_the_feed_is_paged(trusted, assessor_client):
    organisation, provider = trusted
    for number in range(FEED_PER_PAGE + 1):
        note_minor_edit(organisation, f"Edit number {number}", user=provider)
    db.session.commit()

    first, second = (text_of(assessor_client.get(f"/assessor/changes/feed?page={page}")) for page in (1, 2))

    assert f"Edit number {FEED_PER_PAGE}" in first and "Edit number 0" not in first
    assert "Edit number 0" in second


def test_pending_changes_are_listed_in_the_assessors_queue(trusted, provider_client, assessor_client):
    organisation, _ = trusted
    rename(provider_client, organisation)

    queue = text_of(assessor_client.get("/assessor/changes"))

    assert "1 change waiting" in queue and "Organisation name" in queue
