"""The scheduler: due jobs run once, on one runner only, their outcome recorded and reported by ``/health``."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from marketplace import create_app
from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.jobs import services
from marketplace.jobs.cli import jobs_cli
from marketplace.jobs.models import ScheduledJob
from marketplace.jobs.registry import JOBS, Job
from marketplace.search.index.maintenance import rebuild


@pytest.fixture
def counted(monkeypatch):
    """Two fake jobs in place of the real ones: a slow one that counts its runs, and one that fails."""
    runs: list[str] = []

    def slow(app) -> str:
        runs.append(threading.current_thread().name)
        time.sleep(0.5)
        return "done"

    def broken(app) -> str:
        raise RuntimeError("SMTP server refused the connection")

    jobs = (Job("test.slow", timedelta(hours=1), slow), Job("test.broken", timedelta(hours=1), broken))
    monkeypatch.setattr(services, "JOBS", jobs)
    return runs


def test_every_real_job_runs_once_and_records_its_success(app):
    results = services.run_due(app)

    assert [(result.name, result.ran, result.ok) for result in results] == [
        (services.row_name(job, app), True, True) for job in JOBS
    ]
    assert all(row.last_success_at is not None for row in db.session.scalars(db.select(ScheduledJob)))
    assert not any(result.ran for result in services.run_due(app))  # nothing is due again straight away


def test_the_search_catch_up_job_runs_on_every_host_under_its_own_name(app):
    app.config["SEARCH_FOLLOWER_NAME"] = "host-a"
    services.run_due(app, only="search.catch_up")
    app.config["SEARCH_FOLLOWER_NAME"] = "host-b"
    services.run_due(app, only="search.catch_up")

    names = set(db.session.scalars(db.select(ScheduledJob.name)))
    assert names == {"search.catch_up@host-a", "search.catch_up@host-b"}


@pytest.mark.parametrize("force", [False, True], ids=["due", "forced: the lease alone decides"])
def test_two_concurrent_runners_on_two_hosts_run_a_job_once(app, counted, database_url, tmp_path, force):
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, UPLOAD_DIR=str(tmp_path / "u"))
    start = threading.Barrier(2)
    results: dict[str, list] = {}

    def runner(host, name: str) -> None:
        with host.app_context():
            start.wait()
            results[name] = services.run_due(host, only="test.slow", force=force)
            db.session.remove()

    threads = [
        threading.Thread(target=runner, args=(host, name), name=name) for host, name in ((app, "a"), (other, "b"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with other.app_context():
        db.engine.dispose()

    assert len(counted) == 1
    assert sorted(result.ran for outcome in results.values() for result in outcome) == [False, True]
    row = db.session.get(ScheduledJob, "test.slow")
    db.session.refresh(row)
    assert row.runs == 1 and row.lease_holder is None and row.last_success_at is not None


def test_a_failing_job_records_its_error_and_the_others_still_run(app, counted):
    results = {result.name: result for result in services.run_due(app)}

    assert results["test.slow"].ok and not results["test.broken"].ok
    row = db.session.get(ScheduledJob, "test.broken")
    assert row.last_success_at is None and row.last_error_at is not None
    assert row.last_error == "RuntimeError: SMTP server refused the connection"


def test_a_crashed_runner_s_lease_expires_and_another_takes_the_job(app, counted):
    db.session.add(
        ScheduledJob(name="test.slow", lease_holder="dead-host:1:x", lease_expires_at=utcnow() + timedelta(minutes=5))
    )
    db.session.commit()
    assert not services.run_due(app, only="test.slow")[0].ran

    db.session.get(ScheduledJob, "test.slow").lease_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert services.run_due(app, only="test.slow")[0].ran and len(counted) == 1


def test_health_has_no_jobs_section_until_a_scheduler_has_run(app, client):
    assert "jobs" not in client.get("/health").get_json()


def test_health_reports_each_job_s_last_success_and_flags_an_overdue_one(app, client, counted):
    rebuild(app)  # a healthy host otherwise
    services.run_due(app)
    slow = db.session.get(ScheduledJob, "test.slow")

    body = client.get("/health").get_json()

    assert body["jobs"]["status"] == "overdue" and body["jobs"]["overdue"] == ["test.broken"]
    assert body["jobs"]["last_success"] == {
        "test.slow": slow.last_success_at.isoformat(timespec="seconds") + "Z",
        "test.broken": None,
    }

    slow.last_success_at = utcnow() - timedelta(hours=4)  # every hour, so overdue after 3 hours
    db.session.commit()
    body = client.get("/health")
    assert body.status_code == 200 and body.get_json()["jobs"]["overdue"] == ["test.slow", "test.broken"]


def test_run_due_command_prints_each_job_and_fails_when_one_failed(app, counted):
    result = app.test_cli_runner().invoke(jobs_cli, ["run-due"])

    assert result.exit_code == 1
    assert "test.slow: ok: done" in result.output and "test.broken: FAILED: RuntimeError" in result.output


def test_run_due_refuses_an_unknown_job(app):
    result = app.test_cli_runner().invoke(jobs_cli, ["run-due", "--job", "no.such.job"])

    assert result.exit_code == 2 and "no job called no.such.job" in result.output


def test_jobs_status_lists_every_job_with_its_last_success_and_marks_overdue_ones(app):
    services.run_due(app)
    sweep = db.session.get(ScheduledJob, "kitemark.sweep")
    sweep.last_success_at = utcnow() - timedelta(days=3)  # daily: overdue after two days and an hour
    db.session.commit()

    result = app.test_cli_runner().invoke(jobs_cli, ["status"])

    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert set(lines) == {job.name for job in JOBS}
    assert [name for name, line in lines.items() if line.endswith("OVERDUE")] == ["kitemark.sweep"]
    assert "last success never" not in result.output
