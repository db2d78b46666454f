"""Stored and reflected XSS: the payload goes into every free-text field of every form each role can reach,
then every page each role can see is checked for anything a browser would run, and CSV exports for formulas.

Generic over the url map and the forms on the pages (tests/security/crawl.py, filler.py), so a new route or field
is probed as soon as a page shows it; the test also fails when a FlaskForm's free-text field was never reached,
unless it is listed in ``NOT_REACHED`` with the reason.
"""

from __future__ import annotations

import csv
import importlib
import io
import pkgutil
import re
from urllib.parse import urlencode

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, TelField, TextAreaField, URLField
from wtforms.fields.core import UnboundField

import marketplace
from marketplace.core.spreadsheets import is_runnable
from tests.client import FormClient
from tests.security.conftest import client_for
from tests.security.crawl import crawl, endpoint_of
from tests.security.filler import PAYLOAD, submit
from tests.security.html import active_content, local_path

# Submitters run in this order (a registration first, the commissioner after the providers have responded).
SUBMITTERS = ["anonymous", "provider_a", "provider_b", "commissioner", "commissioner_b", "assessor", "admin"]
READERS = [*SUBMITTERS, "pending_commissioner"]
NOT_SUBMITTED = {
    "accounts.sign_out": "ends the session the probe needs",
    "accounts.profile": "password change only: nothing displayed",
}
# Button-only forms that would undo the probe's work (or end its session) are not pressed.
DESTRUCTIVE = re.compile(r"delete|remove|withdraw|cancel|decline|leave|deactivate|revoke|unpublish|close|sign_out")
FRAMEWORK_CSV = (
    "theme,aim,outcome,measure,current_position,target,timescale,lead,ecm_outcomes\n"
    f'"{PAYLOAD}","{PAYLOAD}","{PAYLOAD}","{PAYLOAD}","{PAYLOAD}","{PAYLOAD}","{PAYLOAD}","{PAYLOAD}",enjoy-and-achieve\n'
)
LOCALITIES_CSV = f'ons_code,name,tier,parent_ons_code,region\nE06999999,"{PAYLOAD}",unitary,,"{PAYLOAD}"\n'
# Files for upload fields the forms require (the fields are matched by name).
FILES = {
    "framework_file": ("framework.csv", FRAMEWORK_CSV.encode()),
    "csv_file": ("localities.csv", LOCALITIES_CSV.encode()),
}
# FlaskForm text fields the probe does not reach, and why.
NOT_REACHED: dict[tuple[str, str], str] = {
    ("ShortlistMatchesForm", "only"): (
        "posted by each match's 'Add to shortlist' button, not typed: its value must be one of the need's current "
        "matches (any other is refused before anything is saved or shown), so no text of the poster's reaches a page"
    ),
}


def _csv_problems(url: str, response) -> list[str]:
    rows = csv.reader(io.StringIO(response.get_data(as_text=True)))
    return [f"{url}: formula cell {cell[:40]!r}" for row in rows for cell in row if is_runnable(cell)]


