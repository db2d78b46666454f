"""Every route declares who may use it, and every role gets the right answer on every route.

The walk covers ``app.url_map``: a new route without a row in ``EXPECTED`` fails
``test_expected_table_covers_every_route``, so access rules are decided when a route is written.
Statuses are for requests without a CSRF token: an allowed POST therefore gets 400, a refused one 302/403/404.
"""

from __future__ import annotations

import pytest
from flask import Flask

from marketplace.accounts.services import invite_member
from marketplace.core.permissions import public
from marketplace.core.roles import Role
from marketplace.directory.models import OrganisationStatus
from tests import factories
from tests.helpers import FormClient

ROLES = ("anonymous", "provider_a", "provider_b", "commissioner", "pending_commissioner", "assessor", "admin")
SIGNED_IN = ROLES[1:]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, **overrides: int) -> dict[str, int]:
    return {"anonymous": 302, **dict.fromkeys(SIGNED_IN, status), **overrides}


def only(*roles: str, status: int = 200) -> dict[str, int]:
    """Signed-in users outside ``roles`` get 403; anonymous users are sent to sign in."""
    return {"anonymous": 302, **dict.fromkeys(SIGNED_IN, 403), **dict.fromkeys(roles, status)}


GUEST_PAGE = {**everyone(200), **dict.fromkeys(SIGNED_IN, 302)}  # signed-in users are sent to their dashboard

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("core.home", "GET"): everyone(200),
    ("core.accessibility", "GET"): everyone(200),
    ("core.privacy", "GET"): everyone(200),
    ("core.dashboard", "GET"): signed_in(302),
    ("core.assessor_home", "GET"): only("assessor"),
    ("core.admin_home", "GET"): only("admin"),
    ("accounts.sign_in", "GET"): GUEST_PAGE,
    ("accounts.sign_in", "POST"): everyone(400),
    ("accounts.register", "GET"): GUEST_PAGE,
    ("accounts.register", "POST"): everyone(400),
    ("accounts.sign_out", "POST"): signed_in(400),
    ("accounts.forgot_password", "GET"): everyone(200),
    ("accounts.forgot_password", "POST"): everyone(400),
    ("accounts.reset_password", "GET"): everyone(404),  # the walk uses an invalid token
    ("accounts.reset_password", "POST"): everyone(400),
    ("accounts.accept_invitation", "GET"): everyone(404),  # the walk uses an invalid token
    ("accounts.accept_invitation", "POST"): everyone(400),
    ("accounts.profile", "GET"): signed_in(200),
    ("accounts.profile", "POST"): signed_in(400),
    ("accounts.team", "GET"): signed_in(200, assessor=404, admin=404),
    ("accounts.team", "POST"): signed_in(400),
    ("accounts.revoke_invitation", "POST"): signed_in(400),
    ("accounts_admin.index", "GET"): only("admin"),
    ("accounts_admin.approve", "POST"): only("admin", status=400),
    ("accounts_admin.deactivate", "POST"): only("admin", status=400),
    ("accounts_admin.activate", "POST"): only("admin", status=400),
    ("accounts_admin.invite_staff", "GET"): only("admin"),
    ("accounts_admin.invite_staff", "POST"): only("admin", status=400),
    ("reference.index", "GET"): only("admin"),
    ("reference.vocabulary", "GET"): only("admin"),
    ("reference.localities", "GET"): only("admin"),
    ("reference.import_localities", "GET"): only("admin"),
    ("reference.import_localities", "POST"): only("admin", status=400),
    ("directory.dashboard", "GET"): only("provider_a", "provider_b"),
    ("directory.organisation_list", "GET"): everyone(200),
    # Organisation A is a draft: only its members, assessors and admins may see it.
    ("directory.organisation", "GET"): {**everyone(404), "provider_a": 200, "assessor": 200, "admin": 200},
    ("commissioning.dashboard", "GET"): only("commissioner"),
    ("notifications.index", "GET"): signed_in(200),
    ("notifications.mark_read", "POST"): signed_in(400),
}


@pytest.fixture
def world(app):
    """One of each role, provider A's draft organisation and an invitation it sent."""
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
    invitation = invite_member(users["provider_a"], "new.colleague@example.org")
    url_args = {
        "organisation_id": org_a.id,
        "user_id": users["pending_commissioner"].id,
        "invitation_id": invitation.id,
        "token": "not-a-valid-token",
        "key": "ecm_outcome",
    }
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
    assert sorted(routes - EXPECTED.keys()) == [], "add these routes to EXPECTED"
    assert sorted(EXPECTED.keys() - routes) == [], "these EXPECTED rows name routes that no longer exist"


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
        expected = EXPECTED[(rule.endpoint, method)][role]
        if response.status_code != expected:
            mismatches.append(f"{method} {url} ({rule.endpoint}): expected {expected}, got {response.status_code}")
    assert mismatches == []
