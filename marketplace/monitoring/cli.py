"""``flask monitoring send-reminders``: remind providers of returns due soon and flag overdue ones (run daily)."""

from __future__ import annotations

from datetime import date

import click

from marketplace.monitoring import bp
from marketplace.monitoring.returns import send_reminders


@bp.cli.command("send-reminders")
@click.option("--on", "on", default="", help="Act as if today were this date (YYYY-MM-DD), for catching up.")
def send_reminders_command(on: str) -> None:
    """Send each due-soon and overdue reminder once."""
    day = date.fromisoformat(on) if on else None
    sent = send_reminders(on=day)
    click.echo(f"Sent {sent} reminder{'s' if sent != 1 else ''}")
