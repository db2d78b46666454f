#!/usr/bin/env python3
"""Load test: gunicorn (4 workers) on a free loopback port, simulated users mixing the main actions.

    python scripts/load_test.py                            # make load: 50 users for 60 s
    python scripts/load_test.py --users 10 --duration 8    # the short mode the test suite runs
    python scripts/load_test.py --hosts 2                  # two app hosts on one database and one Redis

It builds a fresh site in a temporary folder (SQLite database through the migrations, reference and demo data,
``--organisations`` synthetic organisations from ``scripts/generate_directory.py``, one provider account per
simulated provider, commissioner accounts and open needs to respond to, then the search index), starts
``gunicorn -c gunicorn.conf.py wsgi:app`` against it and runs the users for ``--duration`` seconds. Each user
thinks for ``--think`` seconds on average between actions (uniformly 0.5× to 1.5×), like a person reading a page.

Actions: searches and profile views (everyone), profile edits and responses to needs (providers, each on its
own organisation), need posts (commissioners). Forms are fetched first and posted with their CSRF token. Sign-in
stays rate-limited per IP as in production: each user signs in once, at the start, from its own loopback
address (127.0.0.10, 127.0.0.11, …), so no limit is relaxed for the test.

It prints throughput, p50/p95/p99 latency per action and errors by status, then checks that every edit,
need and response the server confirmed is in the database, that every edit is in the search index, and that
``flask search check`` is clean. Exit status 1 on any server error (5xx or dropped connection), a search p95
over ``--search-p95-ms`` or a failed check. Everything listens on 127.0.0.1 only and stops when it ends.

With ``--hosts N`` it starts N gunicorns (each ``--workers`` workers) on one database, each with its own search
index folder following the database's change feed, and one throwaway Redis for the rate limits (or ``--redis``);
each user sends its requests to the hosts in turn, as a round-robin proxy would. It then checks every edit in every
host's index and that each host's index matches the database, and probes the per-email sign-in limit across the
hosts: wrong passwords for one account from fresh addresses, alternating hosts, must meet the limit after 5.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape as html_unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PASSWORD = "load-test-password-2026"
EDIT_MARK = " Load test edit "
SEARCHES = (
    "museum",
    "dance workshops",
    "storytelling",
    "young carers",
    "heritage",
    "library",
    "music making",
    "looked after children",
    "",
)
SEARCH_FILTERS = ("", "&outcome=enjoy-and-achieve", "&age=12", "&sort=name", "&page=2")
# Weights of each action per kind of user.
MIX: dict[str, dict[str, int]] = {
    "provider": {"search": 35, "profile_view": 30, "profile_edit": 20, "response": 15},
    "commissioner": {"search": 40, "profile_view": 30, "need_post": 30},
    "visitor": {"search": 55, "profile_view": 45},
}
KINDS = ("provider", "provider", "provider", "commissioner", "visitor")  # by user number: 60/20/20


# The site ----------------------------------------------------------------------------------------------------


@dataclass
class Site:
    """A fresh database, index and upload folder in ``folder``, and the accounts the users sign in with."""

    folder: Path
    secret_key: str = field(default_factory=lambda: secrets.token_hex(16))
    providers: list[tuple[str, int]] = field(default_factory=list)  # (email, organisation id)
    commissioners: list[str] = field(default_factory=list)
    organisation_ids: list[int] = field(default_factory=list)  # published: what visitors view
    open_need_ids: list[int] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.folder / "site.db"

    def settings(self) -> dict[str, Any]:
        return {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.database}",
            "SEARCH_INDEX_DIR": str(self.folder / "search_index"),
            "UPLOAD_DIR": str(self.folder / "uploads"),
            "MAIL_BACKEND": "log",
            "MAIL_DISPATCH_ON_QUEUE": False,  # emails wait in the outbox for `flask notifications send`
        }

    def env(self) -> dict[str, str]:
        """Environment for gunicorn and ``flask`` commands against this site."""
        settings = self.settings()
        return {
            **os.environ,
            "APP_ENV": "development",
            "FLASK_APP": "wsgi.py",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"],
            "SEARCH_INDEX_DIR": settings["SEARCH_INDEX_DIR"],
            "UPLOAD_DIR": settings["UPLOAD_DIR"],
            "MAIL_BACKEND": "log",
            "MAIL_DISPATCH_ON_QUEUE": "false",
            "PYTHONUNBUFFERED": "1",
        }

    def app(self, **overrides: Any):
        from marketplace import create_app

        return create_app("development", **{**self.settings(), **overrides})


def prepare_site(
    folder: Path, *, organisations: int = 500, providers: int = 30, commissioners: int = 10, seed: int = 1
) -> Site:
    """Build the site's data: migrations, reference + demo data, synthetic directory, load accounts, index."""
    from flask_migrate import upgrade

    from marketplace.commissioning.needs.importer import import_needs
    from marketplace.demo.services import load_demo
    from marketplace.directory.importer import import_directory
    from marketplace.extensions import db
    from marketplace.reference.services import load_all
    from marketplace.search.index.maintenance import rebuild
    from scripts.generate_directory import generate

    folder.mkdir(parents=True, exist_ok=True)
    site = Site(folder)
    app = site.app(SEARCH_SYNC=False)  # index once at the end, not after every seeding commit
    with app.app_context():
        upgrade()
        load_all()
        load_demo(PASSWORD)
        if organisations:
            import_directory(generate(organisations, seed))
        _add_accounts(site, providers, commissioners)
        report = import_needs({"needs": _open_needs(copies=max(4, providers // 4))})
        if report.rejected:
            raise RuntimeError(f"open needs rejected: {report.rejected[:3]}")
        _note_ids(site)
        rebuild(app)
        db.session.remove()
        db.engine.dispose()
    return site


def _add_accounts(site: Site, providers: int, commissioners: int) -> None:
    from sqlalchemy import select

    from marketplace.accounts.models import User
    from marketplace.accounts.passwords import hash_password
    from marketplace.commissioning.models import CommissioningBody
    from marketplace.core.clock import utcnow
    from marketplace.core.roles import Role
    from marketplace.directory.models import Organisation, OrganisationStatus
    from marketplace.extensions import db

    password_hash = hash_password(PASSWORD)  # one hash for all: hashing 50 times would only slow seeding
    free = select(Organisation).where(Organisation.status == OrganisationStatus.PUBLISHED).order_by(Organisation.id)
    owned = {user.organisation_id for user in db.session.scalars(select(User))}
    chosen = [organisation for organisation in db.session.scalars(free) if organisation.id not in owned][:providers]
    if len(chosen) < providers:
        raise RuntimeError(f"only {len(chosen)} published organisations without users; add --organisations")
    for number, organisation in enumerate(chosen):
        email = f"load-provider-{number}@load.example.org"
        db.session.add(
            User(
                email=email,
                name=f"Load Provider {number}",
                password_hash=password_hash,
                role=Role.PROVIDER.value,
                organisation=organisation,
                is_org_admin=True,
            )
        )
        site.providers.append((email, organisation.id))
    bodies = list(db.session.scalars(select(CommissioningBody).order_by(CommissioningBody.id)))
    for number in range(commissioners):
        email = f"load-commissioner-{number}@load.example.org"
        db.session.add(
            User(
                email=email,
                name=f"Load Commissioner {number}",
                password_hash=password_hash,
                role=Role.COMMISSIONER.value,
                commissioning_body=bodies[number % len(bodies)],
                is_org_admin=False,
                approved_at=utcnow(),
            )
        )
        site.commissioners.append(email)
    db.session.commit()


def _open_needs(copies: int) -> list[dict]:
    """Copies of the demo's open needs, with deadlines ahead, for providers to respond to."""
    from marketplace.core.clock import today
    from marketplace.demo.needs import NEEDS_FILE

    records = [record for record in json.loads(NEEDS_FILE.read_text(encoding="utf-8"))["needs"]]
    start = today()
    needs = []
    for copy in range(copies):
        for record in records:
            needs.append(
                {
                    **record,
                    "ref": f"{record['ref']}-load-{copy}",
                    "status": "open",
                    "deadline": (start + timedelta(days=90)).isoformat(),
                    "contract_start": (start + timedelta(days=120)).isoformat(),
                    "contract_end": (start + timedelta(days=400)).isoformat(),
                }
            )
    return needs


def _note_ids(site: Site) -> None:
    from sqlalchemy import select

    from marketplace.commissioning.models import Need, NeedStatus
    from marketplace.directory.models import Organisation, OrganisationStatus
    from marketplace.extensions import db

    published = select(Organisation.id).where(Organisation.status == OrganisationStatus.PUBLISHED)
    site.organisation_ids = list(db.session.scalars(published.order_by(Organisation.id)))
    site.open_need_ids = list(db.session.scalars(select(Need.id).where(Need.status == NeedStatus.OPEN)))


# The server --------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornServer:
    """``gunicorn -c gunicorn.conf.py wsgi:app`` for a site, on 127.0.0.1; its output goes to ``server.log``."""

    def __init__(self, site: Site, *, workers: int = 4, log_name: str = "server.log", **env: str) -> None:
        self.site = site
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = site.folder / log_name
        self.env = {**site.env(), "WEB_CONCURRENCY": str(workers), "GUNICORN_BIND": f"127.0.0.1:{self.port}", **env}
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> GunicornServer:
        command = [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"), "wsgi:app"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}")
            if len(self.worker_pids()) == self.workers and self._healthy():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not become healthy in {timeout:.0f} s:\n{self.log_tail()}")

    def _healthy(self) -> bool:
        try:
            return requests.get(f"{self.url}/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def worker_pids(self) -> list[int]:
        """The master's child processes (its workers), from /proc."""
        if self.process is None:
            return []
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their requests
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> GunicornServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# HTML forms --------------------------------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The values a browser would send with the page's POST form to ``path`` (and every option of each field)."""

    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.values: list[tuple[str, str]] = []
        self.options: dict[str, list[str]] = defaultdict(list)
        self._in_form = self._done = False
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form" and not self._done and a.get("method", "").lower() == "post":
            self._in_form = a.get("action", "") in {"", self.path}
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            self._input(name, a)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            self._option(self._select, a)

    def _input(self, name: str, a: dict[str, str]) -> None:
        kind = a.get("type", "text").lower()
        if kind in {"checkbox", "radio"}:
            self.options[name].append(a.get("value", "on"))
            if "checked" in a:
                self.values.append((name, a.get("value", "on")))
        elif kind not in {"submit", "button", "file", "image", "reset"}:
            self.values.append((name, a.get("value", "")))

    def _option(self, select: str, a: dict[str, str]) -> None:
        value = a.get("value", "")
        self.options[select].append(value)
        if self._first_option is None:
            self._first_option = value
        if "selected" in a:
            self.values.append((select, value))
            self._selected = True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "textarea" and self._textarea is not None:
            self.values.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._selected and self._first_option is not None:
                self.values.append((self._select, self._first_option))
            self._select = None


# Only the tags FormFields looks at, and their attributes. html.parser tokenises every tag and text run of the
# page in Python (about 30 ms for the 200 KB need form, on the same 2 cores as the server): these two regexes
# find the few tags that matter and hand them to the same FormFields handlers, with the same unescaping.
FORM_TAG = re.compile(r"<(/?)(form|input|textarea|select|option)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.IGNORECASE)
TAG_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
TEXTAREA_END = re.compile(r"</textarea\s*>", re.IGNORECASE)


def _attributes(text: str) -> list[tuple[str, str | None]]:
    """(name, value) pairs as html.parser gives them: values unescaped, None for a bare one such as ``checked``."""
    pairs: list[tuple[str, str | None]] = []
    for match in TAG_ATTRIBUTE.finditer(text):
        value = next((part for part in match.group(2, 3, 4) if part is not None), None)
        pairs.append((match.group(1).lower(), None if value is None else html_unescape(value)))
    return pairs


def form_of(html: str, path: str) -> FormFields:
    """The page's POST form to ``path``, read as FormFields (the tags are found by regex, not html.parser)."""
    parser = FormFields(path)
    position = 0
    while match := FORM_TAG.search(html, position):
        closing, tag, rest = match.group(1), match.group(2).lower(), match.group(3)
        position = match.end()
        if closing:
            parser.handle_endtag(tag)
            continue
        parser.handle_starttag(tag, _attributes(rest))
        if tag == "textarea":
            end = TEXTAREA_END.search(html, position)
            stop = end.start() if end else len(html)
            parser.handle_data(html_unescape(html[position:stop]))
            position = stop
    return parser


def with_values(fields: list[tuple[str, str]], **changes: str | list[str]) -> list[tuple[str, str]]:
    """The form's own values with ``changes`` replacing every value of those names."""
    kept = [(name, value) for name, value in fields if name not in changes]
    for name, value in changes.items():
        kept.extend((name, item) for item in ([value] if isinstance(value, str) else value))
    return kept


# The users ---------------------------------------------------------------------------------------------------


class SourceAddressAdapter(HTTPAdapter):
    """Connect from a chosen loopback address, so each simulated user has its own client IP."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(pool_maxsize=1)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@dataclass
class Sample:
    label: str
    ms: float
    status: int  # 0: the connection failed (no answer)


@dataclass
class Ledger:
    """What the server confirmed, to find in the database and the index afterwards; and every timing."""

    samples: list[Sample] = field(default_factory=list)
    edits: dict[int, str] = field(default_factory=dict)  # organisation id -> token of its last saved edit
    needs: dict[int, str] = field(default_factory=dict)  # need id -> title
    responses: dict[int, tuple[int, int]] = field(default_factory=dict)  # response id -> (need id, organisation)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


NEW_ID = re.compile(r"/(?:needs|responses)/(\d+)$")


class User:
    def __init__(
        self, number: int, kind: str, base_url: str | list[str], site: Site, ledger: Ledger, seed: int
    ) -> None:
        self.number, self.kind, self.site, self.ledger = number, kind, site, ledger
        self.base_urls = [base_url] if isinstance(base_url, str) else list(base_url)
        self.sent = number  # users start on different hosts
        self.random = random.Random(seed * 1000 + number)
        self.http = requests.Session()
        self.http.mount("http://", SourceAddressAdapter(f"127.0.0.{10 + number}"))
        self.email: str | None = None
        self.organisation_id: int | None = None
        self.edits = 0
        self.needs_left: list[int] = []
        if kind == "provider":
            self.needs_left = self.random.sample(site.open_need_ids, len(site.open_need_ids))

    def request(self, label: str, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        self.sent += 1
        base_url = self.base_urls[self.sent % len(self.base_urls)]  # hosts in turn, like a round-robin proxy
        started = time.perf_counter()
        try:
            response = self.http.request(method, base_url + path, allow_redirects=False, timeout=30, **kwargs)
        except requests.RequestException as error:
            self.ledger.add(Sample(label, (time.perf_counter() - started) * 1000, 0))
            with self.ledger.lock:
                self.ledger.failures.append(f"{label} {path}: {type(error).__name__}")
            return None
        self.ledger.add(Sample(label, (time.perf_counter() - started) * 1000, response.status_code))
        return response

    def form(self, label: str, path: str) -> FormFields | None:
        response = self.request(label, "GET", path)
        return form_of(response.text, path) if response is not None and response.status_code == 200 else None

    def sign_in(self) -> bool:
        if self.email is None:
            return True
        form = self.form("sign_in_form", "/account/sign-in")
        if form is None:
            return False
        data = with_values(form.values, email=self.email, password=PASSWORD)
        response = self.request("sign_in", "POST", "/account/sign-in", data=data)
        return response is not None and response.status_code == 302

    def act(self) -> None:
        weights = MIX[self.kind]
        action = self.random.choices(list(weights), list(weights.values()))[0]
        getattr(self, action)()

    def search(self) -> None:
        words = self.random.choice(SEARCHES)
        self.request("search", "GET", f"/search?q={requests.utils.quote(words)}{self.random.choice(SEARCH_FILTERS)}")

    def profile_view(self) -> None:
        self.request("profile_view", "GET", f"/organisations/{self.random.choice(self.site.organisation_ids)}")

    def profile_edit(self) -> None:
        form = self.form("profile_edit_form", "/provider/profile/basics")
        if form is None:
            return
        self.edits += 1
        token = f"lt{self.number}x{self.edits}q{self.random.randrange(10**6)}"
        description = dict(form.values).get("description", "").split(EDIT_MARK)[0]
        data = with_values(form.values, description=f"{description}{EDIT_MARK}{token}.")
        response = self.request("profile_edit_save", "POST", "/provider/profile/basics", data=data)
        if response is not None and response.status_code == 302:
            with self.ledger.lock:
                self.ledger.edits[self.organisation_id] = token  # type: ignore[index]

    def response(self) -> None:
        if not self.needs_left:
            return self.search()
        need_id = self.needs_left.pop()
        form = self.form("response_form", f"/needs/{need_id}/respond")
        if form is None:
            return None
        data = with_values(
            form.values,
            approach=f"Load test response {self.number}-{need_id}: workshops and mentoring.",
            outcomes=form.options.get("outcomes", [])[:1],
            price="1500",
        )
        response = self.request("response_post", "POST", f"/needs/{need_id}/respond", data=data)
        found = NEW_ID.search(response.headers.get("Location", "")) if response is not None else None
        if response is not None and response.status_code == 302 and found:
            with self.ledger.lock:
                self.ledger.responses[int(found.group(1))] = (need_id, self.organisation_id)  # type: ignore[assignment]
        return None

    def need_post(self) -> None:
        form = self.form("need_form", "/commissioner/needs/new")
        if form is None:
            return
        title = f"Load test need {self.number}-{self.random.randrange(10**9)}"
        data = with_values(form.values, title=title, summary="Creative sessions for young carers.")
        response = self.request("need_post", "POST", "/commissioner/needs/new", data=data)
        found = NEW_ID.search(response.headers.get("Location", "")) if response is not None else None
        if response is not None and response.status_code == 302 and found:
            with self.ledger.lock:
                self.ledger.needs[int(found.group(1))] = title

    def run(self, until: float, think: float) -> None:
        while time.monotonic() < until:
            self.act()
            time.sleep(self.random.uniform(0.5 * think, 1.5 * think))


def run_users(
    site: Site, base_url: str | list[str], *, users: int, duration: float, think: float, seed: int, warmup: float = 0.0
) -> tuple[Ledger, float]:
    """Sign every user in (staggered), run them for ``warmup`` seconds unmeasured, then ``duration`` measured."""
    ledger = Ledger()
    people = [User(number, KINDS[number % len(KINDS)], base_url, site, ledger, seed) for number in range(users)]
    providers = iter(site.providers)
    commissioners = 0
    for person in people:
        if person.kind == "provider":
            person.email, person.organisation_id = next(providers)
        elif person.kind == "commissioner":
            person.email = site.commissioners[commissioners % len(site.commissioners)]
            commissioners += 1
    signed = [False] * users

    def sign_in(index: int) -> None:
        time.sleep(index * 0.03)
        signed[index] = people[index].sign_in()

    _all(threading.Thread(target=sign_in, args=(index,)) for index in range(users))
    if not all(signed):
        ledger.failures.append(f"{signed.count(False)} user(s) could not sign in")
    if warmup > 0:  # every worker compiles its templates and opens the index: not what a steady site costs
        until = time.monotonic() + warmup
        _all(threading.Thread(target=person.run, args=(until, think)) for person in people)
        with ledger.lock:
            ledger.samples = [sample for sample in ledger.samples if sample.label.startswith("sign_in")]
    started = time.monotonic()
    until = started + duration
    _all(threading.Thread(target=person.run, args=(until, think)) for person in people)
    return ledger, time.monotonic() - started


def _all(threads: Any) -> None:
    threads = list(threads)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# Report and checks -------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summarise(ledger: Ledger, seconds: float) -> dict[str, Any]:
    by_label: dict[str, list[Sample]] = defaultdict(list)
    for sample in ledger.samples:
        by_label[sample.label].append(sample)
    actions = {}
    for label, samples in sorted(by_label.items()):
        times = [sample.ms for sample in samples]
        statuses = Counter(sample.status for sample in samples)
        actions[label] = {
            "count": len(samples),
            "per_second": round(len(samples) / seconds, 2) if not label.startswith("sign_in") else None,
            "p50_ms": round(percentile(times, 0.50), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "p99_ms": round(percentile(times, 0.99), 1),
            "mean_ms": round(statistics.fmean(times), 1),
            "statuses": {str(status): count for status, count in sorted(statuses.items())},
        }
    measured = [sample for sample in ledger.samples if not sample.label.startswith("sign_in")]
    errors = Counter(sample.status for sample in ledger.samples if sample.status == 0 or sample.status >= 400)
    return {
        "seconds": round(seconds, 1),
        "requests": len(measured),
        "throughput_rps": round(len(measured) / seconds, 1) if seconds else 0.0,
        "actions": actions,
        "errors_by_status": {("no answer" if status == 0 else str(status)): n for status, n in sorted(errors.items())},
        "server_errors": sum(n for status, n in errors.items() if status == 0 or status >= 500),
        "confirmed": {"edits": len(ledger.edits), "needs": len(ledger.needs), "responses": len(ledger.responses)},
    }


def verify(site: Site, ledger: Ledger, index_dirs: list[str] | None = None) -> list[str]:
    """Every confirmed write is in the database; every edit is in each host's index; each index matches the database."""
    from sqlalchemy import select

    from marketplace.commissioning.models import Need, Response
    from marketplace.directory.models import Organisation
    from marketplace.extensions import db

    problems: list[str] = []
    app = site.app()
    with app.app_context():
        for organisation_id, token in ledger.edits.items():
            description = db.session.scalar(select(Organisation.description).where(Organisation.id == organisation_id))
            if not (description or "").endswith(f"{EDIT_MARK}{token}."):
                problems.append(f"organisation {organisation_id}: saved edit {token} not in the database")
        titles = dict(db.session.execute(select(Need.id, Need.title).where(Need.id.in_(ledger.needs))).all())
        problems += [
            f"need {need_id} missing" for need_id, title in ledger.needs.items() if titles.get(need_id) != title
        ]
        found = dict(
            db.session.execute(
                select(Response.id, Response.organisation_id).where(Response.id.in_(ledger.responses))
            ).all()
        )
        problems += [
            f"response {response_id} missing"
            for response_id, (_, organisation_id) in ledger.responses.items()
            if found.get(response_id) != organisation_id
        ]
        db.session.remove()
        db.engine.dispose()
    for index_dir in index_dirs or [site.settings()["SEARCH_INDEX_DIR"]]:
        problems += _verify_index(
            site, ledger, index_dir, label="" if index_dirs is None else f"{Path(index_dir).name}: "
        )
    return problems


def _verify_index(site: Site, ledger: Ledger, index_dir: str, *, label: str) -> list[str]:
    """Every confirmed edit is found in this index, and ``flask search check`` of it is clean."""
    from marketplace.extensions import db
    from marketplace.search.engines.engine import SearchQuery, engine_for
    from marketplace.search.index.documents import organisation_doc_id
    from marketplace.search.index.maintenance import check

    problems: list[str] = []
    app = site.app(SEARCH_INDEX_DIR=index_dir)
    with app.app_context():
        engine = engine_for(app)
        for organisation_id, token in ledger.edits.items():
            hits = engine.search(SearchQuery(text=token, page_size=5)).ids
            if organisation_doc_id(organisation_id) not in hits:
                problems.append(f"{label}organisation {organisation_id}: saved edit {token} not in the search index")
        report = check(app)
        if not report.is_clean:
            problems.append(
                f"{label}search check: {len(report.missing)} missing, {len(report.stale)} stale, "
                f"{len(report.extra)} extra, {len(report.queued)} not applied"
            )
        db.session.remove()
        db.engine.dispose()
    return problems


def print_report(summary: dict[str, Any], users: int, workers: int, think: float) -> None:
    print(
        f"\n{users} users, {workers} gunicorn workers, {summary['seconds']} s, think time {think} s on average: "
        f"{summary['requests']} requests, {summary['throughput_rps']} requests/s"
    )
    print(f"{'action':<20}{'count':>7}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for label, row in summary["actions"].items():
        rate = "" if row["per_second"] is None else f"{row['per_second']:.2f}"
        statuses = ", ".join(f"{status}×{count}" for status, count in row["statuses"].items())
        print(
            f"{label:<20}{row['count']:>7}{rate:>8}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}"
            f"  {statuses}"
        )
    errors = ", ".join(f"{status}: {count}" for status, count in summary["errors_by_status"].items()) or "none"
    print(f"Errors by status: {errors}; server errors: {summary['server_errors']}")
    confirmed = summary["confirmed"]
    print(
        f"Confirmed writes: {confirmed['edits']} organisations edited, {confirmed['needs']} needs, "
        f"{confirmed['responses']} responses"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load after sign-in")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a user's actions")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of unmeasured load before measuring")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--organisations", type=int, default=500, help="synthetic organisations besides the demo")
    parser.add_argument("--search-p95-ms", type=float, default=300.0, help="target; 0 reports without a target")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary site folder (database, logs)")
    parser.add_argument("--hosts", type=int, default=1, help="app hosts (gunicorns) on the one database")
    parser.add_argument("--redis", help="Redis URL for the rate limits (default with --hosts > 1: a throwaway one)")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 200:
        parser.error("--users must be between 1 and 200 (one loopback address each)")

    folder = Path(tempfile.mkdtemp(prefix="marketplace-load-"))
    providers = sum(1 for number in range(args.users) if KINDS[number % len(KINDS)] == "provider")
    started = time.perf_counter()
    site = prepare_site(
        folder,
        organisations=args.organisations,
        providers=max(1, providers),
        commissioners=max(1, min(10, args.users // 5)),
        seed=args.seed,
    )
    print(
        f"Prepared the site in {folder} in {time.perf_counter() - started:.1f} s "
        f"({len(site.organisation_ids)} published organisations, {len(site.open_need_ids)} open needs)"
    )
    if args.hosts > 1:
        from scripts.load_hosts import run_hosts

        return run_hosts(site, args)
    with GunicornServer(site, workers=args.workers) as server:
        ledger, seconds = run_users(
            site,
            server.url,
            users=args.users,
            duration=args.duration,
            think=args.think,
            seed=args.seed,
            warmup=args.warmup,
        )
    summary = summarise(ledger, seconds)
    print_report(summary, args.users, args.workers, args.think)
    problems = [*ledger.failures[:20], *verify(site, ledger)]
    return finish(summary, problems, args, folder, server.log_path)


def finish(summary: dict[str, Any], problems: list[str], args: argparse.Namespace, folder: Path, log: Path) -> int:
    """Apply the targets, print the verdict, write the JSON, tidy up; the exit status."""
    search_p95 = summary["actions"].get("search", {}).get("p95_ms", 0.0)
    if summary["server_errors"]:
        problems.append(f"{summary['server_errors']} server error(s) (see {log})")
    if args.search_p95_ms and search_p95 > args.search_p95_ms:
        problems.append(f"search p95 {search_p95:.0f} ms is over the {args.search_p95_ms:.0f} ms target")
    summary["problems"] = problems
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
    else:
        print(
            "Every confirmed edit, need and response is in the database; every edit is in the search index"
            f"{'es' if args.hosts > 1 else ''}; the index matches the database.\nPASSED"
        )
    if not args.keep and not problems:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
