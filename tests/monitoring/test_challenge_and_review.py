"""Overrides with reasons, the challenger's verdict, close-out tallies and consented track record; all audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.extensions import db
from marketplace.monitoring import ratings, returns, reviews
from marketplace.monitoring.ratings import RatingError
from marketplace.monitoring.returns import Figure, ReturnDetails
from marketplace.monitoring.reviews import ReviewError


def actions() -> list[str]:
    return [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.fixture
def rated(awarded, provider):
    figures = {
        measure.id: Figure(value=14.0 if measure.title.startswith("Children") else 100) for measure in awarded.measures
    }
    returns.submit_return(awarded, returns.period_of(awarded, 1), ReturnDetails(figures, "Q1 story"), actor=provider)
    return awarded


def test_the_manager_overrides_with_a_reason_and_can_return_to_the_rule(rated, manager):
    measure_rating = ratings.latest_statuses(rated)[rated.measures[0].id]
    computed = measure_rating.computed
    with pytest.raises(RatingError, match="reason"):
        ratings.override_rating(measure_rating, "green", reason="", actor=manager)
    with pytest.raises(RatingError, match="red, amber or green"):
        ratings.override_rating(measure_rating, "no_target", reason="Because", actor=manager)

    ratings.override_rating(measure_rating, "amber", reason="Two new placements skew the figure", actor=manager)
    assert (measure_rating.status, measure_rating.computed) == ("amber", computed)
    ratings.override_rating(measure_rating, "", reason="Back to the rule", actor=manager)
    assert measure_rating.status == computed
    assert actions().count("rating.overridden") == 1 and "rating.override_cleared" in actions()


def test_the_challenger_is_a_second_person_in_the_body(rated, manager, challenger):
    q1 = returns.period_of(rated, 1)
    with pytest.raises(RatingError, match="other than the contract manager"):
        ratings.record_challenge(rated, q1.start, verdict="agree", note="", actor=manager)
    with pytest.raises(RatingError, match="what you are challenging"):
        ratings.record_challenge(rated, q1.start, verdict="challenge", note=" ", actor=challenger)

    ratings.record_challenge(
        rated, q1.start, verdict="challenge", note="SDQ red two quarters running", actor=challenger
    )
    assert rated.challenges[0].challenger_id == challenger.id
    assert "rating.challenged" in actions()


def test_close_out_counts_targets_met_and_the_provider_consents_to_publish(rated, manager, provider):
    review = reviews.close_out(rated, summary="Placements stabilised; mental health scores improved.", actor=manager)

    assert (review.targets_met, review.targets_total) == (1, 2)  # assessments 100% met, SDQ 14.0 red
    assert rated.status == "closed"
    assert reviews.track_record_of(provider.organisation_id) == [], "nothing is shown without consent"
    with pytest.raises(ReviewError, match="already"):
        reviews.close_out(rated, summary="Again", actor=manager)

    reviews.consent_to_publish(review, actor=provider)
    [published] = reviews.track_record_of(provider.organisation_id)
    assert reviews.track_record_line(published) == (
        "Delivered Short breaks for looked-after children for Central Bedfordshire Council; 1 of 2 targets met"
    )
    assert {"contract.closed_out", "contract.track_record_published"} <= set(actions())


def test_no_return_can_be_submitted_after_close_out(rated, manager, provider):
    reviews.close_out(rated, summary="Done", actor=manager)
    with pytest.raises(returns.ReturnError, match="closed"):
        returns.submit_return(
            rated, returns.period_of(rated, 2), ReturnDetails({rated.measures[0].id: Figure(1)}, "x"), actor=provider
        )
