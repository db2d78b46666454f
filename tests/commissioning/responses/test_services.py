"""The response rules hold in the services themselves, whatever a form lets through."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.commissioning.models import Response
from marketplace.commissioning.responses.services import (
    ResponseDetails,
    ResponseRefused,
    submit_response,
    update_response,
)
from marketplace.extensions import db
from tests.commissioning.responses.conftest import make_consortium, make_evidence
from tests.factories import make_organisation, make_response


def details(**fields) -> ResponseDetails:
    return ResponseDetails(approach=fields.pop("approach", "Our approach"), price_pence=100, **fields)


def test_only_the_lead_may_submit_for_a_consortium(world):
    consortium = make_consortium(make_organisation("Derby Theatre"), world.organisation)
    with pytest.raises(ResponseRefused, match="Only the lead organisation of Derby Culture Partners"):
        submit_response(world.need, world.organisation, details(), actor=world.provider, consortium=consortium)


def test_foreign_evidence_is_refused_and_nothing_is_saved(world):
    foreign = make_evidence(make_organisation("Nottingham Museums"))
    with pytest.raises(ResponseRefused, match="your organisation's impact evidence"):
        submit_response(world.need, world.organisation, details(evidence_ids=[foreign.id]), actor=world.provider)
    db.session.commit()
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_negative_prices_and_empty_approaches_are_refused(world):
    with pytest.raises(ResponseRefused, match="Price must be £0 or more"):
        submit_response(world.need, world.organisation, ResponseDetails("Plan", price_pence=-1), actor=world.provider)
    response = make_response(world.need, world.organisation)
    with pytest.raises(ResponseRefused, match="Enter your approach"):
        update_response(response, details(approach="  "), actor=world.provider)


def test_non_outcome_terms_are_refused(world):
    with pytest.raises(ResponseRefused, match="Select outcomes from the list"):
        submit_response(world.need, world.organisation, details(outcome_ids=[world.need.kind_id]), actor=world.provider)
