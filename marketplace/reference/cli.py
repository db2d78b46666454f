"""``flask reference load`` and ``flask reference import-localities FILE.csv``."""

from pathlib import Path

import click

from marketplace.reference import bp
from marketplace.reference.services import import_localities_csv, load_all

bp.cli.short_help = "Reference data commands."


@bp.cli.command("load")
def load_command() -> None:
    """Load (or refresh) vocabularies, localities and outcodes from the data files. Safe to run repeatedly."""
    for name, report in load_all().items():
        click.echo(f"{name}: {report.summary}")
        for error in report.errors:
            click.echo(f"  {error}", err=True)


@bp.cli.command("import-localities")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_localities_command(path: Path) -> None:
    """Import English localities from a CSV file (ons_code,name,tier,parent_ons_code,region)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        report = import_localities_csv(handle)
    click.echo(f"localities: {report.summary}")
    for error in report.errors:
        click.echo(f"  {error}", err=True)
    if report.errors:
        raise SystemExit(1)
