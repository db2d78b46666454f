"""Benchmark the search engines through the project's own interface, with SQLite FTS5 as a baseline.

    .venv/bin/python bench/search_bench.py                 # whoosh 5,000; tantivy 5,000 and 50,000; FTS5 alongside
    .venv/bin/python bench/search_bench.py --whoosh-50k    # also whoosh at 50,000 (slow: minutes)
    .venv/bin/python bench/search_bench.py --engines whoosh --sizes 5000   # whoosh alone

Each (engine, size) runs in its own process so peak memory is its own. The corpus is deterministic (seeded).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from marketplace.search.engines.engine import FACET_FIELDS, SearchQuery, open_engine

WORDS = (
    "museum gallery library archive theatre music dance drama poetry film heritage history science craft design "
    "photography sculpture painting reading writing storytelling puppetry circus orchestra choir festival "
    "workshop outreach family families children young people schools teachers learning creative confidence "
    "wellbeing health mental resilience inclusion disabled send carers looked after care leavers refugees "
    "community volunteering skills employment careers apprenticeship digital coding animation gaming radio "
    "podcast journalism nature garden outdoor forest coast river industrial textiles ceramics pottery print "
    "collection objects exhibition tours trails holiday club summer weekend after school early years toddlers "
    "teenagers youth justice prevention aspiration achievement attainment literacy numeracy language culture"
).split()
OUTCOMES = ["be-healthy", "stay-safe", "enjoy-and-achieve", "make-a-positive-contribution", "achieve-economic"]
AIMS = [f"{outcome}-aim-{n}" for outcome in OUTCOMES for n in range(1, 6)]
LOCALITIES = [f"E0{6 + n % 4}{n:06d}" for n in range(320)]
TYPES = ["museum", "library", "archive", "gallery", "theatre", "arts-centre", "heritage-site", "orchestra"]
SERVICE_AREAS = [f"service-{n}" for n in range(12)]
TARGET_GROUPS = [f"group-{n}" for n in range(15)]
SCHEMES = [f"scheme-{n}" for n in range(8)]
TEXT_FIELDS = ("name", "outcomes_text", "offers_text", "description")
SEARCHES = 200
MATCHES = 200
UPDATES = 20
# Wall-clock time by default; --clock cpu times the process's CPU instead (steadier on a shared machine).
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = time.perf_counter


def sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))


def make_document(rng: random.Random, number: int) -> dict:
    offers = rng.randint(1, 4)
    outcomes = rng.sample(OUTCOMES, rng.randint(1, 3))
    low = rng.choice([0, 3, 5, 8, 11, 14])
    return {
        "id": f"org-{number}",
        "kind": "organisation",
        "name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {rng.choice(TYPES).title()} {number}",
        "outcomes_text": " ".join(sentence(rng, 8, 20) for _ in outcomes),
        "offers_text": " ".join(sentence(rng, 10, 30) for _ in range(offers)),
        "description": sentence(rng, 30, 80),
        "outcome": outcomes,
        "aim": sorted({aim for outcome in outcomes for aim in rng.sample(AIMS, 3) if aim.startswith(outcome)}),
        "locality": rng.sample(LOCALITIES, rng.randint(1, 6)),
        "organisation_type": [rng.choice(TYPES)],
        "service_area": rng.sample(SERVICE_AREAS, rng.randint(1, min(offers + 1, 4))),
        "target_group": rng.sample(TARGET_GROUPS, rng.randint(0, 3)),
        "accreditation": rng.sample(SCHEMES, rng.randint(0, 2)),
        "kitemarked": rng.random() < 0.2,
        "safeguarding_verified": rng.random() < 0.6,
        "in_consortium": rng.random() < 0.1,
        "age_min": low,
        "age_max": low + rng.randint(2, 10),
        "min_price_pence": rng.choice([None, 0, 500, 1500, 5000, 20000]),
        "version": f"v{number}",
    }


def corpus(size: int) -> list[dict]:
    rng = random.Random(2026)
    return [make_document(rng, number) for number in range(1, size + 1)]


def searches(seed: int = 1) -> list[SearchQuery]:
    rng = random.Random(seed)
    return [
        SearchQuery(
            text=" ".join(rng.sample(WORDS, rng.choice([0, 1, 1, 2]))),
            filters={"outcome": [rng.choice(OUTCOMES)], "organisation_type": [rng.choice(TYPES)]},
            facets=FACET_FIELDS,
            page_size=20,
        )
        for _ in range(SEARCHES)
    ]


def matches(seed: int = 2) -> list[SearchQuery]:
    rng = random.Random(seed)
    return [
        SearchQuery(
            text=sentence(rng, 6, 12),
            filters={"locality": rng.sample(LOCALITIES, 20), "outcome": rng.sample(OUTCOMES, 2)},
            age=rng.randint(4, 14),
        )
        for _ in range(MATCHES)
    ]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def timed(function, items) -> tuple[float, float]:
    samples = []
    for item in items:
        started = clock()
        function(item)
        samples.append(clock() - started)
    return percentiles(samples)


def run_engine(kind: str, size: int) -> dict:
    documents = corpus(size)
    with tempfile.TemporaryDirectory() as root:
        engine = open_engine(kind, root)
        started = time.perf_counter()
        engine.rebuild(documents)
        engine.search(SearchQuery())  # open the index and load the facet table, as the first search would
        build = time.perf_counter() - started
        search = timed(engine.search, searches())
        match = timed(lambda query: engine.match(query, limit=20), matches())

        def update(number: int) -> None:
            changed = {**documents[number], "name": f"Renamed zq{number}x venue"}
            engine.index([changed])
            assert engine.search(SearchQuery(text=f"zq{number}x")).ids == [changed["id"]]

        updates = timed(update, range(UPDATES))
        size_bytes = engine.size_bytes()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"engine": kind, "size": size, "rate": size / build, "bytes": size_bytes, "search": search,
            "match": match, "update": updates, "peak_mb": peak}  # fmt: skip


# SQLite FTS5 baseline: the same corpus and queries, facets by GROUP BY over the matched rows.


def fts_build(connection: sqlite3.Connection, documents: list[dict]) -> None:
    connection.executescript(
        "CREATE VIRTUAL TABLE doc USING fts5(name, outcomes_text, offers_text, description, tokenize='porter');"
        "CREATE TABLE facet (doc INTEGER, field TEXT, value TEXT);"
        "CREATE TABLE ages (doc INTEGER PRIMARY KEY, age_min INTEGER, age_max INTEGER);"
    )
    for number, document in enumerate(documents, 1):
        connection.execute("INSERT INTO doc (rowid, name, outcomes_text, offers_text, description) VALUES (?,?,?,?,?)",
                           (number, *(document[field] for field in TEXT_FIELDS)))  # fmt: skip
        connection.execute("INSERT INTO ages VALUES (?,?,?)", (number, document["age_min"], document["age_max"]))
        rows = [(number, field, value) for field in FACET_FIELDS for value in _values(document.get(field))]
        connection.executemany("INSERT INTO facet VALUES (?,?,?)", rows)
    connection.execute("CREATE INDEX facet_value ON facet (field, value, doc)")
    connection.execute("CREATE INDEX facet_doc ON facet (doc)")
    connection.commit()


def _values(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return ["true" if value is True else "false" if value is False else str(value)]


def fts_candidates(connection: sqlite3.Connection, query: SearchQuery) -> bool:
    """Hard filters first: the candidate ids into temp.cand. False when nothing filters (all documents)."""
    selects, parameters = [], []
    for field, values in query.normalised_filters().items():
        selects.append(f"SELECT doc FROM facet WHERE field = ? AND value IN ({','.join('?' * len(values))})")
        parameters += [field, *values]
    if query.age is not None:
        selects.append("SELECT doc FROM ages WHERE age_min <= ? AND age_max >= ?")
        parameters += [query.age, query.age]
    connection.execute("DROP TABLE IF EXISTS temp.cand")
    if not selects:
        return False
    connection.execute("CREATE TEMP TABLE cand (doc INTEGER PRIMARY KEY)")
    connection.execute(f"INSERT INTO cand {' INTERSECT '.join(selects)}", parameters)
    return True


def fts_search(connection: sqlite3.Connection, query: SearchQuery, *, any_word: bool, limit: int) -> list:
    words = [word for word in query.text.split() if word.isalnum()]
    filtered = fts_candidates(connection, query)
    within = " JOIN cand ON cand.doc = m.doc" if filtered else ""
    connection.execute("DROP TABLE IF EXISTS temp.hit")
    if words:
        # Rank in FTS5 first, then join the candidates: a rowid IN (…) inside the FTS5 query makes SQLite
        # re-run the full-text match per candidate.
        connection.execute(
            "CREATE TEMP TABLE hit AS WITH m AS MATERIALIZED (SELECT rowid AS doc, bm25(doc, 4.0, 3.0, 2.0, 1.0) "
            f"AS rank FROM doc WHERE doc MATCH ?) SELECT m.doc, m.rank FROM m{within}",
            [(" OR " if any_word else " ").join(words)],
        )
    else:
        source = "cand" if filtered else "(SELECT rowid AS doc FROM doc)"
        connection.execute(
            f"CREATE TEMP TABLE hit AS SELECT c.doc AS doc, d.name AS rank FROM {source} c "
            "JOIN doc d ON d.rowid = c.doc"
        )
    page = connection.execute("SELECT doc FROM hit ORDER BY rank LIMIT ?", (limit,)).fetchall()
    if query.facets:
        connection.execute("SELECT f.field, f.value, count(*) FROM hit CROSS JOIN facet f ON f.doc = hit.doc "
                           "GROUP BY f.field, f.value").fetchall()  # fmt: skip
    return page


def run_fts(size: int) -> dict:
    documents = corpus(size)
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / "fts.db"
        connection = sqlite3.connect(path)
        started = time.perf_counter()
        fts_build(connection, documents)
        build = time.perf_counter() - started
        search = timed(lambda query: fts_search(connection, query, any_word=False, limit=20), searches())
        match = timed(lambda query: fts_search(connection, query, any_word=True, limit=20), matches())

        def update(number: int) -> None:
            connection.execute("UPDATE doc SET name = ? WHERE rowid = ?", (f"Renamed zq{number}x", number + 1))
            connection.commit()
            assert connection.execute("SELECT rowid FROM doc WHERE doc MATCH ?", (f"zq{number}x",)).fetchall()

        updates = timed(update, range(UPDATES))
        size_bytes = path.stat().st_size
        connection.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"engine": "fts5", "size": size, "rate": size / build, "bytes": size_bytes, "search": search,
            "match": match, "update": updates, "peak_mb": peak}  # fmt: skip


def run_one(kind: str, size: int, clock_name: str = "wall") -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--single", kind, str(size), "--clock", clock_name],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def print_table(rows: list[dict]) -> None:
    header = (f"{'engine':<8} {'docs':>6} {'build/s':>8} {'size MB':>8} {'search p50':>10} {'p95':>7} "
              f"{'match p50':>9} {'p95':>7} {'update p50':>10} {'p95':>7} {'peak MB':>8} {'vs FTS5':>8}")  # fmt: skip
    print(header)
    print("-" * len(header))
    baseline = {row["size"]: row for row in rows if row["engine"] == "fts5"}
    for row in rows:
        fts = baseline.get(row["size"])
        ratio = f"{row['search'][1] / fts['search'][1]:.2f}x" if fts and row["engine"] != "fts5" else ""
        print(f"{row['engine']:<8} {row['size']:>6} {row['rate']:>8.0f} {row['bytes'] / 1e6:>8.1f} "
              f"{row['search'][0]:>8.1f}ms {row['search'][1]:>5.1f}ms {row['match'][0]:>7.1f}ms "
              f"{row['match'][1]:>5.1f}ms {row['update'][0]:>8.1f}ms {row['update'][1]:>5.1f}ms "
              f"{row['peak_mb']:>8.0f} {ratio:>8}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--single", nargs=2, metavar=("ENGINE", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--whoosh-50k", action="store_true", help="also run Whoosh at 50,000 organisations")
    parser.add_argument("--sizes", default="5000,50000", help="corpus sizes (tantivy and FTS5 run at each)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="time by wall clock or CPU time")
    parser.add_argument("--engines", default="fts5,tantivy,whoosh", help="which of fts5,tantivy,whoosh to run")
    arguments = parser.parse_args()
    global clock
    clock = CLOCKS[arguments.clock]
    if arguments.single:
        kind, size = arguments.single[0], int(arguments.single[1])
        print(json.dumps(run_fts(size) if kind == "fts5" else run_engine(kind, size)))
        return
    sizes = [int(size) for size in arguments.sizes.split(",")]
    engines = set(arguments.engines.split(","))
    plan = [("fts5", size) for size in sizes] + [("tantivy", size) for size in sizes]
    plan += [("whoosh", size) for size in sizes if size <= 5000 or arguments.whoosh_50k]
    plan = [(kind, size) for kind, size in plan if kind in engines]
    rows = []
    for kind, size in plan:
        print(f"running {kind} at {size:,} …", file=sys.stderr, flush=True)
        rows.append(run_one(kind, size, arguments.clock))
    print_table(rows)


if __name__ == "__main__":
    main()
