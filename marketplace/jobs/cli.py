"""``flask jobs run-due | run | status``: the scheduler.

Chosen: ``flask jobs run-due`` started every minute by a systemd timer on every app host (docs/deployment.md).
Why a timer and not a long-running loop: each run is a fresh process (no leaked memory or stale connections, new
code and settings after a deploy with no restart), systemd logs and restarts it, ``Persistent=true`` catches up
after downtime, and the leases make it safe to start on every host. ``flask jobs run`` is the same as a loop, for
a host with no systemd (a container).
"""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from marketplace.jobs.registry import JOBS
from marketplace.jobs.services import job_health, run_due

jobs_cli = AppGroup("jobs", help="Run scheduled work.")


def _run_once(only: str | None, force: bool) -> bool:
    try:
        results = run_due(current_app._get_current_object(), only=only, force=force)
    except KeyError:
        raise click.BadParameter(f"no job called {only}; see `flask jobs status`") from None
    for result in results:
        if result.ran:
            click.echo(f"{result.name}: {'ok' if result.ok else 'FAILED'}: {result.summary}")
    return all(result.ok for result in results)


@jobs_cli.command("run-due")
@click.option("--job", "only", default=None, help="Run only this job.")
@click.option("--force", is_flag=True, help="Run even if not due yet (never while another runner holds it).")
def run_due_command(only: str | None, force: bool) -> None:
    """Run every job that is due, each on one host only (exit 1 if any failed)."""
    if not _run_once(only, force):
        raise SystemExit(1)


@jobs_cli.command("run")
@click.option("--interval", type=float, default=60.0, help="Seconds between rounds.")
def run_command(interval: float) -> None:
    """Run due jobs every INTERVAL seconds until stopped (for hosts without systemd timers)."""
    while True:
        _run_once(None, False)
        time.sleep(interval)


@jobs_cli.command("status")
def status_command() -> None:
    """Each job's schedule, last success and last error; overdue ones marked."""
    app = current_app._get_current_object()
    health = {row.name.split("@")[0]: row for row in job_health(app) or []}
    for job in JOBS:
        row = health.get(job.name)
        success = row.last_success_at.isoformat(timespec="seconds") if row and row.last_success_at else "never"
        error = row.last_error_at.isoformat(timespec="seconds") if row and row.last_error_at else "none"
        flag = " OVERDUE" if row is None or row.overdue else ""
        click.echo(f"{job.name:<30} every {job.every}  last success {success}  last error {error}{flag}")
