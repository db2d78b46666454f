"""``flask verification sweep``: verifications whose policy review date has passed lapse (run it daily).

``flask kitemark import-register`` (see :mod:`marketplace.verification.register`) is defined here, in the
``flask kitemark`` group, because its rows may need the verification room's services too.
"""

from __future__ import annotations

from pathlib import Path

import click

from marketplace.core.clock import today
from marketplace.kitemark import bp as kitemark_bp
from marketplace.verification import bp, register, services

bp.cli.short_help = "Safeguarding verification jobs."


@bp.cli.command("sweep")
def sweep_command() -> None:
    """Lapse verifications past their policy's review date and tell the providers."""
    lapsed = services.lapse_past_review_date(today())
    click.echo(f"{len(lapsed)} verification(s) lapsed: policy review date passed")


@kitemark_bp.cli.command("import-register")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--assessor", "assessor_email", required=True, help="Email of the assessor recording the decisions.")
@click.option("--dry-run", is_flag=True, help="Check every row and report, saving nothing.")
def import_register_command(path: Path, assessor_email: str, dry_run: bool) -> None:
    """Load an existing register of kitemarks and safeguarding verifications as an assessor's decisions.

    PATH is a CSV file (with a header row) or a JSON file (a list of records) with the columns:
    organisation_ref, scheme (kitemark or safeguarding), decision_date (YYYY-MM-DD), expires_on (needed for
    kitemark), safeguarding_verified_on (optional). Each accepted row goes through the assessors' own steps and
    is audited as the assessor's decision; refused rows are listed with their row number and the reason.
    Loading the same file again records nothing twice.
    """
    try:
        report = register.import_register(path, assessor_email=assessor_email, dry_run=dry_run)
    except register.RegisterError as error:
        raise click.ClickException(str(error)) from error
    for line in report.lines():
        click.echo(line)
