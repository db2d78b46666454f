"""The load test in short mode (10 users for 8 s): no server errors, and every confirmed write is kept.

The full run (50 users for 60 s, with the search p95 target) is ``make load``; this machine is shared, so the
short mode checks correctness under concurrency and leaves latency targets to the full run.
"""

from __future__ import annotations

import json
import subprocess
import sys

from scripts.load_test import REPO

# These tests build and serve their own SQLite site; the PostgreSQL run of the suite would only repeat them.


def test_a_short_load_run_has_no_server_errors_and_loses_no_confirmed_write(tmp_path):
    report = tmp_path / "load.json"
    command = [sys.executable, "scripts/load_test.py", "--users", "10", "--duration", "8", "--warmup", "2"]
    command += ["--organisations", "60", "--search-p95-ms", "0", "--json", str(report)]

    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=400)

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = json.loads(report.read_text())
    assert summary["server_errors"] == 0
    assert summary["problems"] == []
    assert {"search", "profile_view", "profile_edit_save"} <= set(summary["actions"])
    assert summary["confirmed"]["edits"] > 0
    assert "p95 ms" in run.stdout and "PASSED" in run.stdout
