"""``flask verification sweep``: verifications whose policy review date has passed lapse (run it daily)."""

from __future__ import annotations

import click

from marketplace.core.clock import today
from marketplace.verification import bp, services

bp.cli.short_help = "Safeguarding verification jobs."


@bp.cli.command("sweep")
def sweep_command() -> None:
    """Lapse verifications past their policy's review date and tell the providers."""
    lapsed = services.lapse_past_review_date(today())
    click.echo(f"{len(lapsed)} verification(s) lapsed: policy review date passed")
