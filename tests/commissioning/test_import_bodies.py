"""``flask commissioning import-bodies FILE``: CSV or JSON, per-row errors, idempotent, then needs refer to them."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.commissioning.models import CommissioningBody, Need
from marketplace.extensions import db

CSV = (
    "ref,name,kind,locality,description,email_domains\n"
    "derby-cyps,Derby Children's Services,local-authority-childrens-services,E06000015,Services,derby.gov.uk\n"
    "hants-ct,Hampshire Children's Trust,childrens-trust,E10000014,,\n"
)


def _run(app, path: Path, command: str = "import-bodies"):
    return app.test_cli_runner().invoke(args=["commissioning", command, str(path)])


def _bodies() -> dict[str, CommissioningBody]:
    db.session.expire_all()
    return {body.ref: body for body in db.session.scalars(select(CommissioningBody))}


def test_a_csv_register_creates_bodies_and_importing_it_again_changes_nothing(app, tmp_path):
    path = tmp_path / "bodies.csv"
    path.write_text(CSV, encoding="utf-8")

    first = _run(app, path)
    again = _run(app, path)

    assert first.exit_code == 0, first.output
    assert "Commissioning bodies: 2 created, 0 updated, 0 unchanged" in first.output
    assert "Commissioning bodies: 0 created, 0 updated, 2 unchanged" in again.output
    bodies = _bodies()
    assert bodies["derby-cyps"].name == "Derby Children's Services"
    assert bodies["derby-cyps"].kind.code == "local-authority-childrens-services"
    assert bodies["derby-cyps"].locality.ons_code == "E06000015"
    assert bodies["hants-ct"].is_listed
    count = db.session.scalar(select(func.count()).where(AuditEvent.action == "commissioning_body.imported"))
    assert count == 2


def test_a_json_register_updates_a_body_by_ref(app, tmp_path):
    path = tmp_path / "bodies.json"
    record = {"ref": "york-cs", "name": "York Children's Services", "localities": ["E06000014"]}
    path.write_text(json.dumps({"commissioning_bodies": [record]}), encoding="utf-8")
    _run(app, path)
    path.write_text(json.dumps({"commissioning_bodies": [{**record, "name": "City of York Council"}]}))

    result = _run(app, path)

    assert "0 created, 1 updated, 0 unchanged" in result.output
    assert _bodies()["york-cs"].name == "City of York Council"
    assert _bodies()["york-cs"].locality.name == "York"


def test_each_bad_row_is_reported_with_every_reason_and_the_good_rows_still_load(app, tmp_path):
    path = tmp_path / "bodies.csv"
    path.write_text(
        "ref,name,kind,localities\n"
        "good-body,Good Body,school,E06000015\n"
        "Bad Ref,,party,E99999999\n"
        "two-places,Two Places,,E06000015;E06000014\n"
        "good-body,Again,,\n",
        encoding="utf-8",
    )

    result = _run(app, path)

    assert result.exit_code == 1
    assert "1 created, 0 updated, 0 unchanged, 3 rejected" in result.output
    for line in (
        "Rejected line 3 (Bad Ref):",
        "ref must be lower-case letters, digits and hyphens",
        "name is missing",
        "kind: unknown commissioning_body_kind 'party'",
        "locality: unknown ONS code 'E99999999'",
        "Rejected line 4 (two-places):",
        "a commissioning body has one locality: give one ONS code",
        "Rejected line 5 (good-body):",
        "ref good-body is used by an earlier row in the file",
    ):
        assert line in result.output
    assert set(_bodies()) == {"good-body"}


def test_an_unreadable_file_imports_nothing_and_exits_with_2(app, tmp_path):
    wrong_columns = tmp_path / "wrong.csv"
    wrong_columns.write_text("id,title\n1,Body\n", encoding="utf-8")
    not_json = tmp_path / "bodies.json"
    not_json.write_text("{not json", encoding="utf-8")
    wrong_shape = tmp_path / "shape.json"
    wrong_shape.write_text(json.dumps({"bodies": []}), encoding="utf-8")

    for path, message in (
        (wrong_columns, "needs a header row with the columns ref, name"),
        (not_json, "is not JSON"),
        (wrong_shape, '{"commissioning_bodies": [ … ]}'),
        (tmp_path / "missing.json", "Cannot read"),
    ):
        result = _run(app, path)
        assert result.exit_code == 2
        assert message in result.output
    assert _bodies() == {}


def test_needs_imported_after_the_bodies_refer_to_them_by_ref(app, tmp_path):
    bodies = tmp_path / "bodies.csv"
    bodies.write_text(CSV, encoding="utf-8")
    needs = tmp_path / "needs.json"
    needs.write_text(
        json.dumps(
            {
                "needs": [
                    {"ref": "hants-calm", "body": "hants-ct", "title": "Calm minds"},
                    {"ref": "lost", "body": "nowhere-cs", "title": "Lost need"},
                ]
            }
        ),
        encoding="utf-8",
    )
    _run(app, bodies)

    result = _run(app, needs, "import-needs")

    assert "1 created" in result.output
    assert "body 'nowhere-cs' is not a known commissioning body ref" in result.output
    assert "flask commissioning import-bodies" in result.output
    need = db.session.scalar(select(Need))
    assert need.body.ref == "hants-ct"
