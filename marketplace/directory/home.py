"""What the home page shows is on offer: published organisations per outcome and per area, open needs, kitemarks.

The home page is the most visited page, so every figure is one aggregate query, whatever the size of the
directory (5,000 organisations cost what 5 do). The counts follow the search page's rules, so the number beside a
link is the number of organisations the search it opens lists (consortia aside): an organisation counts for an
outcome when its outcome contributions or its offers name it, and for an area (a county or a single-tier
authority) when it or its offers serve that area or one of its districts.

Recent needs and the kitemark count come from commissioning and kitemark, which sit above the directory (they
import it, so it cannot import them). As with :mod:`marketplace.directory.profile_extras`, the app factory hands
their functions to :func:`init_home_extras`, so the one place tying them to this page is visible in ``create_app``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import distinct, func, select, union
from sqlalchemy.orm import aliased

from marketplace.directory.models import (
    Offer,
    Organisation,
    OrganisationStatus,
    OutcomeContribution,
    offer_locality,
    offer_outcome,
    organisation_locality,
)
from marketplace.extensions import db
from marketplace.reference.models import Locality, Term, Vocabulary

EXTENSION_KEY = "directory.home_extras"
TOP_AREAS = 10
RECENT_NEEDS = 5

# What the home page reads from other domains, with what it shows when none supplies it.
SLOTS: dict[str, Any] = {"recent_needs": (), "kitemarked_count": None}

HomeExtra = Callable[[], Any]


@dataclass(frozen=True)
class Count:
    """One figure on the home page and the search filter that lists what it counts."""

    code: str
    label: str
    count: int


def published_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.status == OrganisationStatus.PUBLISHED)
    )


def outcome_counts() -> list[Count]:
    """Published organisations per Every Child Matters outcome (each outcome, in its order, even at 0)."""
    named = union(
        select(
            OutcomeContribution.organisation_id.label("organisation_id"),
            OutcomeContribution.outcome_id.label("term_id"),
        ),
        select(Offer.organisation_id, offer_outcome.c.term_id).join(Offer, Offer.id == offer_outcome.c.offer_id),
    ).subquery()
    published = (
        select(named.c.term_id, named.c.organisation_id)
        .join(Organisation, Organisation.id == named.c.organisation_id)
        .where(Organisation.status == OrganisationStatus.PUBLISHED)
        .subquery()
    )
    query = (
        select(Term.code, Term.label, func.count(distinct(published.c.organisation_id)))
        .join(Vocabulary, Vocabulary.id == Term.vocabulary_id)
        .outerjoin(published, published.c.term_id == Term.id)
        .where(Vocabulary.key == "ecm_outcome")
        .group_by(Term.id, Term.code, Term.label, Term.position)
        .order_by(Term.position, Term.id)
    )
    return [Count(code, label, count) for code, label, count in db.session.execute(query)]


def area_counts(limit: int = TOP_AREAS) -> list[Count]:
    """The areas (counties and single-tier authorities) served by the most published organisations, most first."""
    served = union(
        select(organisation_locality.c.organisation_id, organisation_locality.c.locality_id),
        select(Offer.organisation_id, offer_locality.c.locality_id).join(Offer, Offer.id == offer_locality.c.offer_id),
    ).subquery()
    area = aliased(Locality)
    providers = func.count(distinct(served.c.organisation_id))
    query = (
        select(area.ons_code, area.name, providers)
        .select_from(served)
        .join(Organisation, Organisation.id == served.c.organisation_id)
        .join(Locality, Locality.id == served.c.locality_id)
        .join(area, area.id == func.coalesce(Locality.parent_id, Locality.id))  # a district counts for its county
        .where(Organisation.status == OrganisationStatus.PUBLISHED)
        .group_by(area.id, area.ons_code, area.name)
        .order_by(providers.desc(), area.name)
        .limit(limit)
    )
    return [Count(code, name, count) for code, name, count in db.session.execute(query)]


def init_home_extras(app: Flask, **extras: HomeExtra) -> None:
    """Name the function that computes each slot; an unknown slot is a wiring mistake."""
    unknown = set(extras) - set(SLOTS)
    if unknown:
        raise ValueError(f"The home page has no slot named {', '.join(sorted(unknown))}")
    app.extensions[EXTENSION_KEY] = dict(extras)


def home_figures() -> dict[str, Any]:
    """Everything the home page shows, as plain values for the template."""
    extras: dict[str, HomeExtra] = current_app.extensions.get(EXTENSION_KEY, {})
    return {
        **SLOTS,
        **{name: compute() for name, compute in extras.items()},
        "published_count": published_count(),
        "outcome_counts": outcome_counts(),
        "area_counts": area_counts(),
    }
