"""Lists: the assessor queue (oldest first, filtered by region and organisation type) and the public
kitemarked list (filtered by locality, organisation type and outcome, also as CSV).

Filter values come from the query string; anything unknown is dropped, never an error.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from marketplace.core.clock import utcnow
from marketplace.core.spreadsheets import safe_cell
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.kitemark.models import ApplicationStatus, Kitemark, KitemarkApplication
from marketplace.kitemark.services import published_kitemarked
from marketplace.reference.geography import locality_by_code, overlapping_ids
from marketplace.reference.models import Locality
from marketplace.reference.services import terms_by_code

QUEUE_VIEWS = {
    "waiting": ("Waiting for review", (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)),
    "changes": ("Waiting for the provider", (ApplicationStatus.CHANGES_REQUESTED,)),
}


def age_text(since: datetime, now: datetime | None = None) -> str:
    days = max(0, ((now or utcnow()) - since).days)
    if days == 0:
        return "Today"
    return f"{days} day{'' if days == 1 else 's'}"


def ago_text(since: datetime, now: datetime | None = None) -> str:
    """How long ago, as a sentence part: "today", "1 day ago", "12 days ago" (never "Today ago")."""
    days = max(0, ((now or utcnow()) - since).days)
    if days == 0:
        return "today"
    return f"{days} day{'' if days == 1 else 's'} ago"


def regions() -> list[str]:
    return sorted(r for r in db.session.scalars(select(Locality.region).distinct()) if r)


def _regions_of(organisation: Organisation) -> set[str]:
    return {locality.region for locality in organisation.localities}


def _type_code(organisation: Organisation) -> str:
    return organisation.organisation_type.code if organisation.organisation_type else ""


@dataclass
class QueueFilters:
    view: str = "waiting"
    region: str = ""
    organisation_type: str = ""


def parse_queue_filters(args: Mapping) -> QueueFilters:
    region = args.get("region", "")
    type_code = args.get("organisation_type", "")
    return QueueFilters(
        view=args.get("view") if args.get("view") in QUEUE_VIEWS else "waiting",
        region=region if region in regions() else "",
        organisation_type=type_code if type_code in terms_by_code("organisation_type") else "",
    )


def queue(filters: QueueFilters) -> list[KitemarkApplication]:
    """Open applications, oldest first."""
    statuses = QUEUE_VIEWS[filters.view][1]
    query = select(KitemarkApplication).where(KitemarkApplication.status.in_(statuses))
    applications = db.session.scalars(query.order_by(KitemarkApplication.submitted_at, KitemarkApplication.id))
    return [
        application
        for application in applications
        if (not filters.region or filters.region in _regions_of(application.organisation))
        and (not filters.organisation_type or filters.organisation_type == _type_code(application.organisation))
    ]


@dataclass
class PublicFilters:
    locality: str = ""
    organisation_type: str = ""
    outcome: str = ""
    chosen_locality: Locality | None = field(default=None, repr=False)

    def as_args(self) -> dict[str, str]:
        args = {"locality": self.locality, "organisation_type": self.organisation_type, "outcome": self.outcome}
        return {key: value for key, value in args.items() if value}


def parse_public_filters(args: Mapping) -> PublicFilters:
    locality = locality_by_code((args.get("locality") or "")[:9])
    type_code, outcome = args.get("organisation_type", ""), args.get("outcome", "")
    return PublicFilters(
        locality=locality.ons_code if locality else "",
        organisation_type=type_code if type_code in terms_by_code("organisation_type") else "",
        outcome=outcome if outcome in terms_by_code("ecm_outcome") else "",
        chosen_locality=locality,
    )


def _serves(organisation: Organisation, locality: Locality) -> bool:
    """Serves a locality overlapping the chosen one: itself, its county or one of its districts."""
    wanted = overlapping_ids(locality)
    return any(served.id in wanted for served in organisation.localities)


def _outcome_codes(organisation: Organisation) -> set[str]:
    return {contribution.outcome.code for contribution in organisation.outcome_contributions}


def kitemarked_list(filters: PublicFilters) -> list[tuple[Organisation, Kitemark]]:
    return [
        (organisation, kitemark)
        for organisation, kitemark in published_kitemarked()
        if (filters.chosen_locality is None or _serves(organisation, filters.chosen_locality))
        and (not filters.organisation_type or filters.organisation_type == _type_code(organisation))
        and (not filters.outcome or filters.outcome in _outcome_codes(organisation))
    ]


def kitemarked_csv(rows: list[tuple[Organisation, Kitemark]], profile_url) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Organisation", "Type", "Areas served", "Kitemark awarded", "Kitemark expires", "Profile"])
    for organisation, kitemark in rows:
        cells = [
            organisation.name,
            organisation.organisation_type.label if organisation.organisation_type else "",
            "; ".join(locality.name for locality in organisation.localities),
            kitemark.awarded_on.isoformat(),
            kitemark.expires_on.isoformat(),
            profile_url(organisation),
        ]
        writer.writerow([safe_cell(cell) for cell in cells])
    return buffer.getvalue()
