"""The probes' world: the permission walk's roles and objects (built by the same ``tests/permissions`` tables, so
a new route's objects come with it), plus a commissioner of another body and private commissioning objects."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from marketplace.commissioning.models import NeedStatus
from tests import factories
from tests.client import FormClient
from tests.factories import make_need
from tests.test_permissions import world  # noqa: F401 - the walk's fixture, reused as is


@dataclass
class SecurityWorld:
    users: dict
    url_args: dict
    private_need_id: int
    clients: dict[str, FormClient] = field(default_factory=dict)


@pytest.fixture
def security_world(app, world) -> SecurityWorld:  # noqa: F811 - ``world`` is the walk's fixture
    """The walk's world plus ``commissioner_b`` (approved, another body) and a draft need of the first body."""
    users, url_args = world
    users["commissioner_b"] = factories.make_commissioner(factories.make_body("Leicester Children's Services"))
    body = users["commissioner"].commissioning_body
    draft = make_need(body, status=NeedStatus.DRAFT, title="Confidential draft need", ref="security-draft-need")
    return SecurityWorld(users=users, url_args=url_args, private_need_id=draft.id)


def client_for(app: Flask, setup: SecurityWorld, role: str) -> FormClient:
    """A client signed in as ``role`` (``anonymous`` is not signed in), one per role per test."""
    if role not in setup.clients:
        client = FormClient(app.test_client())
        if role != "anonymous":
            client.sign_in(setup.users[role].email)
        setup.clients[role] = client
    return setup.clients[role]


def routes(app: Flask, methods: set[str]) -> Iterator[tuple[Rule, str]]:
    """Every (rule, method) of the url map with one of ``methods``, static files left out."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods & methods):
            yield rule, method


def object_arguments(rule: Rule) -> list[str]:
    """The rule's integer arguments: object ids."""
    return [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]


def build_url(rule: Rule, url_args: dict) -> str:
    return rule.build({name: url_args[name] for name in rule.arguments}, append_unknown=False)[1]
