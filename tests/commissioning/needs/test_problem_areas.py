"""A need names the problem areas it should help address: on the form, on its page and in the needs import."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.commissioning.models import Need
from marketplace.commissioning.needs.importer import import_needs
from marketplace.extensions import db
from tests.client import error_summary, text_of
from tests.factories import make_body, make_commissioner
from tests.forms import need_form, term_value


def _record(**changes) -> dict:
    record = {"ref": "calm-minds", "body": "derby-cyps", "title": "Calm minds", "problem_areas": ["emotional-health"]}
    return {**record, **changes}


def test_a_need_saves_its_problem_areas_and_shows_them(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)

    response = client.submit(
        "/commissioner/needs/new",
        need_form(problem_areas=[term_value("problem_area", "neet"), term_value("problem_area", "youth-offending")]),
    )

    need = db.session.scalar(select(Need))
    assert response.status_code == 302
    assert [term.code for term in need.problem_areas] == ["neet", "youth-offending"]
    assert "Problem areas NEET (not in education, employment or training), Youth offending" in text_of(
        client.get(f"/needs/{need.id}")
    )


def test_a_tampered_problem_area_is_refused(client, app):
    body = make_body()
    client.sign_in(make_commissioner(body).email)

    response = client.submit(
        "/commissioner/needs/new", need_form(problem_areas=[term_value("national_indicator", "ni-1")])
    )

    assert error_summary(response) == ["Select problem areas from the list"]
    assert db.session.scalar(select(Need)) is None


def test_the_needs_import_carries_problem_areas_and_reimporting_changes_nothing(app):
    make_body(ref="derby-cyps")

    first = import_needs({"needs": [_record()]})
    again = import_needs({"needs": [_record()]})

    assert (first.created, again.unchanged) == (1, 1)
    need = db.session.scalar(select(Need))
    assert [term.code for term in need.problem_areas] == ["emotional-health"]


def test_the_needs_import_refuses_an_unknown_problem_area(app):
    make_body(ref="derby-cyps")

    report = import_needs({"needs": [_record(problem_areas=["boredom"])]})

    assert report.rejected == [("needs[0] (calm-minds)", ["problem_areas: unknown code boredom"])]


def test_the_needs_import_says_how_to_add_an_unknown_body(app):
    report = import_needs({"needs": [_record(body="nowhere")]})

    (label, problems) = report.rejected[0]
    assert problems[0].startswith("body 'nowhere' is not a known commissioning body ref")
    assert "flask commissioning import-bodies" in problems[0]
