"""``flask directory import FILE`` and ``flask directory export FILE``: bulk interchange of the directory.

Exit codes of ``import``: 0 all records imported (or unchanged); 1 some records were rejected (the valid ones
were still imported, each rejected one is listed on stderr with every reason); 2 the file could not be read at
all (missing, not UTF-8, not JSON, wrong shape) and nothing was imported. The format is in
``docs/directory-interchange.md``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from marketplace.directory import bp
from marketplace.directory.exporter import export_directory
from marketplace.directory.importer import InterchangeFileError, import_file

bp.cli.short_help = "Directory import and export."


@bp.cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
def import_command(path: Path) -> None:
    """Create or update organisations, offers and consortia from a JSON file (or basic fields from a .csv)."""
    try:
        report = import_file(path)
    except InterchangeFileError as error:
        click.echo(f"Error: {error}. Nothing was imported.", err=True)
        sys.exit(2)
    for line in report.summary_lines():
        click.echo(line)
    for notice in report.drafted:
        click.echo(f"Imported as a draft, not published, {notice}", err=True)
    for rejection in report.rejected:
        click.echo(f"Rejected {rejection}", err=True)
    if report.rejected:
        sys.exit(1)


@bp.cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--published-only", is_flag=True, help="Only published organisations (and their consortia).")
def export_command(path: Path, published_only: bool) -> None:
    """Write the directory to a JSON file in the import format ("-" writes to standard output)."""
    started = time.perf_counter()
    data = export_directory(published_only=published_only)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if str(path) == "-":
        click.echo(text, nl=False)
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        click.echo(f"Error: cannot write {path}: {error.strerror}", err=True)
        sys.exit(2)
    click.echo(
        f"Exported {len(data['organisations'])} organisations and {len(data['consortia'])} consortia to {path} "
        f"in {time.perf_counter() - started:.1f} s"
    )
