"""Bad input on the need form: each rule refused with a GOV.UK message, nothing saved, nothing crashes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.commissioning.models import Need
from marketplace.core.clock import today
from marketplace.extensions import db
from tests.client import error_summary
from tests.factories import make_body, make_commissioner, make_framework
from tests.forms import date_fields, need_form, term_value

CASES = {
    "no title": ({"title": ""}, "Enter a title for the need"),
    "long title": ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
    "long summary": ({"summary": "x" * 501}, "Summary must be 500 characters or fewer"),
    "budget min over max": (
        {"budget_min": "9000", "budget_max": "8000"},
        "Budget up to must be the same as or more than budget from",
    ),
    "negative budget": ({"budget_min": "-5"}, "Budget from must be £0 or more"),
    "budget not money": ({"budget_max": "lots"}, "Budget up to must be an amount in pounds, like 5000 or 5000.00"),
    "age over 120": ({"age_max": "121"}, "Oldest age must be a whole number between 0 and 120"),
    "age not a number": ({"age_min": "five"}, "Youngest age must be a whole number between 0 and 120"),
    "ages reversed": (
        {"age_min": "12", "age_max": "8"},
        "Oldest age must be the same as or more than the youngest age",
    ),
    "unknown kind": ({"kind_id": "999999"}, "Select a kind of need from the list"),
    "unknown locality": ({"localities": ["999999"]}, "Select localities from the list"),
    "contract ends before it starts": (
        {
            **date_fields("contract_start", today() + timedelta(days=90)),
            **date_fields("contract_end", today() + timedelta(days=60)),
        },
        "Contract end must be after the contract start",
    ),
    "incomplete date": (
        {"response_deadline": ["1", "", "2027"]},
        "Deadline for responses must include a day, month and year",
    ),
    "one date part": ({"response_deadline": "1"}, "Deadline for responses must include a day, month and year"),
    "impossible date": ({"response_deadline": ["31", "2", "2027"]}, "Deadline for responses must be a real date"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_with_a_message(client, app, case):
    overrides, message = CASES[case]
    client.sign_in(make_commissioner().email)
    response = client.submit("/commissioner/needs/new", need_form(**overrides))
    assert response.status_code == 200
    assert message in error_summary(response)
    assert db.session.scalar(select(func.count()).select_from(Need)) == 0


def test_an_aim_brings_its_outcome_with_it(client, app):
    # Issue 17: the form used to refuse an aim whose outcome was not also selected
    client.sign_in(make_commissioner().email)
    form = need_form(outcomes=[term_value("ecm_outcome", "be-healthy")])
    response = client.submit("/commissioner/needs/new", form)
    assert response.status_code == 302, error_summary(response)
    need = db.session.scalar(select(Need))
    assert {outcome.code for outcome in need.outcomes} == {"be-healthy", "enjoy-and-achieve"}


def test_another_bodys_framework_outcomes_are_refused(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)
    mine = make_framework(body)
    theirs = make_framework(make_body())
    my_outcome = mine.themes[0].aims[0].outcomes[0]
    their_outcome = theirs.themes[0].aims[0].outcomes[0]
    their_measure = their_outcome.measures[0]

    response = client.submit("/commissioner/needs/new", need_form(framework_outcomes=[str(their_outcome.id)]))
    assert error_summary(response) == ["Select framework outcomes from the list"]
    response = client.submit("/commissioner/needs/new", need_form(framework_measures=[str(their_measure.id)]))
    assert error_summary(response) == ["Select framework measures from the list"]
    assert db.session.scalar(select(func.count()).select_from(Need)) == 0

    response = client.submit(
        "/commissioner/needs/new",
        need_form(framework_outcomes=[str(my_outcome.id)], framework_measures=[str(my_outcome.measures[0].id)]),
    )
    need = db.session.scalar(select(Need))
    assert response.status_code == 302
    assert need.framework_outcomes == [my_outcome]
    assert need.framework_measures == [my_outcome.measures[0]]


def test_bad_input_keeps_what_was_typed(client, app):
    client.sign_in(make_commissioner().email)
    response = client.submit(
        "/commissioner/needs/new", need_form(budget_min="9000", budget_max="8000", description="Keep this text")
    )
    html = response.get_data(as_text=True)
    assert 'value="9000"' in html and "Keep this text" in html
    assert 'value="' + term_value("need_kind", "short-breaks") + '" selected' in html


def test_a_draft_may_be_saved_with_only_a_title(client, app):
    client.sign_in(make_commissioner().email)
    response = client.submit("/commissioner/needs/new", {"title": "Just an idea"})
    assert response.status_code == 302
    need = db.session.scalar(select(Need))
    assert (need.title, need.kind_id, need.localities, need.consortium_welcome) == ("Just an idea", None, [], False)


def test_a_need_can_require_providers_to_serve_its_localities_and_prefers_them_otherwise(client, app):
    client.sign_in(make_commissioner().email)
    assert client.submit("/commissioner/needs/new", need_form(localities_required="y")).status_code == 302
    assert client.submit("/commissioner/needs/new", need_form(title="Nearby welcome")).status_code == 302
    required, preferred = db.session.scalars(select(Need).order_by(Need.id))
    assert (required.localities_required, preferred.localities_required) == (True, False)
    page = client.get(f"/needs/{required.id}").get_data(as_text=True)
    assert "Not considered: providers must serve the localities" in page
