"""``flask commissioning …``: import bodies, frameworks and needs, close needs whose deadline has passed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from marketplace.commissioning import bp
from marketplace.commissioning.bodies.importer import BodyFileError, import_bodies, read_bodies_file
from marketplace.commissioning.frameworks.importer import FrameworkFileError, read_framework_file
from marketplace.commissioning.frameworks.services import framework_counts, import_framework
from marketplace.commissioning.models import CommissioningBody
from marketplace.commissioning.needs.importer import import_needs
from marketplace.commissioning.needs.services import close_expired_needs
from marketplace.extensions import db

UNREADABLE = 2
REJECTED = 1


@bp.cli.command("import-framework")
@click.argument("body_ref")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", default="", help="The framework's name (needed for CSV; overrides the name in JSON).")
def import_framework_command(body_ref: str, path: Path, name: str) -> None:
    """Import (or replace, by name) the outcomes framework in PATH (JSON or CSV) for the body BODY_REF."""
    body = db.session.scalar(select(CommissioningBody).where(CommissioningBody.ref == body_ref))
    if body is None:
        click.echo(f"No commissioning body has the ref {body_ref}", err=True)
        sys.exit(REJECTED)
    try:
        content = path.read_bytes()
    except OSError as error:
        click.echo(f"Cannot read {path}: {error.strerror}", err=True)
        sys.exit(UNREADABLE)
    try:
        data = read_framework_file(path.name, content, name=name or (path.stem if path.suffix == ".csv" else ""))
        framework = import_framework(body, data)
    except FrameworkFileError as error:
        click.echo(f"{path} was not imported:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(REJECTED)
    counts = framework_counts(framework)
    click.echo(
        f"Imported {framework.name} for {body.name}: {counts['themes']} themes, {counts['aims']} aims, "
        f"{counts['outcomes']} outcomes, {counts['measures']} measures"
    )


def _report(what: str, report: Any) -> None:
    """Print an import's summary and each rejected record with its reasons; exit 1 if any was rejected."""
    click.echo(f"{what}: {report.summary}")
    for label, problems in report.rejected:
        click.echo(f"Rejected {label}:", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
    if report.rejected:
        sys.exit(REJECTED)


@bp.cli.command("import-bodies")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def import_bodies_command(path: Path) -> None:
    """Create or update commissioning bodies from PATH (CSV or JSON), by ref; rejected rows exit with code 1."""
    try:
        rows = read_bodies_file(path.name, path.read_bytes())
    except OSError as error:
        click.echo(f"Cannot read {path}: {error.strerror}", err=True)
        sys.exit(UNREADABLE)
    except BodyFileError as error:
        click.echo(f"{path} was not imported: {error}", err=True)
        sys.exit(UNREADABLE)
    _report("Commissioning bodies", import_bodies(rows))


@bp.cli.command("import-needs")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def import_needs_command(path: Path) -> None:
    """Import needs from PATH (JSON); rejected records are listed with their reasons (exit code 1)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        click.echo(f"Cannot read {path}: {error.strerror}", err=True)
        sys.exit(UNREADABLE)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        click.echo(f"{path} is not a UTF-8 JSON file: {error}", err=True)
        sys.exit(UNREADABLE)
    if not isinstance(data, dict) or not isinstance(data.get("needs"), list):
        click.echo(f'{path} must hold {{"needs": [ … ]}}', err=True)
        sys.exit(UNREADABLE)
    _report("Needs", import_needs(data))


@bp.cli.command("close-expired")
def close_expired_command() -> None:
    """Close open needs whose deadline for responses has passed."""
    count = close_expired_needs()
    click.echo(f"Closed {count} need{'' if count == 1 else 's'} whose deadline had passed")
