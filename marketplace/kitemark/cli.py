"""``flask kitemark sweep``: lapse expired kitemarks and those whose safeguarding policy is out of date, and
send renewal reminders 60 and 30 days ahead. Run it daily; running it twice in a day changes nothing."""

from __future__ import annotations

from datetime import date

import click

from marketplace.core.clock import today
from marketplace.kitemark import bp
from marketplace.kitemark.lifecycle import sweep

bp.cli.short_help = "Kitemark lifecycle commands."


@bp.cli.command("sweep")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Run as of this day (YYYY-MM-DD).")
def sweep_command(on: object) -> None:
    """Lapse kitemarks past expiry or with an out-of-date safeguarding policy; send renewal reminders."""
    day: date = on.date() if on is not None else today()  # type: ignore[attr-defined]
    report = sweep(day)
    for line in report.lines():
        click.echo(line)
    for name in report.expired + report.safeguarding:
        click.echo(f"  lapsed: {name}")
