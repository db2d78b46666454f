"""The seed 003 framework (Central Bedfordshire draft) imports whole, with key actions and readable measures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.commissioning.frameworks.importer import FrameworkFileError, read_framework_file
from marketplace.commissioning.frameworks.services import framework_counts, import_framework
from marketplace.commissioning.models import FrameworkMeasure
from marketplace.extensions import db
from tests.factories import make_body

SEED_FILE = Path(__file__).parent / "data" / "framework_seed_003.json"


def _measure(title_start: str) -> FrameworkMeasure:
    return db.session.scalar(select(FrameworkMeasure).where(FrameworkMeasure.title.startswith(title_start)))


def import_seed_framework(body):
    data = read_framework_file(SEED_FILE.name, SEED_FILE.read_bytes())
    return import_framework(body, data)


def test_the_seed_framework_imports_whole_with_key_actions(app):
    framework = import_seed_framework(make_body("Central Bedfordshire Council"))

    assert framework_counts(framework) == {"themes": 4, "aims": 9, "outcomes": 22, "measures": 40}
    assert [len(theme.key_actions) for theme in framework.themes] == [13, 9, 10, 9]
    assert framework.themes[1].key_actions[0].text.startswith("Promote and deliver a 'child centred' focus")


def test_seed_measures_get_values_units_states_and_directions_from_their_words(app):
    import_seed_framework(make_body("Central Bedfordshire Council"))

    adoption = _measure("Average time in days between a child entering care")
    assert (adoption.baseline_value, adoption.target_value, adoption.unit) == (604, 568, "days")
    assert adoption.direction == "lower"
    assert adoption.target_reference == "National target 2010-13"
    assessments = _measure("% of initial assessments completed")
    assert (assessments.baseline_value, assessments.target_value, assessments.unit) == (81.8, 85, "%")
    assert assessments.direction == "higher"
    reoffending = _measure("Re-offending rates")
    assert (reoffending.baseline_state, reoffending.baseline_available_from) == ("not_available", "Q1 2013/14")
    assert reoffending.target_state == "to_be_confirmed"
    carers = _measure("% of identified young carers supported")
    assert (carers.baseline_state, carers.target_state) == ("new_measure", "baseline_year")
    gcse = _measure("% achieving 5 or more A*-C")
    assert (gcse.baseline_value, gcse.target_value, gcse.direction) == (None, None, "")
    assert gcse.current_position == "57.6% Lower Middle"  # the words are kept


def _one_measure_file(measure: dict, theme_extra: dict | None = None) -> bytes:
    data = {
        "name": "Labels",
        "themes": [
            {
                "title": "Be safe",
                **(theme_extra or {}),
                "aims": [
                    {
                        "title": "Aim",
                        "outcomes": [{"title": "Outcome", "ecm_outcomes": ["Stay safe"], "measures": [measure]}],
                    }
                ],
            }
        ],
    }
    return json.dumps(data).encode()


def test_structured_labels_are_accepted_as_people_write_them(app):
    measure = {
        "title": "Days to adoption",
        "direction": "Lower is better",
        "baseline": "604 days",
        "baseline_period": "Q2 2013/14",
        "target_value": "568 days",
        "target_period": "2013/14",
        "target_reference": "National target",
        "tolerance": "10",
        "frequency": "Quarterly",
        "lead_officer": "Head of fostering and adoption",
        "data_source": "Adoption scorecard",
    }
    data = read_framework_file("f.json", _one_measure_file(measure))
    import_framework(make_body(), data)

    saved = _measure("Days to adoption")
    assert (saved.direction, saved.baseline_value, saved.baseline_period) == ("lower", 604, "Q2 2013/14")
    assert (saved.target_value, saved.target_period, saved.tolerance) == (568, "2013/14", 10)
    assert (saved.frequency, saved.unit, saved.data_source) == ("quarterly", "days", "Adoption scorecard")
    assert saved.outcome.ecm_outcomes[0].code == "stay-safe"


def test_bad_labels_are_reported_where_they_are(app):
    measure = {"title": "M", "direction": "sideways", "baseline": "lots", "baseline_period": "soon", "tolerance": "x"}
    with pytest.raises(FrameworkFileError) as error:
        read_framework_file("f.json", _one_measure_file(measure, {"key_actions": "not a list"}))

    problems = "\n".join(error.value.problems)
    assert "themes[0].aims[0].outcomes[0].measures[0].direction: “sideways” is not a direction" in problems
    assert "measures[0].baseline: “lots” is neither a value" in problems
    assert "measures[0].baseline_period: “soon” is not a period" in problems
    assert "measures[0].tolerance: “x” is not a number" in problems
    assert "themes[0].key_actions must be a list of key actions" in problems


def test_csv_rows_report_bad_labels_by_line(app):
    content = (
        b"theme,aim,outcome,measure,current_position,target,timescale,lead,ecm_outcomes,direction,frequency\n"
        b"T,A,O,Good measure,81.8%,85%,,,Be healthy,Higher is better,Quarterly\n"
        b"T,A,O,Bad measure,,,,,,upwards-ish,fortnightly\n"
    )
    with pytest.raises(FrameworkFileError) as error:
        read_framework_file("f.csv", content, name="CSV")

    assert "Line 3: direction: “upwards-ish” is not a direction: write Higher is better or Lower is better" in (
        error.value.problems
    )
    assert any(problem.startswith("Line 3: frequency:") for problem in error.value.problems)
    assert not any(problem.startswith("Line 2") for problem in error.value.problems)
