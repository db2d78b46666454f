"""``flask demo load``: realistic organisations, bodies and users for trying the product."""

import click
from flask import current_app

from marketplace.demo import bp
from marketplace.demo.services import load_demo
from marketplace.search.engines.engine import engine_for
from marketplace.search.index.maintenance import rebuild

bp.cli.short_help = "Demo data commands."

HIGHLIGHTED = {
    "provider@derby-museums.example.org",
    "member@derby-museums.example.org",
    "provider@nottingham-museums.example.org",
    "commissioner@derby.example.org",
    "pending@leicester.example.org",
    "assessor@artscouncil.example.org",
    "admin@marketplace.example.org",
}


@bp.cli.command("load")
@click.option("--all-logins", is_flag=True, help="Print every demo login, not just one per role.")
def load_command(all_logins: bool) -> None:
    """Create or refresh the demo data. Safe to run repeatedly."""
    password = current_app.config["DEMO_PASSWORD"]
    _ensure_search_index()
    # The demo's own steps (verification requests, decisions, kitemark awards) email the demo accounts: keep those
    # emails in the outbox instead of printing dozens of them while `make run` starts.
    dispatch = current_app.config.get("MAIL_DISPATCH_ON_QUEUE")
    current_app.config["MAIL_DISPATCH_ON_QUEUE"] = False
    try:
        report = load_demo(password)
    finally:
        current_app.config["MAIL_DISPATCH_ON_QUEUE"] = dispatch
    click.echo(
        f"Demo data: {report.organisations} organisations, {report.bodies} commissioning bodies, "
        f"{report.users_created} new users."
    )
    for rejection in report.rejected:
        click.echo(f"Rejected {rejection}", err=True)
    click.echo(f"Demo needs: {report.needs}.")
    for ref, reasons in report.needs_rejected:
        click.echo(f"Rejected need {ref}: {'; '.join(reasons)}", err=True)
    click.echo(f"Demo logins (password for all: {password}):")
    for role, email, membership in report.logins:
        if all_logins or email in HIGHLIGHTED:
            click.echo(f"  {role:<13} {email:<45} {membership}")
    click.echo(
        "Assessors and admins also enter a code from an authenticator app set up with the key "
        f"{current_app.config['DEMO_TOTP_SECRET']} (two-factor sign-in)."
    )


def _ensure_search_index() -> None:
    """Build the search index first when there is none (a fresh clone), so the demo's writes are indexed as they
    commit; otherwise each commit would find no index, queue its documents and log a warning that is no problem."""
    if not current_app.config.get("SEARCH_SYNC", True):
        return
    engine = engine_for(current_app)
    if engine.live_directory() is None:
        rebuild(current_app)
