"""Time the portfolio, board report and outcome roll-up pages at 500 contracts x 8 quarterly returns.

    .venv/bin/python bench/monitoring_bench.py                    # 500 contracts, 8 quarters, 2 measures each
    .venv/bin/python bench/monitoring_bench.py --contracts 100    # a quick run

The data is deterministic (seeded) and goes straight into a temporary SQLite database through the models (not
the services: building 4,000 returns through the audited write path would time the writes, not the pages).
Every contract reports on the seed 003 framework's LAC mental health measure plus one contract measure, so the
roll-up of that outcome covers every contract. Pages are fetched through the Flask test client, signed in as
the body's commissioner; the figures include template rendering.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from marketplace import create_app
from marketplace.commissioning.frameworks.importer import read_framework_file
from marketplace.commissioning.frameworks.services import import_framework
from marketplace.commissioning.models import FrameworkMeasure
from marketplace.extensions import db
from marketplace.monitoring import rating
from marketplace.monitoring.models import (
    Contract,
    ContractMeasure,
    MeasureRating,
    PerformanceReturn,
    ReturnStatus,
    ReturnValue,
)
from marketplace.monitoring.ratings import rule_for
from marketplace.monitoring.schedule import periods
from marketplace.monitoring.services import measure_from_framework
from marketplace.reference.services import load_vocabularies
from tests.client import FormClient
from tests.factories import make_body, make_commissioner, make_organisation

SEED_FILE = Path(__file__).resolve().parents[1] / "tests" / "monitoring" / "data" / "framework_seed_003.json"
START, END = date(2024, 4, 1), date(2026, 3, 31)  # eight quarters


def build(contracts: int) -> tuple[int, int]:
    """Create the body, framework, providers and contracts with returns; return (framework id, outcome id)."""
    rng = random.Random(14)
    body = make_body("Central Bedfordshire Council", ref="cbc")
    framework = import_framework(body, read_framework_file(SEED_FILE.name, SEED_FILE.read_bytes()))
    sdq = db.session.scalar(select(FrameworkMeasure).where(FrameworkMeasure.title.like("%better mental health%")))
    sdq.direction, sdq.tolerance = "lower", 0.5
    providers = [make_organisation(f"Provider {n}", status="published") for n in range(60)]
    for number in range(contracts):
        contract = Contract(
            body=body,
            organisation=providers[number % len(providers)],
            title=f"Contract {number:04d}",
            value_pence=rng.randrange(100_000, 10_000_000),
            start_date=START,
            end_date=END,
            framework_outcomes=[sdq.outcome],
        )
        contract.measures = [
            measure_from_framework(sdq),
            ContractMeasure(kind="how_much", title="Sessions", unit="sessions", direction="higher", target_value=40),
        ]
        db.session.add(contract)
        for period in periods(START, END, "quarterly"):
            ret = PerformanceReturn(
                contract=contract,
                period_label=period.label,
                period_start=period.start,
                period_end=period.end,
                due_on=period.due_on,
                status=ReturnStatus.ACCEPTED,
                story="Steady.",
            )
            for measure, value in zip(contract.measures, (rng.uniform(11, 16), rng.randrange(20, 60)), strict=True):
                ret.values.append(ReturnValue(measure=measure, value=value))
                status = rating.rate(rule_for(measure), value)
                db.session.add(MeasureRating(measure=measure, period_start=period.start, computed=status))
            db.session.add(ret)
        if number % 50 == 49:
            db.session.commit()
    db.session.commit()
    return framework.id, sdq.outcome_id


def timed(client: FormClient, url: str, runs: int) -> tuple[float, float]:
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    durations.sort()
    return statistics.median(durations), durations[max(0, int(len(durations) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=500)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.db", UPLOAD_DIR=folder)
        logging.getLogger("marketplace.request").setLevel(logging.WARNING)  # one log line per request otherwise
        with app.app_context():
            db.create_all()
            load_vocabularies()
            started = time.perf_counter()
            framework_id, outcome_id = build(args.contracts)
            commissioner = make_commissioner(db.session.get(Contract, 1).body, email="bench@cbc.example.org")
            print(f"built {args.contracts} contracts x 8 quarters in {time.perf_counter() - started:.1f}s")
            client = FormClient(app.test_client())
            client.sign_in(commissioner.email)
            pages = {
                "portfolio": "/commissioner/contracts",
                "portfolio (red only)": "/commissioner/contracts?rating=red",
                "portfolio CSV": "/commissioner/contracts?format=csv",
                "board report": "/commissioner/contracts/report",
                "outcome roll-up": f"/commissioner/frameworks/{framework_id}/outcomes/{outcome_id}/contracts",
            }
            print(f"{'page':24} {'p50 ms':>8} {'p95 ms':>8}")
            for name, url in pages.items():
                p50, p95 = timed(client, url, args.runs)
                print(f"{name:24} {p50:8.0f} {p95:8.0f}")


if __name__ == "__main__":
    main()
