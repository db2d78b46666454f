"""``flask directory import`` / ``export``: counts on stdout, rejections on stderr, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from marketplace.directory.models import Organisation
from marketplace.extensions import db
from tests.directory.importing import samples
from tests.factories import make_organisation


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=["directory", *args])


def _write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def _organisations() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def test_import_prints_the_counts_and_exits_0(app, tmp_path):
    path = _write(tmp_path, "directory.json", json.dumps(samples.directory()))

    result = _run(app, "import", path)

    assert result.exit_code == 0, result.output
    assert "organisations: 2 created, 0 updated, 0 unchanged" in result.stdout
    assert "offers: 2 created, 0 updated, 0 unchanged" in result.stdout
    assert "consortia: 1 created, 0 updated, 0 unchanged" in result.stdout
    assert "rejected: 0 record(s)" in result.stdout
    assert result.stderr == ""


def test_import_again_reports_everything_unchanged(app, tmp_path):
    path = _write(tmp_path, "directory.json", json.dumps(samples.directory()))
    _run(app, "import", path)

    result = _run(app, "import", path)

    assert result.exit_code == 0
    assert "organisations: 0 created, 0 updated, 2 unchanged" in result.stdout


def test_import_with_rejected_records_imports_the_valid_ones_lists_each_rejection_and_exits_1(app, tmp_path):
    data = samples.directory()
    data["organisations"][1].update(organisation_type="musem", age_max=140)
    path = _write(tmp_path, "directory.json", json.dumps(data))

    result = _run(app, "import", path)

    assert result.exit_code == 1
    assert "organisations: 1 created" in result.stdout
    assert (
        'Rejected organisations[1] ref "derby-story-house": unknown organisation_type "musem"; '
        "age_max must be between 0 and 120"
    ) in result.stderr
    assert 'Rejected consortia[0] ref "derbyshire-heritage-consortium": member "derby-story-house"' in result.stderr
    assert _organisations() == 1


def test_import_of_a_csv_reports_bad_rows_by_line(app, tmp_path):
    path = _write(tmp_path, "basic.csv", "ref,name,age_min\nok-org,OK,3\nbad-org,,199\n")

    result = _run(app, "import", path)

    assert result.exit_code == 1
    assert "organisations: 1 created" in result.stdout
    assert 'Rejected line 3 ref "bad-org": name is missing; age_min must be between 0 and 120' in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.json", '{"organisations": [', "is not valid JSON: Expecting value (line 1, column 20)"),
        ("list.json", "[]", 'must be a JSON object with an "organisations" list'),
        ("shape.json", '{"organisations": {"ref": "x"}}', '"organisations" must be a list of records'),
        ("latin1.csv", "ref,name\ncaf\xe9,Caf\xe9\n".encode("latin-1"), "is not UTF-8 text"),
        ("header.csv", "id,title\n1,x\n", "missing column(s) ref, name"),
    ],
)
def test_import_of_an_unreadable_file_explains_why_imports_nothing_and_exits_2(app, tmp_path, name, content, message):
    path = _write(tmp_path, name, content)

    result = _run(app, "import", path)

    assert result.exit_code == 2
    assert message in result.stderr
    assert "Nothing was imported." in result.stderr
    assert _organisations() == 0


def test_import_of_a_missing_file_exits_2(app, tmp_path):
    result = _run(app, "import", str(tmp_path / "nowhere.json"))

    assert result.exit_code == 2
    assert f"File not found: {tmp_path / 'nowhere.json'}" in result.stderr


def test_export_writes_the_import_format_and_published_only_leaves_out_drafts(app, tmp_path):
    _run(app, "import", _write(tmp_path, "directory.json", json.dumps(samples.directory())))
    everything, published = tmp_path / "all.json", tmp_path / "published.json"

    result = _run(app, "export", str(everything))
    _run(app, "export", str(published), "--published-only")

    assert result.exit_code == 0
    assert "Exported 2 organisations and 1 consortia" in result.stdout
    data = json.loads(everything.read_text(encoding="utf-8"))
    assert [o["ref"] for o in data["organisations"]] == ["derby-story-house", "peak-heritage"]
    published_data = json.loads(published.read_text(encoding="utf-8"))
    assert [o["ref"] for o in published_data["organisations"]] == ["peak-heritage"]
    assert published_data["consortia"][0]["members"] == ["peak-heritage"]


def test_export_gives_organisations_created_in_the_app_a_ref_so_they_import_back_without_copies(app, tmp_path):
    make_organisation("Riverside Gallery & Studios")
    path = tmp_path / "all.json"

    _run(app, "export", str(path))
    result = _run(app, "import", str(path))

    assert json.loads(path.read_text(encoding="utf-8"))["organisations"][0]["ref"] == "riverside-gallery-studios"
    assert result.exit_code == 0 and "organisations: 0 created, 0 updated, 1 unchanged" in result.stdout
    assert _organisations() == 1
