"""Open-data API paging benchmark: 20-item pages at ~50,000 organisations, through gunicorn on a loopback port.

    .venv/bin/python bench/api_bench.py                             # 1,000 generated, copied x50, 2 workers
    .venv/bin/python bench/api_bench.py --base 5000 --copies 10     # 5,000 generated, copied tenfold
    .venv/bin/python bench/api_bench.py --site /tmp/api-bench       # keep the built database for the next run

Why copies: generating and importing 50,000 organisations through the importer takes the best part of an hour on
a shared 2-core machine, while paging only cares about row counts and row sizes. So the script migrates a fresh
SQLite database (``flask db upgrade``: every index the migrations make, as in production), imports a
deterministic ``scripts/generate_directory.py`` set once, then bulk-copies its organisation and offer rows in
SQL (new ids and refs, same text) until there are ``base * copies`` organisations. The copies carry no link rows
(terms, localities): list pages do not load them. The database is kept in ``--site`` and reused when its size
matches.

It then starts gunicorn, warms up, and runs interleaved rounds over the first, middle and last pages of
``/services`` and ``/organizations`` (20 items each), printing p50/p95 and the body size per page. No test
asserts on time: the machine is shared, so the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts import load_test  # noqa: E402

WARM_UP_ROUNDS = 3
TARGET_MS = 60


def build(site: load_test.Site, base: int, copies: int) -> None:
    """Migrate, load reference data, import ``base`` generated organisations, then copy them ``copies - 1`` times."""
    import logging

    from flask_migrate import upgrade

    from marketplace.directory.importer import import_directory
    from marketplace.extensions import db
    from marketplace.reference.services import load_all
    from scripts.generate_directory import generate

    site.folder.mkdir(parents=True, exist_ok=True)
    logging.disable(logging.CRITICAL)
    app = site.app(SEARCH_SYNC=False)
    with app.app_context():
        upgrade()
        load_all()
        data = generate(base, 18)
        for start in range(0, base, 500):
            import_directory({"organisations": data["organisations"][start : start + 500], "consortia": []})
            print(f"  imported {start + 500:,} of {base:,}", flush=True)
        db.session.remove()
        db.engine.dispose()
    logging.disable(logging.NOTSET)
    _copy_rows(site.database, copies)


def _index(site: load_test.Site) -> None:
    """Build the search index once: gunicorn's health check (the readiness the server waits for) opens it."""
    if (site.folder / "search_index").exists():
        return
    from marketplace.search.index.maintenance import rebuild

    app = site.app(SEARCH_SYNC=False)
    with app.app_context():
        rebuild(app)


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def _copy_rows(database: Path, copies: int) -> None:
    """Copy every organisation (and its offers) ``copies - 1`` times with shifted ids and suffixed refs."""
    connection = sqlite3.connect(database)
    with connection:
        top_organisation = connection.execute("SELECT max(id) FROM organisation").fetchone()[0]
        top_offer = connection.execute("SELECT max(id) FROM offer").fetchone()[0]
        for copy in range(1, copies):
            moved = {"organisation_id": f"organisation_id + {top_organisation * copy}"}
            _copy_table(connection, "organisation", top_organisation, copy, {})
            _copy_table(connection, "offer", top_offer, copy, moved)
    connection.execute("ANALYZE")
    connection.close()


def _copy_table(connection: sqlite3.Connection, table: str, top: int, copy: int, overrides: dict[str, str]) -> None:
    """Copy the generated rows (ids up to ``top``) as copy number ``copy``."""
    shift = top * copy
    columns = _columns(connection, table)
    chosen = {"id": f"id + {shift}", "ref": f"ref || '-c{shift}'", **overrides}
    selected = ", ".join(chosen.get(column, column) for column in columns)
    names = ", ".join(columns)
    connection.execute(f"INSERT INTO {table} ({names}) SELECT {selected} FROM {table} WHERE id <= ?", (top,))


def counts(database: Path) -> tuple[int, int, int]:
    connection = sqlite3.connect(database)
    organisations = connection.execute("SELECT count(*) FROM organisation").fetchone()[0]
    published = connection.execute("SELECT count(*) FROM organisation WHERE status = 'published'").fetchone()[0]
    offers = connection.execute("SELECT count(*) FROM offer").fetchone()[0]
    connection.close()
    return organisations, published, offers


def pages(base_url: str) -> dict[str, str]:
    """First, middle and last 20-item pages of /services and /organizations (from each list's total_pages)."""
    found = {}
    for path in ("/api/v1/services", "/api/v1/organizations"):
        last = requests.get(f"{base_url}{path}", timeout=60).json()["total_pages"]
        name = path.rsplit("/", 1)[1]
        found[f"{name} first"] = path
        found[f"{name} middle"] = f"{path}?page={max(1, last // 2)}"
        found[f"{name} last"] = f"{path}?page={last}"
    return found


def run_rounds(base_url: str, urls: dict[str, str], rounds: int) -> dict[str, tuple[list[float], int]]:
    session = requests.Session()
    times: dict[str, list[float]] = {label: [] for label in urls}
    sizes: dict[str, int] = {}
    order = list(urls)
    generator = random.Random(18)
    for number in range(WARM_UP_ROUNDS + rounds):
        generator.shuffle(order)  # every round in a new order, so machine drift hits every page alike
        for label in order:
            started = time.perf_counter()
            response = session.get(base_url + urls[label], timeout=60)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200 or not response.json()["contents"]:
                raise RuntimeError(f"{urls[label]} answered {response.status_code} or an empty page")
            sizes[label] = len(response.content)
            if number >= WARM_UP_ROUNDS:
                times[label].append(elapsed)
    return {label: (times[label], sizes[label]) for label in urls}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=int, default=1000, help="organisations generated and imported")
    parser.add_argument("--copies", type=int, default=50, help="how many times the set appears in the database")
    parser.add_argument("--site", type=Path, default=Path("/tmp/api-bench"), help="folder of the kept database")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    site = load_test.Site(args.site.resolve(), secret_key="api-bench")
    marker = site.folder / f"built-{args.base}x{args.copies}"
    if not marker.exists():
        if site.database.exists():
            site.database.unlink()
        print(f"building {args.base:,} x {args.copies} organisations in {site.folder} ...", flush=True)
        build(site, args.base, args.copies)
        marker.touch()
    _index(site)
    organisations, published, offers = counts(site.database)
    print(f"{organisations:,} organisations ({published:,} published), {offers:,} offers; load {os.getloadavg()}")
    with load_test.GunicornServer(site, workers=args.workers, GUNICORN_ACCESS_LOG="") as server:
        urls = pages(server.url)
        results = run_rounds(server.url, urls, args.rounds)
    print(f"{'page':22s} {'p50 ms':>8s} {'p95 ms':>8s} {'KB':>7s}  url")
    for label, (times, size) in results.items():
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        flag = "" if p95 <= TARGET_MS else f"  (over {TARGET_MS} ms)"
        print(f"{label:22s} {p50:8.1f} {p95:8.1f} {size / 1024:7.1f}  {urls[label]}{flag}")
    print(f"load at the end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
