"""What the public verify page and the embeddable badge say, computed fresh on every request.

A provider puts the badge on its own website; a commissioner follows it to ``/verify/<code>`` to check it. Both
read the same :class:`BadgeStatus`, so they never disagree, and its fingerprint is the badge's ETag: a suspension
changes the fingerprint at once, and the badge is served ``no-cache`` (every viewer revalidates, a cheap 304
while nothing changed), so no cache can go on showing a suspended kitemark.

The code is the organisation's number with a prefix (``CCM00042``): stable for as long as the organisation
exists, so a badge pasted into a website keeps working; only what is public on its profile is shown.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import date

from marketplace.core.clock import today
from marketplace.directory.models import Organisation, OrganisationStatus
from marketplace.extensions import db
from marketplace.kitemark.models import KitemarkStatus
from marketplace.kitemark.services import kitemark_in_force, latest_kitemark
from marketplace.verification.status import verification_state

SCHEME = "Cultural commissioning kitemark (Arts Council assessors)"
CODE = re.compile(r"^CCM(\d{5,9})$")


def code_for(organisation: Organisation) -> str:
    return f"CCM{organisation.id:05d}"


def organisation_for(code: str) -> Organisation | None:
    """The organisation a code names, if it is public (a draft has nothing to verify)."""
    match = CODE.match(code or "")
    organisation = db.session.get(Organisation, int(match.group(1))) if match else None
    if organisation is None or organisation.status == OrganisationStatus.DRAFT:
        return None
    return organisation


@dataclass(frozen=True)
class BadgeStatus:
    code: str
    name: str
    listing: str  # published | suspended
    kitemark: str  # kitemarked | suspended | lapsed | expired | none
    kitemark_awarded_on: date | None
    kitemark_expires_on: date | None
    kitemark_changed_on: date | None
    safeguarding: str  # verification_state key
    safeguarding_label: str
    safeguarding_until: date | None
    scheme: str = SCHEME

    @property
    def is_trusted(self) -> bool:
        return self.listing == "published" and self.kitemark == "kitemarked"

    def fingerprint(self) -> str:
        """A digest of everything shown: the badge's ETag."""
        data = json.dumps(asdict(self), default=str, sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()[:32]


def _kitemark(organisation: Organisation, on: date) -> tuple[str, object | None]:
    current = kitemark_in_force(organisation, on)
    if current is not None:
        return "kitemarked", current
    latest = latest_kitemark(organisation)
    if latest is None:
        return "none", None
    if latest.status == KitemarkStatus.SUSPENDED:
        return "suspended", latest
    if latest.status == KitemarkStatus.LAPSED:
        return "lapsed", latest
    return "expired", latest


def badge_status(organisation: Organisation, on: date | None = None) -> BadgeStatus:
    on = on or today()
    kitemark_key, kitemark = _kitemark(organisation, on)
    state = verification_state(organisation)
    changed = getattr(kitemark, "status_changed_at", None) if kitemark_key != "kitemarked" else None
    return BadgeStatus(
        code=code_for(organisation),
        name=organisation.name,
        listing="suspended" if organisation.status == OrganisationStatus.SUSPENDED else "published",
        kitemark=kitemark_key if organisation.status != OrganisationStatus.SUSPENDED else "suspended",
        kitemark_awarded_on=getattr(kitemark, "awarded_on", None),
        kitemark_expires_on=getattr(kitemark, "expires_on", None),
        kitemark_changed_on=changed.date() if changed is not None else None,
        safeguarding=state.key,
        safeguarding_label=state.label,
        safeguarding_until=state.valid_until,
    )


KITEMARK_WORDS = {
    "kitemarked": "Kitemarked",
    "suspended": "Kitemark suspended",
    "lapsed": "Kitemark lapsed",
    "expired": "Kitemark expired",
    "none": "Not kitemarked",
}
BADGE_COLOURS = {"kitemarked": "#00703c", "suspended": "#d4351c", "lapsed": "#505a5f", "expired": "#505a5f"}


def badge_lines(status: BadgeStatus) -> tuple[str, str, str]:
    """The badge's headline, its second line and its colour."""
    headline = KITEMARK_WORDS[status.kitemark]
    if status.kitemark == "kitemarked" and status.kitemark_expires_on is not None:
        headline += f" until {status.kitemark_expires_on.strftime('%-d %b %Y')}"
    second = status.safeguarding_label
    if status.safeguarding_until is not None:
        second += f" until {status.safeguarding_until.strftime('%-d %b %Y')}"
    return headline, second, BADGE_COLOURS.get(status.kitemark, "#505a5f")
