"""``flask backup create PATH`` / ``flask backup restore PATH [--force]``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from marketplace.backup import bp
from marketplace.backup.archive import BackupError
from marketplace.backup.services import create_backup, restore_backup

bp.cli.short_help = "Back up and restore the database and uploaded files."


@bp.cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create_command(path: Path) -> None:
    """Write a backup (database and uploaded files) to PATH, a .tar.gz archive."""
    try:
        manifest = create_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Backed up {len(manifest.tables)} tables ({manifest.total_rows} rows) and {len(manifest.uploads)} "
        f"uploaded files at schema revision {manifest.alembic_revision} to {path}"
    )


@bp.cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace everything in a database that already holds data.")
@click.option("--no-search-rebuild", is_flag=True, help="Leave the search index alone (rebuild it later).")
def restore_command(path: Path, force: bool, no_search_rebuild: bool) -> None:
    """Restore the backup at PATH into this database (fresh and migrated to the backup's revision)."""
    try:
        report = restore_backup(path, force=force)
    except BackupError as error:
        raise click.ClickException(f"{error} Nothing was restored.") from error
    click.echo(
        f"Restored {report.tables} tables ({report.rows} rows) and {report.files} uploaded files "
        f"at schema revision {report.revision} from {path}"
    )
    if no_search_rebuild:
        click.echo("Run `flask search rebuild` to index the restored data.")
        return
    from marketplace.search.index import maintenance

    search = maintenance.rebuild(current_app._get_current_object())
    click.echo(f"Rebuilt the search index: {search.documents} documents")