class Probe:
    """Submits every form a role can reach and keeps what it found."""

    def __init__(self, app, world) -> None:
        self.app = app
        self.world = world
        self.arg_sets = [world.url_args, {**world.url_args, "need_id": world.private_need_id}]
        self.adapter = app.url_map.bind("localhost")
        self.problems: list[str] = []
        self.tried: set[str] = set()
        self.stored: set[str] = set()
        self.accepted: set[str] = set()

    def check(self, response, url: str) -> None:
        if response.status_code >= 500:
            self.problems.append(f"{url}: {response.status_code}")
        elif response.mimetype == "text/html":
            self.problems += [f"{url}: {item}" for item in active_content(response.get_data(as_text=True), url)]

    def submit_all(self, role: str, *, rounds: int = 4) -> None:
        """Submit each form once (per endpoint and set of fields). Forms with only buttons move things on
        (assign, publish, apply) unless their endpoint sounds destructive; the pages where something was
        submitted are read again for the forms the new state shows (an assessor's review after assignment)."""
        seen: set[tuple] = set()
        client = client_for(self.app, self.world, role)
        found = crawl(self.app, client, self.arg_sets)
        for _ in range(rounds):
            pressed = {page_url: self._submit(role, page_url, form, seen) for page_url, form in found.forms}
            if not any(pressed.values()):
                break
            found = crawl(self.app, client, [], seeds=[url for url, kind in pressed.items() if kind])

    def _submit(self, role: str, page_url: str, form, seen: set[tuple]) -> str:
        """Submit one form; returns "button" for a button-only form, "text" for a filled one, "" if skipped."""
        path = local_path(form.action)
        match = endpoint_of(self.adapter, path or "", form.method.upper()) if path else None
        key = (match and match[0], form.method, tuple(item.name for item in form.fields))
        if key in seen or match is None or match[0] in NOT_SUBMITTED:
            return ""
        if not form.text_fields and (form.method == "get" or DESTRUCTIVE.search(match[0])):
            return ""
        seen.add(key)
        if form.method == "get":
            self._reflect(role, form)
            return ""
        # A guest form (registration) signs the client in: each gets a fresh guest.
        client = FormClient(self.app.test_client()) if role == "anonymous" else client_for(self.app, self.world, role)
        response, tried, carried = submit(
            client, page_url, form, FILES, check=lambda answer, url=path: self.check(answer, url)
        )
        self.tried |= tried
        if response.status_code in {301, 302, 303}:
            self.stored |= carried
            self.accepted.add(match[0])
        return "text" if form.text_fields else "button"

    def _reflect(self, role: str, form) -> None:
        data = form.values()
        for item in form.text_fields:
            data[item.name] = [PAYLOAD]
        self.tried |= {item.name for item in form.text_fields}
        url = f"{local_path(form.action).split('?')[0]}?{urlencode(data, doseq=True)}"
        self.check(client_for(self.app, self.world, role).get(url), url)

    def read_all(self, role: str) -> int:
        """Check every page ``role`` can reach; returns how many show the payload (as text)."""
        found = crawl(self.app, client_for(self.app, self.world, role), self.arg_sets)
        shown = 0
        for url, html in found.html.items():
            self.problems += [f"{url} as {role}: {item}" for item in active_content(html, url)]
            shown += "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;script>alert(1)&lt;/script>" in html
        for url, response in found.other.items():
            if response.mimetype == "text/csv":
                self.problems += _csv_problems(url, response)
        return shown


def test_payloads_in_every_form_are_rendered_inert_on_every_page_of_every_role(app, security_world):
    probe = Probe(app, security_world)
    for role in SUBMITTERS:
        probe.submit_all(role)
    shown = {role: probe.read_all(role) for role in READERS}

    assert probe.problems == []
    # The probe is not vacuous: forms were accepted with the payload, and pages show it as text.
    assert {"offers.new", "needs.new", "consortia.new", "registration.register"} <= probe.accepted, probe.accepted
    assert shown["provider_a"] and shown["commissioner"] and shown["admin"], shown
    # Every free-text field of every form class was probed (a new form is covered once a page shows it).
    missed = {
        (form_name, field_name)
        for form_name, field_name in text_fields_of_form_classes()
        if field_name not in probe.tried and (form_name, field_name) not in NOT_REACHED
    }
    assert sorted(missed) == [], "reach these fields from a page in the walk, or explain them in NOT_REACHED"


def text_fields_of_form_classes() -> set[tuple[str, str]]:
    for module in pkgutil.walk_packages(marketplace.__path__, "marketplace."):
        importlib.import_module(module.name)
    classes, queue = set(), [FlaskForm]
    while queue:
        for subclass in queue.pop().__subclasses__():
            queue.append(subclass)
            if subclass.__module__.startswith("marketplace."):
                classes.add(subclass)
    not_free_text = (PasswordField, HiddenField, EmailField, URLField, TelField)
    fields = set()
    for form_class in classes:
        for name in dir(form_class):
            unbound = getattr(form_class, name, None)
            if not isinstance(unbound, UnboundField):
                continue
            kind = unbound.field_class
            if issubclass(kind, StringField | TextAreaField) and not issubclass(kind, not_free_text):
                fields.add((form_class.__name__, name))
    return fields


def test_the_inertness_check_finds_what_a_browser_would_run():
    html = (
        '<script src="/assets/app.js"></script><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'
        "<script>alert(1)</script><img src=x onerror=alert(1)><a href=' javascript:alert(1)'>x</a>"
        '<script src="https://evil.example/x.js"></script>'
    )

    found = active_content(html)

    assert len(found) == 4, found  # the app's own script file and escaped text are fine


def test_csv_cells_that_start_a_formula_are_reported():
    class Answer:
        @staticmethod
        def get_data(as_text=True):
            return 'name,price\n\'=1+2,5\n=HYPERLINK("https://evil.example"),-3\n'

    assert _csv_problems("/x.csv", Answer()) == [
        "/x.csv: formula cell '=HYPERLINK(\"https://evil.example\")'",
        "/x.csv: formula cell '-3'",
    ]
