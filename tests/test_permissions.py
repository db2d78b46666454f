"""Every route declares who may use it, and every role gets the right answer on every route.

The walk covers ``app.url_map``: a new route without a row in one of the ``tests/permissions`` tables fails
``test_expected_table_covers_every_route``, so access rules are decided when a route is written.
Statuses are for requests without a CSRF token: an allowed POST therefore gets 400, a refused one 302/403/404.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask import Flask

import tests.permissions
from marketplace.core.permissions import public
from marketplace.core.roles import Role
from marketplace.directory.models import OrganisationStatus
from tests import factories
from tests.client import FormClient
from tests.permissions.roles import ROLES

TABLES = [
    importlib.import_module(f"tests.permissions.{module.name}")
    for module in pkgutil.iter_modules(tests.permissions.__path__)
    if module.name != "roles"
]
EXPECTED: dict[tuple[str, str], dict[str, int]] = {}
for table in TABLES:
    overlap = EXPECTED.keys() & table.EXPECTED.keys()
    assert not overlap, f"{table.__name__} repeats {overlap}"
    EXPECTED.update(table.EXPECTED)


@pytest.fixture
def world(app):
    """One of each role (provider A's organisation is a draft), plus each table's objects owned by provider A."""
    org_a = factories.make_organisation("Organisation A", status=OrganisationStatus.DRAFT)
    org_b = factories.make_organisation("Organisation B", status=OrganisationStatus.PUBLISHED)
    body = factories.make_body("Derby Children's Services")
    users = {
        "provider_a": factories.make_provider(org_a),
        "provider_b": factories.make_provider(org_b),
        "commissioner": factories.make_commissioner(body),
        "pending_commissioner": factories.make_commissioner(body, approved=False, is_org_admin=False),
        "assessor": factories.make_user(Role.ASSESSOR),
        "admin": factories.make_user(Role.ADMIN),
    }
    url_args: dict = {}
    for table in TABLES:
        if hasattr(table, "make_url_args"):
            url_args.update(table.make_url_args(users))
    return users, url_args


def _routes(app: Flask):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield rule, method


def test_every_view_declares_a_permission(app):
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and getattr(view, "permission", None) is None
    ]
    assert undeclared == []


def test_expected_table_covers_every_route(app):
    routes = {(rule.endpoint, method) for rule, method in _routes(app)}
    assert sorted(routes - EXPECTED.keys()) == [], "add these routes to a table in tests/permissions"
    assert sorted(EXPECTED.keys() - routes) == [], "these rows name routes that no longer exist"


def test_a_route_without_a_declared_permission_is_refused(app):
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    app.add_url_rule("/declared", "declared", public(lambda: "open"))
    client = app.test_client()
    assert client.get("/undeclared").status_code == 403
    assert client.get("/declared").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_route(app, world, role):
    users, url_args = world
    client = FormClient(app.test_client())
    if role != "anonymous":
        client.sign_in(users[role].email)
    mismatches = []
    for rule, method in _routes(app):
        url = rule.build({name: url_args[name] for name in rule.arguments}, append_unknown=False)[1]
        response = client.open(url, method=method)
        response.close()  # ends a streamed body (the audit CSV) now, not when it is garbage-collected later
        expected = EXPECTED[(rule.endpoint, method)][role]
        if response.status_code != expected:
            mismatches.append(f"{method} {url} ({rule.endpoint}): expected {expected}, got {response.status_code}")
    assert mismatches == []
