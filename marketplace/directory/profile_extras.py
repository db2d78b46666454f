"""Values other domains add to an organisation's profile page: the kitemark badge and "Add to shortlist".

The directory sits below kitemark and commissioning (both import it), so it cannot import them. The app
factory, which sees every package, hands their functions to :func:`init_profile_extras`; the profile view
calls them and gives the template plain values. So no template calls into another domain through a global,
and the one place that ties these domains to the profile page is visible in ``create_app``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from marketplace.directory.models import Organisation

EXTENSION_KEY = "directory.profile_extras"

# The values directory/organisation.html (and the partials it includes) reads, with what it gets when no
# domain supplies them: no kitemark badge, no "Add to shortlist" form.
SLOTS: dict[str, Any] = {"kitemark_award": None, "shortlist_needs": ()}

# Whole sections of the page another domain writes, wired the same way (kept apart from the slots above, whose
# set is fixed): the statements written for commissioning bodies' frameworks (commissioning.contributions).
SECTIONS_KEY = "directory.profile_sections"
SECTIONS: dict[str, Any] = {"body_contributions": ()}

ProfileExtra = Callable[[Organisation], Any]


def init_profile_extras(app: Flask, **extras: ProfileExtra) -> None:
    """Name the function that computes each slot for an organisation; an unknown slot is a wiring mistake."""
    unknown = set(extras) - set(SLOTS)
    if unknown:
        raise ValueError(f"The profile page has no slot named {', '.join(sorted(unknown))}")
    app.extensions[EXTENSION_KEY] = dict(extras)


def profile_extras(organisation: Organisation) -> dict[str, Any]:
    """Every slot's value for ``organisation``: computed by the function given for it, else the default."""
    extras: dict[str, ProfileExtra] = current_app.extensions.get(EXTENSION_KEY, {})
    return {**SLOTS, **{name: compute(organisation) for name, compute in extras.items()}}


def init_profile_sections(app: Flask, **sections: ProfileExtra) -> None:
    """Name the function that computes each section for an organisation (see ``SECTIONS``)."""
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"The profile page has no section named {', '.join(sorted(unknown))}")
    app.extensions[SECTIONS_KEY] = dict(sections)


def profile_sections(organisation: Organisation) -> dict[str, Any]:
    sections: dict[str, ProfileExtra] = current_app.extensions.get(SECTIONS_KEY, {})
    return {**SECTIONS, **{name: compute(organisation) for name, compute in sections.items()}}
