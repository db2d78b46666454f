#!/usr/bin/env python3
"""Import benchmark: ``flask directory import`` rates on a fresh SQLite site, with the search index live.

    .venv/bin/python bench/import_bench.py --count 5000 --engine tantivy
    .venv/bin/python bench/import_bench.py --count 5000 --engine whoosh
    .venv/bin/python bench/import_bench.py --count 50000 --engine tantivy
    .venv/bin/python bench/import_bench.py --count 5000 --engine none     # no index (changes only queued)
    .venv/bin/python bench/import_bench.py --count 2000 --profile /tmp/import.prof

Each run builds a fresh site in ``/tmp/importfast-<engine>-<count>`` (migrations and reference data, then an empty
live index as ``flask search rebuild`` leaves it), writes a generated file (``scripts/generate_directory.py``, in a
separate process so the file's making is not counted), imports it, imports it again unchanged, and checks the index
against the database (``flask search check``). It prints organisations per second, the process's CPU time and peak
memory (``ru_maxrss``) after each step, and the load average: the machine is shared, so wall-clock rates move with
everyone else's work.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _file(count: int, seed: int) -> Path:
    path = Path(f"/tmp/importfast-directory-{count}-{seed}.json")
    if not path.exists():
        with path.open("w", encoding="utf-8") as out:
            subprocess.run(
                [
                    sys.executable,
                    str(REPO / "scripts/generate_directory.py"),
                    "--count",
                    str(count),
                    "--seed",
                    str(seed),
                ],
                stdout=out,
                check=True,
            )
    return path


def _timed(label: str, count: int, run) -> object:
    started, cpu = time.perf_counter(), _cpu()
    result = run()
    seconds, used = time.perf_counter() - started, _cpu() - cpu
    print(
        f"{label}: {count / seconds:,.0f} organisations/s ({seconds:.1f} s wall, {used:.1f} s CPU); "
        f"peak RSS {_peak_mb():.0f} MB; load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", choices=("tantivy", "whoosh", "none"), default="tantivy")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the first import here")
    parser.add_argument("--no-check", action="store_true", help="skip the index check (slow at 50,000)")
    args = parser.parse_args(argv)
    path = _file(args.count, args.seed)
    folder = Path(f"/tmp/importfast-{args.engine}-{args.count}")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.directory.importer import import_file
    from marketplace.extensions import db
    from marketplace.reference.services import load_all
    from marketplace.search.engines.engine import engine_for
    from marketplace.search.index.maintenance import check
    from marketplace.search.index.sync import init_search_sync

    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'site.db'}",
        "SEARCH_INDEX_DIR": str(folder / "search_index"),
        "UPLOAD_DIR": str(folder / "uploads"),
        "SEARCH_ENGINE": "whoosh" if args.engine == "none" else args.engine,
        "SEARCH_SYNC": True,
    }
    app = create_app("development", **settings)
    with app.app_context():
        upgrade()
        load_all()
        db.session.commit()
        init_search_sync(app)
        if args.engine != "none":
            engine_for(app).clear()
        print(
            f"{args.count:,} organisations, engine {args.engine}, file {path.stat().st_size / 1e6:.0f} MB; "
            f"start RSS {_peak_mb():.0f} MB",
            flush=True,
        )
        profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU: the machine is shared
        if profiler:
            profiler.enable()
        report = _timed("first import", args.count, lambda: import_file(path))
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        print("  " + "; ".join(report.summary_lines()))
        report = _timed("unchanged re-import", args.count, lambda: import_file(path))
        print("  " + "; ".join(report.summary_lines()))
        if not args.no_check:
            result = _timed("index check", args.count, lambda: check(app))
            print(
                f"  indexed {result.indexed} of {result.expected}; missing {len(result.missing)}, stale "
                f"{len(result.stale)}, extra {len(result.extra)}, queued {len(result.queued)}"
            )
        db.session.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
