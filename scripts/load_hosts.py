"""``scripts/load_test.py --hosts N`` (``make load-hosts``): the load test through N app hosts on one database.

Each host is its own gunicorn with its own search index folder following the database's change feed; one Redis
holds the rate limits for all of them (a throwaway ``redis-server`` unless ``--redis`` names one). Users send their
requests to the hosts in turn, as a round-robin proxy would. Afterwards every confirmed edit must be in every host's
index, each index must match the database, and the per-email sign-in limit must hold across the hosts.
"""

from __future__ import annotations

import argparse
import time

import requests

from scripts.load_test import (
    GunicornServer,
    Site,
    SourceAddressAdapter,
    finish,
    form_of,
    print_report,
    run_users,
    summarise,
    verify,
    with_values,
)

PER_EMAIL_LIMIT = 5  # SIGN_IN_PER_EMAIL_LIMIT's per-minute figure


def run_hosts(site: Site, args: argparse.Namespace) -> int:
    """``--hosts N``: N gunicorns on one database, each with its own index, and one Redis for the rate limits."""
    from contextlib import ExitStack

    from marketplace.search.index.maintenance import rebuild

    index_dirs = [str(site.folder / f"search_index_host{n}") for n in range(1, args.hosts + 1)]
    for index_dir in index_dirs:  # each new host builds its index from the database (`flask search rebuild`)
        app = site.app(SEARCH_INDEX_DIR=index_dir)
        with app.app_context():
            rebuild(app)
    with ExitStack() as stack:
        redis_url = args.redis
        if not redis_url:
            from tests.redis_server import redis_server

            redis_url = stack.enter_context(redis_server(site.folder))
        servers = [
            stack.enter_context(
                GunicornServer(
                    site,
                    workers=args.workers,
                    log_name=f"server-host{n}.log",
                    SEARCH_INDEX_DIR=index_dir,
                    SEARCH_FOLLOWER_NAME=f"host{n}",
                    REDIS_URL=redis_url,
                )
            )
            for n, index_dir in enumerate(index_dirs, start=1)
        ]
        urls = [server.url for server in servers]
        ledger, seconds = run_users(
            site, urls, users=args.users, duration=args.duration, think=args.think, seed=args.seed, warmup=args.warmup
        )
        time.sleep(1.0)  # the followers apply the last edits on the other hosts
        reached, attempts = probe_per_email_limit(site, urls)
    summary = summarise(ledger, seconds)
    print_report(summary, args.users, args.workers, args.think)
    print(
        f"{args.hosts} hosts; per-email sign-in limit (5 a minute) across them: {reached} of {attempts} wrong "
        "passwords for one account, each from a new address, reached the password check; the rest got 429"
    )
    summary["hosts"] = args.hosts
    summary["per_email_attempts_reached"] = reached
    problems = [*ledger.failures[:20], *verify(site, ledger, index_dirs)]
    if reached > PER_EMAIL_LIMIT:
        problems.append(f"per-email limit not enforced across hosts: {reached} attempts reached the password check")
    return finish(summary, problems, args, site.folder, servers[0].log_path)


def probe_per_email_limit(site: Site, urls: list[str], attempts: int = 12) -> tuple[int, int]:
    """Wrong passwords for one account, each from a fresh address, alternating hosts: how many reached the password
    check before the per-email limit answered 429 (the IP limit never applies: one attempt per address)."""
    email = site.providers[0][0]
    reached = 0
    for attempt in range(attempts):
        http = requests.Session()
        http.mount("http://", SourceAddressAdapter(f"127.0.1.{10 + attempt}"))
        url = urls[attempt % len(urls)]
        page = http.get(f"{url}/account/sign-in", timeout=30)
        data = with_values(form_of(page.text, "/account/sign-in").values, email=email, password="wrong password 1")
        response = http.post(f"{url}/account/sign-in", data=data, allow_redirects=False, timeout=30)
        reached += response.status_code != 429
    return reached, attempts
