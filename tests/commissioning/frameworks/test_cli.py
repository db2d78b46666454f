"""``flask commissioning import-framework BODY_REF FILE``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from marketplace.commissioning.frameworks.services import framework_counts
from marketplace.commissioning.models import OutcomesFramework
from marketplace.extensions import db
from tests.factories import make_body

DATA = Path(__file__).resolve().parents[3] / "marketplace" / "demo" / "data"


def test_import_framework_command_imports_and_reimports(app):
    make_body(ref="derby-cyps")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["commissioning", "import-framework", "derby-cyps", str(DATA / "framework_council.json")]
    )
    assert result.exit_code == 0, result.output
    assert "4 themes" in result.output
    result = runner.invoke(
        args=["commissioning", "import-framework", "derby-cyps", str(DATA / "framework_council.json")]
    )
    assert result.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(OutcomesFramework)) == 1


def test_import_framework_command_takes_a_csv_name_from_the_file(app):
    make_body(ref="derby-cyps")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["commissioning", "import-framework", "derby-cyps", str(DATA / "framework_council.csv")]
    )
    assert result.exit_code == 0, result.output
    framework = db.session.scalar(select(OutcomesFramework))
    assert framework.name == "framework_council"
    assert framework_counts(framework)["themes"] == 4


def test_import_framework_command_reports_problems(app, tmp_path):
    make_body(ref="derby-cyps")
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "X", "themes": []}', encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["commissioning", "import-framework", "derby-cyps", str(bad)])
    assert result.exit_code == 1
    assert "themes must be a list with at least one theme" in result.output
    result = runner.invoke(args=["commissioning", "import-framework", "nobody", str(bad)])
    assert result.exit_code == 1
    assert "No commissioning body has the ref nobody" in result.output
    result = runner.invoke(args=["commissioning", "import-framework", "derby-cyps", str(tmp_path / "missing.json")])
    assert result.exit_code == 2
