"""Importing an outcomes framework from the shipped JSON and CSV files, replacing it, and refusing bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace.commissioning.frameworks.importer import FrameworkFileError, read_framework_file
from marketplace.commissioning.frameworks.services import framework_counts, import_framework
from marketplace.commissioning.models import FrameworkMeasure, OutcomesFramework
from marketplace.extensions import db
from tests.factories import make_body, make_need

DATA = Path(__file__).resolve().parents[3] / "marketplace" / "demo" / "data"
JSON_FILE = DATA / "framework_council.json"
CSV_FILE = DATA / "framework_council.csv"


def _expected_counts() -> dict[str, int]:
    data = json.loads(JSON_FILE.read_text(encoding="utf-8"))
    aims = [aim for theme in data["themes"] for aim in theme["aims"]]
    outcomes = [outcome for aim in aims for outcome in aim["outcomes"]]
    return {
        "themes": len(data["themes"]),
        "aims": len(aims),
        "outcomes": len(outcomes),
        "measures": sum(len(outcome["measures"]) for outcome in outcomes),
    }


def _measure(title_start: str) -> FrameworkMeasure:
    return db.session.scalar(select(FrameworkMeasure).where(FrameworkMeasure.title.startswith(title_start)))


def test_the_shipped_json_framework_imports_with_every_level(app):
    body = make_body(ref="derby-cyps")
    data = read_framework_file("framework_council.json", JSON_FILE.read_bytes())
    framework = import_framework(body, data)
    counts = framework_counts(framework)
    assert counts == _expected_counts()
    assert counts["themes"] == 4
    assert [theme.title for theme in framework.themes][0] == "Improved educational attainment"
    measure = _measure("% of schools and colleges judged by Ofsted")
    assert measure.current_position == "79%"
    assert measure.target == "Improving trajectory – every school a good school"
    assert [term.code for term in measure.outcome.ecm_outcomes] == ["enjoy-and-achieve"]


def test_the_shipped_csv_framework_imports_the_same_tree(app):
    body = make_body()
    data = read_framework_file("framework_council.csv", CSV_FILE.read_bytes(), name="Council framework (CSV)")
    framework = import_framework(body, data)
    assert framework.name == "Council framework (CSV)"
    assert framework_counts(framework) == _expected_counts()
    assert _measure("% achieving 5 or more A*-C grades").target == "In top 25% of local authorities"


def test_reimporting_a_framework_of_the_same_name_replaces_it_and_keeps_need_links(app):
    body = make_body()
    data = json.loads(JSON_FILE.read_text(encoding="utf-8"))
    first = import_framework(body, data)
    outcome = first.themes[0].aims[0].outcomes[0]
    need = make_need(body, framework_outcomes=[outcome])

    data["themes"][0]["aims"][0]["outcomes"][0]["measures"][0]["target"] = "Every school good or outstanding"
    del data["themes"][-1]
    second = import_framework(body, data)

    assert second.id == first.id
    assert db.session.scalar(select(func.count()).select_from(OutcomesFramework)) == 1
    assert framework_counts(second)["themes"] == 3
    assert _measure("% of schools and colleges judged by Ofsted").target == "Every school good or outstanding"
    assert [item.id for item in need.framework_outcomes] == [outcome.id]


def test_importing_the_same_file_twice_changes_nothing(app):
    body = make_body()
    data = json.loads(JSON_FILE.read_text(encoding="utf-8"))
    import_framework(body, data)
    before = framework_counts(db.session.scalar(select(OutcomesFramework)))
    import_framework(body, json.loads(JSON_FILE.read_text(encoding="utf-8")))
    assert framework_counts(db.session.scalar(select(OutcomesFramework))) == before
    assert db.session.scalar(select(func.count()).select_from(FrameworkMeasure)) == before["measures"]


def test_the_same_name_for_another_body_is_a_separate_framework(app):
    data = json.loads(JSON_FILE.read_text(encoding="utf-8"))
    import_framework(make_body(), data)
    import_framework(make_body(), data)
    assert db.session.scalar(select(func.count()).select_from(OutcomesFramework)) == 2


def _problems(filename: str, content: bytes, name: str = "") -> list[str]:
    with pytest.raises(FrameworkFileError) as caught:
        read_framework_file(filename, content, name=name)
    return caught.value.problems


def test_a_file_that_is_not_utf8_is_refused(app):
    assert _problems("framework.csv", "theme,aim\nCaf\u00e9".encode("latin-1")) == [
        "The selected file must be saved as UTF-8 (byte 14 is not)"
    ]


def test_bad_json_is_refused_with_its_line(app):
    assert _problems("framework.json", b'{\n"name": "x",\n"themes": [}') == [
        "Line 3: the file is not valid JSON (Expecting value)"
    ]


def test_a_file_over_2mb_is_refused(app):
    assert _problems("framework.json", b" " * (2 * 1024 * 1024 + 1)) == ["The selected file must be smaller than 2MB"]


def test_another_file_type_is_refused(app):
    assert _problems("framework.xlsx", b"PK") == ["The selected file must be a JSON or CSV file"]


def test_csv_missing_columns_is_refused(app):
    assert _problems("framework.csv", b"theme,aim,outcome\nA,B,C\n", name="X") == [
        "Line 1: the file is missing the columns measure, current_position, target, timescale, lead, ecm_outcomes"
    ]


def test_csv_problems_are_listed_by_line(app):
    header = "theme,aim,outcome,measure,current_position,target,timescale,lead,ecm_outcomes\n"
    rows = (
        "Theme,Aim,Outcome,Measure one,,,,,enjoy-and-achieve\n"
        ",Aim,Outcome,Measure two,,,,,\n"
        f"Theme,Aim,Outcome 2,Measure three,{'x' * 301},,,,be-happy\n"
    )
    problems = _problems("framework.csv", (header + rows).encode(), name="")
    assert problems == [
        "Enter a name for the framework (a CSV file does not include one)",
        "Line 3: theme is empty",
        "Line 4: ecm_outcomes: unknown Every Child Matters outcome code be-happy (use be-healthy, stay-safe, "
        "enjoy-and-achieve, make-a-positive-contribution, achieve-economic-well-being)",
        "Line 4: current_position must be 300 characters or fewer (it has 301)",
    ]


def test_json_problems_are_listed_by_path(app):
    data = {
        "name": "",
        "themes": [
            {
                "title": "Theme",
                "aims": [
                    {
                        "title": "",
                        "outcomes": [
                            {"title": "Outcome", "ecm_outcomes": ["unknown-code"], "measures": [{"title": 5}]}
                        ],
                    }
                ],
            },
            {"title": "T" * 301, "aims": []},
        ],
    }
    problems = _problems("framework.json", json.dumps(data).encode())
    assert "name is empty" in problems
    assert "themes[0].aims[0].title is empty" in problems
    assert any(
        p.startswith("themes[0].aims[0].outcomes[0].ecm_outcomes: unknown Every Child Matters") for p in problems
    )
    assert "themes[1].title must be 300 characters or fewer (it has 301)" in problems
    assert "themes[1].aims must be a list with at least one aim" in problems


def test_an_invalid_framework_saves_nothing(app):
    body = make_body()
    data = json.loads(JSON_FILE.read_text(encoding="utf-8"))
    data["themes"][-1]["aims"][0]["outcomes"][0]["ecm_outcomes"] = ["not-an-outcome"]
    with pytest.raises(FrameworkFileError):
        import_framework(body, data)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutcomesFramework)) == 0
    assert db.session.scalar(select(func.count()).select_from(FrameworkMeasure)) == 0
