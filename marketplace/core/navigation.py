"""The service navigation for each role, built around tasks (the GOV.UK service navigation pattern).

Each role sees at most six task areas, so the row fits one line on a laptop; the pages inside an area (offers
and evidence inside "Profile", matched opportunities inside "Opportunities") mark their area as current rather
than each having a link of its own. Account links (notifications, your account) sit in the header instead.
Items name endpoints, so a renamed view fails loudly in tests, and an item whose view would refuse the
current user (a commissioner still waiting for approval) is left out: the navigation never leads to a 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request, url_for
from flask_login import current_user

from marketplace.core.permissions import permission_for
from marketplace.core.roles import Role


@dataclass(frozen=True)
class Area:
    """A navigation entry: its link and the other endpoints (or whole ``blueprint.`` prefixes) that belong to it."""

    text: str
    endpoint: str
    within: tuple[str, ...] = field(default=())

    def contains(self, endpoint: str | None) -> bool:
        if endpoint is None:
            return False
        if endpoint == self.endpoint:
            return True
        return any(endpoint == other or (other.endswith(".") and endpoint.startswith(other)) for other in self.within)


SEARCH = Area("Search", "search.directory", ("search.", "directory.organisation", "directory.organisation_list"))
PUBLIC_AREAS = [
    SEARCH,
    Area("Directory", "directory.organisation_list", ("directory.organisation",)),
    Area("Opportunities", "needs.board", ("needs.need",)),
    Area("Consortia", "consortia.directory", ("consortia.consortium",)),
    Area("Kitemarked", "kitemark.kitemarked"),
]
PROFILE_PAGES = ("directory.profile_step", "directory.publish", "offers.", "evidence.", "kitemark.provider_page")
ROLE_AREAS: dict[Role, list[Area]] = {
    Role.PROVIDER: [
        Area("Dashboard", "directory.dashboard", ("accounts.team", "consortia.index", "consortia.new")),
        Area(
            "Profile",
            "directory.profile",
            (
                "directory.profile_step",
                "directory.publish",
                "offers.",
                "evidence.",
                "kitemark.provider_page",
                "kitemark.apply",
                "revisions.provider_changes",
                "contributions.",
            ),
        ),
        Area("Opportunities", "needs.board", ("needs.need", "matching.", "responses.respond")),
        Area("Responses", "responses.index", ("responses.",)),
        Area("Your contracts", "monitoring.provider_contracts", ("monitoring.",)),
        Area("Search", SEARCH.endpoint, SEARCH.within + ("consortia.", "kitemark.kitemarked")),
    ],
    Role.COMMISSIONER: [
        Area("Dashboard", "commissioning.dashboard", ("accounts.team",)),
        Area("Needs", "needs.index", ("needs.", "responses.", "shortlists.")),
        Area("Contracts", "monitoring.portfolio", ("monitoring.",)),
        Area("Search", SEARCH.endpoint, SEARCH.within + ("consortia.", "kitemark.kitemarked")),
        Area("Area overview", "area.overview", ("area.",)),
        Area("Frameworks", "frameworks.index", ("frameworks.",)),
    ],
    Role.ASSESSOR: [
        Area("Assessments", "kitemark.queue", ("kitemark.",)),
        Area("Kitemarks", "kitemark.awards"),
        Area("Changes to review", "revisions.queue", ("revisions.",)),
        SEARCH,
    ],
    Role.ADMIN: [
        Area("Admin", "admin.home", ("admin.",)),
        Area("Users", "accounts_admin.index", ("accounts_admin.",)),
        Area("Reference data", "reference.index", ("reference.",)),
        Area("Audit log", "audit.index", ("audit.",)),
        SEARCH,
    ],
}
ACCOUNT_AREAS = [
    Area("Notifications", "notifications.index", ("notifications.",)),
    Area("Your account", "accounts.profile", ("search.saved_searches",)),
]
ANONYMOUS_AREAS = [Area("Sign in", "accounts.sign_in"), Area("Create an account", "registration.register")]


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    active: bool


def _usable(area: Area) -> bool:
    permission = permission_for(area.endpoint)
    return permission is not None and permission.allows(current_user)


def _items(areas: list[Area]) -> list[NavItem]:
    usable = [area for area in areas if _usable(area)]
    exact = next((area for area in usable if area.endpoint == request.endpoint), None)
    current = exact or next((area for area in usable if area.contains(request.endpoint)), None)
    return [NavItem(area.text, url_for(area.endpoint), active=area is current) for area in usable]


def _role_areas() -> list[Area]:
    areas = ROLE_AREAS[current_user.role_enum]
    # A provider with no organisation yet (waiting for a request to join) has no profile or responses to open
    waiting_to_join = current_user.role_enum is Role.PROVIDER and current_user.organisation_id is None
    if all(_usable(area) for area in areas) and not waiting_to_join:
        return areas
    # Not yet allowed into their role's pages (a commissioner waiting for approval): the public areas instead
    return PUBLIC_AREAS


def navigation_items() -> list[NavItem]:
    """The task areas in the service navigation for whoever is signed in (or not)."""
    if current_user.is_authenticated:
        return _items(_role_areas())
    return _items(PUBLIC_AREAS + ANONYMOUS_AREAS)


def account_items() -> list[NavItem]:
    """The signed-in account's own links, shown in the header beside "Sign out"."""
    if not current_user.is_authenticated:
        return []
    return _items(ACCOUNT_AREAS)
