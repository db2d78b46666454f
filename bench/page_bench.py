"""Page-level benchmark: what users meet, through gunicorn (4 workers) on a loopback port.

    .venv/bin/python bench/page_bench.py                          # 5,000 organisations, Whoosh
    .venv/bin/python bench/page_bench.py --large                  # 50,000 organisations, tantivy (slow to build)
    .venv/bin/python bench/page_bench.py --rounds 40 --site /tmp/bench-5k   # keep the built site for the next run
    .venv/bin/python bench/page_bench.py --code /tmp/main-copy    # serve another copy of the code (before/after)
    .venv/bin/python bench/page_bench.py --only search --rounds 40   # the search pages only: radius vs none

The site is built once per folder (``--site``) and reused: migrations, reference and demo data, a deterministic
directory from ``scripts/generate_directory.py`` imported with the index off (then rebuilt: that is how a large
import is done), accounts, and needs including broad regional ones. Each run rebuilds the index with the code
being served (``--code``), starts gunicorn, signs a commissioner in, warms up, then runs interleaved rounds:
every round requests each page once, in a new seeded order, so machine drift hits every page alike. It prints
p50/p95 per page, the index rebuild rate, the workers' memory (RSS), and the raw engine query for the first
search page on the same index in the same run, as the floor a page cannot beat.

The machine is shared: figures move with its load (the run prints the load average at the start and end).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts import load_test  # noqa: E402

NEEDS_BODY_COMMISSIONER = "load-commissioner-0@load.example.org"
BROAD_REGION = "North West"
WARM_UP_ROUNDS = 2


def _needs(body_ref: str, region_codes: list[str], narrow_code: str) -> list[dict]:
    """A narrow need (one authority, precise codes) and broad regional ones (every authority in a region)."""
    base = {
        "body": body_ref,
        "status": "open",
        "deadline": "2030-01-15",
        "contract_start": "2030-02-01",
        "contract_end": "2030-12-31",
        "budget_min_pence": 500000,
        "budget_max_pence": 5000000,
    }
    narrow = {
        **base,
        "ref": "bench-narrow",
        "title": "Creative mentoring for young people in care",
        "summary": "One-to-one creative mentoring with a museum or gallery.",
        "description": "Mentoring by an artist or curator for young people in care, working towards an Arts Award.",
        "level": "individual",
        "kind": "spot-purchase",
        "service_area": "children-in-care",
        "localities": [narrow_code],
        "target_groups": ["looked-after-children-and-care-leavers"],
        "age_min": 14,
        "age_max": 16,
        "outcomes": ["enjoy-and-achieve"],
    }
    broad = {
        **base,
        "ref": "bench-broad",
        "title": "Regional cultural offer for children and young people",
        "summary": "A region-wide programme of museums, libraries, music, drama and heritage for families.",
        "description": (
            "Museums, galleries, libraries, archives, theatres and music services across the region to offer "
            "workshops, holiday clubs, family days, storytelling, drama, dance and heritage trails for children "
            "and young people, in schools and in the community, building confidence and wellbeing."
        ),
        "level": "regional",
        "kind": "grant",
        "service_area": "positive-activities",
        "localities": region_codes,
        "outcomes": ["enjoy-and-achieve", "be-healthy", "make-a-positive-contribution"],
    }
    return [narrow, broad]


def build_site(folder: Path, organisations: int) -> dict:
    """Build the site once (kept in ``folder``); returns what the pages need (ids, codes, timings)."""
    facts_path = folder / "bench.json"
    if facts_path.exists():
        return json.loads(facts_path.read_text())
    import csv

    from sqlalchemy import func, select

    prepared_path = folder / "prepared.json"
    if not prepared_path.exists():  # the slow part, kept apart so a failure after it does not repeat it
        started = time.perf_counter()
        site = load_test.prepare_site(folder, organisations=organisations, providers=30, commissioners=2)
        prepared = {"import_seconds": round(time.perf_counter() - started, 1), "secret_key": site.secret_key}
        prepared_path.write_text(json.dumps(prepared))
    prepared = json.loads(prepared_path.read_text())
    site = load_test.Site(folder, secret_key=prepared["secret_key"])
    upgrade_schema(site)
    from marketplace.accounts.models import User
    from marketplace.commissioning.models import Need
    from marketplace.commissioning.needs.importer import import_needs
    from marketplace.directory.models import Organisation, OrganisationStatus
    from marketplace.extensions import db

    rows = list(csv.DictReader((REPO / "marketplace/reference/data/localities.csv").open(encoding="utf-8")))
    region = [row["ons_code"] for row in rows if row["region"] == BROAD_REGION]
    counties = [row["ons_code"] for row in rows if row["tier"] == "county"]
    app = site.app(SEARCH_SYNC=False)
    with app.app_context():
        commissioner = db.session.scalar(select(User).where(User.email == NEEDS_BODY_COMMISSIONER))
        body = commissioner.commissioning_body
        if not body.ref:
            body.ref = "bench-body"
            db.session.commit()
        existing = set(db.session.scalars(select(Need.ref)))
        wanted = [need for need in _needs(body.ref, region, region[0]) if need["ref"] not in existing]
        report = import_needs({"needs": wanted})
        if report.rejected:
            raise RuntimeError(f"bench needs rejected: {report.rejected}")
        refs = ("bench-narrow", "bench-broad")
        needs = {ref: db.session.scalar(select(Need.id).where(Need.ref == ref)) for ref in refs}
        postcodes = db.session.scalars(
            select(Organisation.postcode).where(Organisation.status == OrganisationStatus.PUBLISHED).limit(2000)
        )
        outcodes = [postcode.split()[0] for postcode in postcodes if postcode]
        outcode = max(sorted(set(outcodes)), key=outcodes.count)
        published = select(func.count()).where(Organisation.status == OrganisationStatus.PUBLISHED)
        facts = {
            "organisations": organisations,
            "published": db.session.scalar(published),
            "import_seconds": prepared["import_seconds"],
            "needs": needs,
            "outcode": outcode,
            "county": counties[0] if "E10000017" not in counties else "E10000017",  # Lancashire: 12 districts
            "profiles": list(
                db.session.scalars(
                    select(Organisation.id)
                    .where(Organisation.status == OrganisationStatus.PUBLISHED)
                    .order_by(Organisation.id)
                    .limit(50)
                )
            ),
            "secret_key": site.secret_key,
        }
    facts_path.write_text(json.dumps(facts))
    return facts


def pages(facts: dict) -> dict[str, str]:
    outcode = quote(facts["outcode"])
    filters = "outcome=enjoy-and-achieve&organisation_type=museum"
    return {
        "search, text + 2 filters": f"/search?q=museum&{filters}",
        "search, broad text + 2 filters": "/search?q=young+people&outcome=enjoy-and-achieve&age=12",
        "search, text": "/search?q=museum",
        "search, text near a postcode (25 km)": f"/search?q=museum&postcode={outcode}&km=25",
        "search, text near a postcode (500 km)": f"/search?q=museum&postcode={outcode}&km=500",
        "search, text by distance (50 km)": f"/search?q=museum&postcode={outcode}&km=50&sort=distance",
        "search, no text": "/search",
        "search near a postcode (25 km)": f"/search?postcode={outcode}&km=25",
        "search, text confirmed in the last 12 months": "/search?q=museum&confirmed=12",
        "matches, narrow need": f"/commissioner/needs/{facts['needs']['bench-narrow']}/matches",
        "matches, broad need": f"/commissioner/needs/{facts['needs']['bench-broad']}/matches",
        "area overview, a county": f"/commissioner/area?locality={facts['county']}",
        "API organisations, 100 a page": "/api/v1/organizations?per_page=100",
        "profile": "/organisations/{profile}",
    }


def upgrade_schema(site: load_test.Site) -> None:
    """``flask db upgrade`` with this checkout's migrations: a site built by an older stop lacks newer columns.
    The migrations are additive, so an older copy of the code (``--code``) still serves an upgraded site."""
    output = subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"], cwd=REPO, env=site.env(), capture_output=True, text=True
    )
    if output.returncode:
        raise RuntimeError(f"schema upgrade failed:\n{output.stdout}\n{output.stderr}")


def rebuild_index(site: load_test.Site, code: Path, engine: str) -> float:
    """``flask search rebuild`` with the code being measured; returns documents per second."""
    env = {**site.env(), "SEARCH_ENGINE": engine}
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-m", "flask", "search", "rebuild"], cwd=code, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if output.returncode:
        raise RuntimeError(f"rebuild failed:\n{output.stdout}\n{output.stderr}")
    numbers = [int(word) for word in output.stdout.replace(",", "").split() if word.isdigit()]
    return (max(numbers) if numbers else 0) / seconds


def signed_in_session(base_url: str) -> requests.Session:
    http = requests.Session()
    form = load_test.form_of(http.get(f"{base_url}/account/sign-in", timeout=30).text, "/account/sign-in")
    data = load_test.with_values(form.values, email=NEEDS_BODY_COMMISSIONER, password=load_test.PASSWORD)
    response = http.post(f"{base_url}/account/sign-in", data=data, allow_redirects=False, timeout=30)
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed: {response.status_code}")
    return http


def engine_floor(index) -> float:
    """Milliseconds of one raw engine search matching the first search page (text, 2 filters, all facets)."""
    from marketplace.search.engines.engine import FACET_FIELDS, SearchQuery

    query = SearchQuery(
        text="museum",
        filters={"outcome": {"enjoy-and-achieve"}, "organisation_type": {"museum"}},
        facets=FACET_FIELDS,
    )
    started = time.perf_counter()
    index.search(query)
    return (time.perf_counter() - started) * 1000


def rss_mb(pids: list[int]) -> list[float]:
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        kilobytes = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        sizes.append(kilobytes / 1024)
    return sizes


def run_rounds(
    base_url: str, facts: dict, rounds: int, site: load_test.Site, engine: str, only: str = ""
) -> dict[str, list]:
    from marketplace.search.engines.engine import open_engine

    http = signed_in_session(base_url)
    index = open_engine(engine, str(site.folder / "search_index"))  # opened once, like a worker's
    table = {label: path for label, path in pages(facts).items() if label.startswith(only)}
    rng = random.Random(1)
    timings: dict[str, list[float]] = {label: [] for label in [*table, "raw engine query (floor)"]}
    failures: list[str] = []
    for number in range(WARM_UP_ROUNDS + rounds):
        order = list(table)
        rng.shuffle(order)
        for label in order:
            path = table[label].format(profile=facts["profiles"][number % len(facts["profiles"])])
            started = time.perf_counter()
            response = http.get(base_url + path, timeout=120, allow_redirects=False)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                failures.append(f"{label}: {response.status_code}")
            if number >= WARM_UP_ROUNDS:
                timings[label].append(elapsed)
        floor = engine_floor(index)
        if number >= WARM_UP_ROUNDS:
            timings["raw engine query (floor)"].append(floor)
    return {"timings": timings, "failures": failures}


# Issue 13's target: a radius filter as cheap as any other, p95 within 1.5x of the same search without a postcode.
RADIUS_PAIRS = (
    ("search, text near a postcode (25 km)", "search, text"),
    ("search, text near a postcode (500 km)", "search, text"),
    ("search, text by distance (50 km)", "search, text"),
    ("search near a postcode (25 km)", "search, no text"),
    ("search, text confirmed in the last 12 months", "search, text"),
)
RADIUS_TARGET = 1.5


def radius_lines(timings: dict[str, list[float]]) -> list[str]:
    """Each radius (or freshness) page's p50/p95 against the same search without it, as table rows."""
    lines = []
    for filtered, plain in RADIUS_PAIRS:
        if timings.get(filtered) and timings.get(plain):
            p95 = percentile(timings[filtered], 0.95) / percentile(timings[plain], 0.95)
            p50 = statistics.median(timings[filtered]) / statistics.median(timings[plain])
            verdict = "within" if p95 <= RADIUS_TARGET else "OVER"
            lines.append(f"| {filtered} vs {plain} | {p50:.2f}x | {p95:.2f}x ({verdict} {RADIUS_TARGET}x) |")
    return lines


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(facts: dict, engine: str, result: dict, rebuild_rate: float, memory: list[float], loads: tuple) -> None:
    print(f"\n{facts['organisations']:,} organisations ({facts['published']:,} published), {engine}")
    print(f"load average at start / end: {loads[0]} / {loads[1]}")
    if facts["import_seconds"]:
        rate = facts["organisations"] / facts["import_seconds"]
        print(f"site build with import (index off, then one rebuild): {rate:,.0f} organisations/s")
    print(f"index rebuild: {rebuild_rate:,.0f} documents/s")
    print("\n| page | p50 ms | p95 ms |\n|---|---|---|")
    for label, values in result["timings"].items():
        if values:
            print(f"| {label} | {statistics.median(values):,.0f} | {percentile(values, 0.95):,.0f} |")
    print("\n| filtered vs the same search without the filter | p50 ratio | p95 ratio |\n|---|---|---|")
    print("\n".join(radius_lines(result["timings"])))
    if memory:
        print(f"\nworker RSS: {', '.join(f'{size:.0f}' for size in memory)} MB (max {max(memory):.0f} MB)")
    if result["failures"]:
        print(f"\nNon-200 answers ({len(result['failures'])}): {sorted(set(result['failures']))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="50,000 organisations with tantivy")
    parser.add_argument("--organisations", type=int, help="directory size (default 5,000; 50,000 with --large)")
    parser.add_argument("--engine", choices=("whoosh", "tantivy"), help="default whoosh; tantivy with --large")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--site", type=Path, help="folder to build the site in and reuse (default under /tmp)")
    parser.add_argument("--code", type=Path, default=REPO, help="the copy of the code to serve")
    parser.add_argument("--only", default="", help='only the pages whose label starts with this, e.g. "search"')
    args = parser.parse_args(argv)
    organisations = args.organisations or (50_000 if args.large else 5_000)
    engine = args.engine or ("tantivy" if args.large else "whoosh")
    folder = args.site or Path(f"/tmp/page-bench-{organisations}")
    os.environ["SEARCH_ENGINE"] = engine  # read by config on import: the site's first index is this engine's
    loads = [os.getloadavg()[0]]
    facts = build_site(folder, organisations)
    site = load_test.Site(folder, secret_key=facts["secret_key"])
    upgrade_schema(site)
    rate = rebuild_index(site, args.code.resolve(), engine)
    load_test.REPO = args.code.resolve()  # gunicorn serves this copy of the code
    server = load_test.GunicornServer(site, workers=args.workers, log_name="bench-server.log", SEARCH_ENGINE=engine)
    with server:
        result = run_rounds(server.url, facts, args.rounds, site, engine, args.only)
        memory = rss_mb(server.worker_pids())
    loads.append(os.getloadavg()[0])
    report(facts, engine, result, rate, memory, (f"{loads[0]:.1f}", f"{loads[1]:.1f}"))
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
