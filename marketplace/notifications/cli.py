"""``flask notifications send``: deliver the outbox, retrying earlier failures that are due."""

import click

from marketplace.notifications import bp
from marketplace.notifications.services import send_due_emails

bp.cli.short_help = "Email outbox commands."


@bp.cli.command("send")
@click.option("--all", "include_not_due", is_flag=True, help="Also retry emails whose back-off has not passed.")
def send_command(include_not_due: bool) -> None:
    """Send queued emails."""
    sent, failed = send_due_emails(limit=10_000, include_not_due=include_not_due)
    click.echo(f"Sent {sent} email(s); {failed} failed and stay queued for retry.")
