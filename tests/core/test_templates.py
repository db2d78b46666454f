"""Templates: undefined names fail loudly in tests, GOV.UK macro lookups stay lenient, and filters format values."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import render_template_string
from jinja2 import UndefinedError


@pytest.fixture
def render(app):
    def render(source: str, **context) -> str:
        with app.test_request_context():
            return render_template_string(source, **context)

    return render


def test_printing_an_undefined_name_raises_in_tests(render):
    with pytest.raises(UndefinedError):
        render("{{ missing_name }}")


def test_looking_up_a_missing_key_on_a_dict_is_lenient_like_the_govuk_macros_need(render):
    assert render("[{{ params.classes }}]", params={}) == "[]"
    assert render("{% if params.attributes %}yes{% else %}no{% endif %}", params={}) == "no"


def test_the_date_filter_shows_day_month_and_year(render):
    assert render("{{ value|date }}", value=date(2026, 3, 5)) == "5 March 2026"
    assert render("{{ value|date }}", value=None) == ""


def test_the_datetime_filter_shows_the_time_too(render):
    assert render("{{ value|datetime }}", value=datetime(2026, 11, 23, 9, 5)) == "23 November 2026 at 09:05"
    assert render("{{ value|datetime }}", value=None) == ""


@pytest.mark.parametrize(
    ("pence", "shown"),
    [(125050, "£1,250.50"), (100000, "£1,000"), (5, "£0.05"), (99, "£0.99"), (0, "£0"), (None, "")],
)
def test_the_pence_filter_shows_pounds_with_commas_and_pence_only_when_needed(render, pence, shown):
    assert render("{{ value|pence }}", value=pence) == shown
