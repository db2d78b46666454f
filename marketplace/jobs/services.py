"""Run the jobs that are due, each under a database lease, and report their health.

Why a lease row per job and not a lock held by a connection: the same statements work on SQLite and PostgreSQL, a
lease outlives no crash (it expires), and the row doubles as the job's record (last success, last error). Taking
the lease is one conditional ``UPDATE`` that also checks the job is due and stamps its start, so of any number of
runners on any number of hosts exactly one runs each due job, and a runner arriving just after another finished
finds it no longer due. The bookkeeping uses its own session, so a job's own commits and rollbacks never touch it.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.jobs.models import ScheduledJob
from marketplace.jobs.registry import JOBS, Job

logger = logging.getLogger(__name__)

MAX_ERROR = 500


@dataclass
class JobResult:
    name: str
    ran: bool  # False: not due, or another runner holds it
    ok: bool = True
    summary: str = ""


def host_name(app: Flask) -> str:
    return str(app.config.get("SEARCH_FOLLOWER_NAME") or socket.gethostname())[:100]


def runner_id(app: Flask) -> str:
    """Who holds a lease: host, process and a random part (two runners in one process are two holders)."""
    return f"{host_name(app)}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def row_name(job: Job, app: Flask) -> str:
    return f"{job.name}@{host_name(app)}" if job.per_host else job.name


def _ensure_row(session: Session, name: str) -> None:
    if session.get(ScheduledJob, name) is not None:
        return
    try:
        session.add(ScheduledJob(name=name))
        session.commit()
    except IntegrityError:  # another runner created it first
        session.rollback()


def take_lease(session: Session, job: Job, name: str, holder: str, *, force: bool = False) -> bool:
    """Atomically claim ``name`` if it is due (or ``force``) and nobody holds an unexpired lease on it."""
    _ensure_row(session, name)
    now = utcnow()
    conditions = [ScheduledJob.name == name]
    conditions.append(or_(ScheduledJob.lease_expires_at.is_(None), ScheduledJob.lease_expires_at < now))
    if not force:
        conditions.append(or_(ScheduledJob.last_started_at.is_(None), ScheduledJob.last_started_at <= now - job.every))
    claimed = session.execute(
        update(ScheduledJob)
        .where(*conditions)
        .values(lease_holder=holder, lease_expires_at=now + job.lease, last_started_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return claimed.rowcount == 1


def _finish(session: Session, name: str, holder: str, error: str | None) -> None:
    now = utcnow()
    values: dict = {"lease_holder": None, "lease_expires_at": None, "runs": ScheduledJob.runs + 1}
    values.update({"last_success_at": now} if error is None else {"last_error_at": now, "last_error": error})
    values["last_host"] = holder.rsplit(":", 2)[0]
    session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.name == name, ScheduledJob.lease_holder == holder)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def run_job(app: Flask, job: Job, *, holder: str, force: bool = False) -> JobResult:
    """Run ``job`` if this runner wins its lease; record the outcome either way it ends."""
    name = row_name(job, app)
    with Session(db.engine) as bookkeeping:
        if not take_lease(bookkeeping, job, name, holder, force=force):
            return JobResult(name, ran=False)
        try:
            summary = job.run(app)
        except Exception as error:  # the job failed: record it, keep the scheduler going
            db.session.rollback()
            logger.exception("Scheduled job %s failed", name)
            _finish(bookkeeping, name, holder, f"{type(error).__name__}: {error}"[:MAX_ERROR])
            return JobResult(name, ran=True, ok=False, summary=type(error).__name__)
        _finish(bookkeeping, name, holder, None)
    logger.info("Scheduled job %s: %s", name, summary)
    return JobResult(name, ran=True, summary=summary)


def run_due(app: Flask, *, only: str | None = None, force: bool = False) -> list[JobResult]:
    """Run every due job (or just ``only``), one after another; returns what each did."""
    holder = runner_id(app)
    jobs = [job for job in JOBS if only is None or job.name == only]
    if only is not None and not jobs:
        raise KeyError(only)
    return [run_job(app, job, holder=holder, force=force) for job in jobs]


@dataclass
class JobHealth:
    name: str
    last_success_at: datetime | None
    last_error_at: datetime | None
    overdue: bool


def job_health(app: Flask, *, session: Session | None = None) -> list[JobHealth] | None:
    """Each job's last success and whether it is overdue; None if no scheduler has ever run on this database."""
    session = session or db.session
    rows = {row.name: row for row in session.scalars(select(ScheduledJob))}
    if not rows:
        return None
    now = utcnow()
    report = []
    for job in JOBS:
        row = rows.get(row_name(job, app))
        success = row.last_success_at if row is not None else None
        failed = row.last_error_at if row is not None else None
        overdue = success is None or success < now - job.overdue_after
        report.append(JobHealth(row_name(job, app), success, failed, overdue))
    return report
