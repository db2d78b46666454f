"""``flask search rebuild | check | process-queue | follow | send-alerts``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from marketplace.search.index import maintenance
from marketplace.search.index.sync import catch_up, follower_name

search_cli = AppGroup("search", help="Maintain the search index.")
SHOW = 20


@search_cli.command("rebuild")
def rebuild_command() -> None:
    """Build a new index from the database and swap it in atomically."""
    app = current_app._get_current_object()
    report = maintenance.rebuild(app)
    engine = app.config.get("SEARCH_ENGINE", "whoosh")
    click.echo(
        f"Rebuilt the {engine} index: {report.documents} documents in {report.seconds:.2f} s ({report.rate:.0f} docs/s)"
    )


@search_cli.command("check")
def check_command() -> None:
    """Report documents missing, stale or extra in this host's index versus the database (exit 1 if any)."""
    app = current_app._get_current_object()
    report = maintenance.check(app)
    click.echo(f"Index {follower_name(app)}")
    click.echo(f"Database: {report.expected} documents; index: {report.indexed} documents")
    click.echo(f"Change feed: applied through change {report.applied_through} of {report.latest_change}")
    for label, ids in (("Missing", report.missing), ("Stale", report.stale), ("Extra", report.extra)):
        suffix = f" (first {SHOW})" if len(ids) > SHOW else ""
        click.echo(f"{label}: {len(ids)}" + (f"{suffix}: {', '.join(ids[:SHOW])}" if ids else ""))
    if report.queued:
        click.echo(f"Changed documents not yet applied: {len(report.queued)}")
    if not report.is_clean:
        click.echo("Run `flask search rebuild` (or `flask search process-queue`) to repair the index.")
        raise SystemExit(1)
    click.echo("The index matches the database.")


@search_cli.command("process-queue")
def process_queue_command() -> None:
    """Apply every change in the feed that this host's index has not applied yet."""
    report = catch_up(current_app._get_current_object(), timeout=None)
    if report is None:
        click.echo("Could not apply the change feed (no index yet, or see the log): run `flask search rebuild`")
        raise SystemExit(1)
    click.echo(f"Applied {report.changes} changes ({report.documents} documents); at change {report.position}")


@search_cli.command("follow")
@click.option("--interval", type=float, default=None, help="Seconds between looks at the feed (default 0.25).")
def follow_command(interval: float | None) -> None:
    """Apply the change feed to this host's index as it grows, until stopped (the app does this itself too)."""
    from marketplace.search.index.follower import Follower

    follower = Follower(current_app._get_current_object(), interval=interval)
    click.echo(f"Following the change feed into {follower_name(follower.app)} (Ctrl-C stops)")
    try:
        follower.run()
    except KeyboardInterrupt:
        follower.stopped.set()


@search_cli.command("send-alerts")
def send_alerts_command() -> None:
    """Email owners of saved searches with alerts on about providers that newly match."""
    from marketplace.search.saved import send_alerts

    searches, emails = send_alerts()
    click.echo(f"Ran {searches} saved searches with alerts on; queued {emails} emails")
