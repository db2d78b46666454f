"""``flask search rebuild | check | process-queue``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from marketplace.search import maintenance, pending
from marketplace.search.sync import process_queue

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
    """Report documents missing, stale or extra in the index versus the database (exit 1 if any)."""
    report = maintenance.check(current_app._get_current_object())
    click.echo(f"Database: {report.expected} documents; index: {report.indexed} documents")
    for label, ids in (("Missing", report.missing), ("Stale", report.stale), ("Extra", report.extra)):
        suffix = f" (first {SHOW})" if len(ids) > SHOW else ""
        click.echo(f"{label}: {len(ids)}" + (f"{suffix}: {', '.join(ids[:SHOW])}" if ids else ""))
    if report.queued:
        click.echo(f"Queued for retry: {len(report.queued)}")
    if not report.is_clean:
        click.echo("Run `flask search rebuild` (or `flask search process-queue`) to repair the index.")
        raise SystemExit(1)
    click.echo("The index matches the database.")


@search_cli.command("process-queue")
def process_queue_command() -> None:
    """Write the documents whose index update failed earlier."""
    app = current_app._get_current_object()
    done = process_queue(app)
    left = len(pending.peek(app.config["SEARCH_INDEX_DIR"]))
    click.echo(f"Processed {done} queued documents; {left} still queued")
    if left:
        raise SystemExit(1)


@search_cli.command("send-alerts")
def send_alerts_command() -> None:
    """Email owners of saved searches with alerts on about providers that newly match."""
    from marketplace.search.saved import send_alerts

    searches, emails = send_alerts()
    click.echo(f"Ran {searches} saved searches with alerts on; queued {emails} emails")
