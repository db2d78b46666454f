"""``flask commissioning import-needs FILE.json`` with the shipped needs, mixed files and unreadable files."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.commissioning.models import Need, NeedStatus
from marketplace.commissioning.needs.importer import import_needs
from marketplace.core.clock import today
from marketplace.demo.needs import dated_needs
from marketplace.extensions import db
from tests.factories import make_body, make_framework

BODY_REFS = ("derby-cyps", "nottingham-cs", "leicester-cs", "lancashire-ct", "worcestershire-cs", "derbyshire-camhs")


@pytest.fixture
def bodies(app):
    return {ref: make_body(ref=ref) for ref in BODY_REFS}


def _shipped() -> dict:
    """The shipped demo needs, dated as ``flask demo load`` dates them today (so their deadlines are ahead)."""
    return dated_needs(today())


@pytest.fixture
def shipped_file(tmp_path) -> Path:
    path = tmp_path / "needs.json"
    path.write_text(json.dumps(_shipped()), encoding="utf-8")
    return path


def _run(app, path: Path):
    return app.test_cli_runner().invoke(args=["commissioning", "import-needs", str(path)])


def _count(model=Need, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_shipped_needs_import_and_reimport_changes_nothing(app, bodies, shipped_file):
    result = _run(app, shipped_file)
    assert result.exit_code == 0, result.output
    assert "Needs: 12 created, 0 updated, 0 unchanged" in result.output
    assert _count(Need, Need.status == NeedStatus.OPEN) == 10
    assert _count(Need, Need.status == NeedStatus.DRAFT) == 2
    need = db.session.scalar(select(Need).where(Need.ref == "derby-lac-creative-mentoring-2027"))
    assert need.body.ref == "derby-cyps"
    assert [loc.ons_code for loc in need.localities] == ["E06000015"]
    assert need.required_accreditation.code == "arts-award-centre"
    assert not need.consortium_welcome and need.requires_safeguarding_verified
    assert need.published_at is not None
    events = _count(AuditEvent)

    result = _run(app, shipped_file)
    assert result.exit_code == 0
    assert "Needs: 0 created, 0 updated, 12 unchanged" in result.output
    assert _count() == 12
    assert _count(AuditEvent) == events


def test_reimporting_replaces_fields_and_collections(app, bodies):
    import_needs(_shipped())
    data = _shipped()
    record = data["needs"][0]
    record["title"] = "Creative mentoring (revised)"
    record["localities"] = ["E10000007", "E07000037"]
    record["aims"] = []
    report = import_needs(data)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 11)
    need = db.session.scalar(select(Need).where(Need.ref == record["ref"]))
    assert need.title == "Creative mentoring (revised)"
    assert sorted(loc.ons_code for loc in need.localities) == ["E07000037", "E10000007"]
    assert need.aims == []


def test_framework_outcomes_resolve_against_the_bodys_frameworks(app, bodies):
    framework = make_framework(bodies["derby-cyps"])
    data = {"needs": [copy.deepcopy(_shipped()["needs"][0])]}
    data["needs"][0]["framework_outcomes"] = ["outstanding-teaching"]
    report = import_needs(data)
    assert report.rejected == []
    need = db.session.scalar(select(Need))
    assert need.framework_outcomes == [framework.themes[0].aims[0].outcomes[0]]

    make_framework(bodies["nottingham-cs"])
    other = copy.deepcopy(_shipped()["needs"][2])
    other["framework_outcomes"] = ["no-such-outcome"]
    report = import_needs({"needs": [other]})
    assert report.rejected == [
        (
            f"needs[0] ({other['ref']})",
            ["framework_outcomes (of nottingham-cs's frameworks): unknown code no-such-outcome"],
        )
    ]


def _bad_records() -> list[dict]:
    base = _shipped()["needs"][0]
    past = (today() - timedelta(days=1)).isoformat()
    changes = [
        {"ref": "bad-body", "body": "nowhere"},
        {"ref": "bad-codes", "kind": "party", "outcomes": ["be-happy"], "localities": ["E99999999"]},
        {"ref": "bad-ages", "age_min": 12, "age_max": 130},
        {"ref": "bad-budget", "budget_min_pence": 500, "budget_max_pence": 100},
        {"ref": "bad-dates", "contract_start": "2027-09-01", "contract_end": "2027-01-01", "deadline": "15/02/2027"},
        {"ref": "past-open", "deadline": past},
        {"ref": "stray-aim", "outcomes": ["be-healthy"]},
        {"ref": "Bad Ref!", "title": ""},
    ]
    return [{**base, **change} for change in changes]


def test_a_mixed_file_imports_valid_records_and_reports_each_rejected_one(app, bodies, tmp_path):
    good = _shipped()["needs"][1]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps({"needs": [good, *_bad_records()]}), encoding="utf-8")
    result = _run(app, path)
    assert result.exit_code == 1
    assert "Needs: 1 created, 0 updated, 0 unchanged, 8 rejected" in result.output
    assert _count() == 1
    output = result.output
    expected = [
        "Rejected needs[1] (bad-body):",
        "body 'nowhere' is not a known commissioning body ref",
        "kind: unknown code 'party'",
        "outcomes: unknown code be-happy",
        "localities (ONS codes): unknown code E99999999",
        "age_max must be a whole number from 0 to 120",
        "budget_min_pence must not be more than budget_max_pence",
        "contract_end must be after contract_start",
        "deadline must be a date like 2027-02-15, not '15/02/2027'",
        f"the deadline {(today() - timedelta(days=1)).isoformat()} has passed, so the need cannot be open",
        "aims achieve-standards-at-secondary-school, attend-and-enjoy-school, "
        "develop-self-confidence-and-deal-with-change do not belong to the need's outcomes",
        "ref must be lower-case letters, digits and hyphens, 80 characters or fewer",
        "title is missing",
    ]
    for line in expected:
        assert line in output


def test_a_record_of_another_body_cannot_take_over_a_ref(app, bodies):
    import_needs(_shipped())
    data = _shipped()
    data["needs"][0]["body"] = "nottingham-cs"
    report = import_needs({"needs": [data["needs"][0]]})
    assert report.rejected == [
        (data["needs"][0]["ref"], [f"ref {data['needs'][0]['ref']} belongs to a need of another commissioning body"])
    ]


def test_an_unreadable_file_exits_with_2(app, bodies, tmp_path):
    assert _run(app, tmp_path / "missing.json").exit_code == 2
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert _run(app, broken).exit_code == 2
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"needs": ["caf\u00e9"]}'.encode("latin-1"))
    assert _run(app, latin).exit_code == 2
    wrong = tmp_path / "wrong.json"
    wrong.write_text("[1, 2]", encoding="utf-8")
    result = _run(app, wrong)
    assert result.exit_code == 2
    assert 'must hold {"needs": [ … ]}' in result.output
    assert _count() == 0


def test_close_expired_closes_open_needs_past_their_deadline(app, bodies):
    import_needs(_shipped())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["commissioning", "close-expired"])
    assert result.exit_code == 0
    assert "Closed 0 needs" in result.output
    need = db.session.scalar(select(Need).where(Need.ref == "derby-lac-creative-mentoring-2027"))
    need.response_deadline = today() - timedelta(days=1)
    db.session.commit()
    result = runner.invoke(args=["commissioning", "close-expired"])
    assert "Closed 1 need whose deadline had passed" in result.output
    assert need.status == NeedStatus.CLOSED
    assert _count(Need, Need.status == NeedStatus.OPEN) == 9
