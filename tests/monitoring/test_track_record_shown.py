"""Published track record in the shortlist comparison and as a matching reason: shown as a fact, never a boost,
and a close-out review the provider has not agreed to publish never reaches another body."""

from __future__ import annotations

from datetime import date

from marketplace.commissioning.shortlists.comparison import compare
from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.matching.ranking import match_need
from marketplace.monitoring import reviews
from marketplace.monitoring.models import CloseOutReview, Contract
from marketplace.search.index.maintenance import rebuild
from tests import factories
from tests.commissioning.shortlists.conftest import put_on_shortlist
from tests.factories import make_need
from tests.search.web.test_matching import load, org_record

HEADING = "Track record (published close-out reviews)"


def track_record_cells(need) -> list[str]:
    [row] = [row for row in compare(need).rows if row.heading == HEADING]
    return [cell.text for cell in row.cells]


def test_another_body_sees_only_the_published_review_in_its_comparison(awarded, manager, provider):
    derby = factories.make_body("Derby City Council", ref="derby-city")
    need = make_need(derby, title="Creative short breaks in Derby")
    put_on_shortlist(need, provider.organisation)
    assert track_record_cells(need) == ["None published"]

    review = reviews.close_out(awarded, summary="Placements stabilised.", actor=manager)
    assert track_record_cells(need) == ["None published"], "a review the provider has not published stays private"

    reviews.consent_to_publish(review, actor=provider)
    [cell] = track_record_cells(need)
    assert cell == (
        "Delivered Short breaks for looked-after children for Central Bedfordshire Council; no targets judged"
    )
    assert [HEADING, cell] in compare(need).as_lists(), "the CSV export carries the same row"


def close_out_directly(body, organisation, *, published: bool) -> CloseOutReview:
    contract = Contract(
        body=body,
        organisation=organisation,
        title="Outcomes for looked-after children",
        start_date=date(2025, 4, 1),
        end_date=date(2026, 3, 31),
        status="closed",
    )
    review = CloseOutReview(contract=contract, summary="Done", targets_met=2, targets_total=3)
    if published:
        review.provider_consented_at = utcnow()
    db.session.add(review)
    db.session.commit()
    return review


def test_track_record_is_a_matching_reason_and_never_changes_the_score(app):
    orgs = load(app, org_record("proven", "Proven Arts"), org_record("new", "New Arts"))
    derby = factories.make_body("Derby City Council", ref="derby-city")
    need = make_need(derby)
    before = {result.name: result for result in match_need(need)}

    close_out_directly(derby, orgs["new"], published=False)
    close_out_directly(derby, orgs["proven"], published=True)
    rebuild(app)
    after = {result.name: result for result in match_need(need)}

    assert {name: result.score for name, result in after.items()} == {
        name: result.score for name, result in before.items()
    }
    assert [name for name in after] == [name for name in before], "the order is the score's alone"
    expected = "Track record: delivered Outcomes for looked-after children for Derby City Council; 2 of 3 targets met"
    assert after["Proven Arts"].reasons == [*before["Proven Arts"].reasons, expected]
    assert after["New Arts"].reasons == before["New Arts"].reasons, "an unpublished review is not a reason"
