"""The header navigation for each role. Each item names an endpoint, so a renamed view fails loudly in tests."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_login import current_user

from marketplace.core.roles import Role

PUBLIC_ITEMS = [
    ("Search", "search.directory"),
    ("Directory", "directory.organisation_list"),
    ("Consortia", "consortia.directory"),
    ("Opportunities", "needs.board"),
    ("Kitemarked", "kitemark.kitemarked"),
]
ROLE_ITEMS: dict[Role, list[tuple[str, str]]] = {
    Role.PROVIDER: [
        ("Dashboard", "directory.dashboard"),
        ("Profile", "directory.profile"),
        ("Offers", "offers.index"),
        ("Evidence", "evidence.index"),
        ("Kitemark", "kitemark.provider_page"),
        ("Your consortia", "consortia.index"),
        ("Opportunities for you", "matching.opportunities"),
        ("Responses", "responses.index"),
        ("Team", "accounts.team"),
    ],
    Role.COMMISSIONER: [
        ("Dashboard", "commissioning.dashboard"),
        ("Needs", "needs.index"),
        ("Frameworks", "frameworks.index"),
        ("Area overview", "area.overview"),
        ("Team", "accounts.team"),
    ],
    Role.ASSESSOR: [("Assessments", "kitemark.queue"), ("Kitemarks", "kitemark.awards")],
    Role.ADMIN: [
        ("Admin", "admin.home"),
        ("Users", "accounts_admin.index"),
        ("Reference data", "reference.index"),
        ("Audit log", "audit.index"),
    ],
}
SIGNED_IN_ITEMS = [
    ("Saved searches", "search.saved_searches"),
    ("Notifications", "notifications.index"),
    ("Your account", "accounts.profile"),
]
ANONYMOUS_ITEMS = [("Sign in", "accounts.sign_in"), ("Create an account", "accounts.register")]


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    active: bool


def navigation_items() -> list[NavItem]:
    entries = list(PUBLIC_ITEMS)
    if current_user.is_authenticated:
        entries += ROLE_ITEMS[current_user.role_enum] + SIGNED_IN_ITEMS
    else:
        entries += ANONYMOUS_ITEMS
    items = []
    for text, endpoint in entries:
        href = url_for(endpoint)
        items.append(NavItem(text, href, active=request.endpoint == endpoint))
    return items
