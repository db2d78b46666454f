"""The commissioners' area overview: the cultural offer in a locality and the gaps in a body's frameworks.

Computed from the database (not the search index) with a few queries: the published organisations serving the
area, loaded with their offers and outcome contributions, then counted per Every Child Matters (ECM) outcome and
per service area. A locality's "area" is every locality overlapping it (:mod:`marketplace.reference.geography`),
so an organisation serving Derbyshire appears for Chesterfield and one serving Chesterfield for Derbyshire.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from marketplace.commissioning.models import (
    CommissioningBody,
    FrameworkAim,
    FrameworkOutcome,
    FrameworkTheme,
    OutcomesFramework,
)
from marketplace.core.spreadsheets import safe_cell
from marketplace.directory.models import Offer, Organisation, OrganisationStatus, OutcomeContribution
from marketplace.extensions import db
from marketplace.reference.geography import overlapping_ids
from marketplace.reference.models import Locality, Term
from marketplace.reference.services import terms_by_code
from marketplace.search.charts import Series, horizontal_bar_chart

FEW_PROVIDERS = 1  # a framework outcome with this many providers or fewer is a gap
MAX_CODE_LENGTH = 20


@dataclass
class CountRow:
    """Providers and offers for one ECM outcome or service area."""

    code: str
    label: str
    providers: int = 0
    offers: int = 0


@dataclass
class Gap:
    """A framework outcome with few or no providers in the area, or one not mapped to ECM outcomes."""

    framework: OutcomesFramework
    outcome: FrameworkOutcome
    providers: int
    mapped: bool


@dataclass
class AreaOverview:
    """Everything the area overview page and CSV show."""

    locality: Locality
    organisations: list[Organisation]
    offers: list[Offer]
    outcome_rows: list[CountRow]
    service_area_rows: list[CountRow]
    gaps: list[Gap] = field(default_factory=list)


def localities_by_region() -> list[tuple[str, list[Locality]]]:
    """All localities grouped by region (regions and names in alphabetical order) for a locality select."""
    groups: dict[str, list[Locality]] = defaultdict(list)
    for locality in db.session.scalars(select(Locality).order_by(Locality.name)):
        groups[locality.region or "Other"].append(locality)
    return sorted(groups.items())


def organisations_serving(locality_ids: set[int]) -> list[Organisation]:
    """Published organisations serving any of the localities, themselves or through an offer."""
    in_area = Locality.id.in_(locality_ids)
    query = (
        select(Organisation)
        .where(Organisation.status == OrganisationStatus.PUBLISHED)
        .where(or_(Organisation.localities.any(in_area), Organisation.offers.any(Offer.localities.any(in_area))))
        .options(
            selectinload(Organisation.localities),
            selectinload(Organisation.outcome_contributions).selectinload(OutcomeContribution.outcome),
            selectinload(Organisation.offers).selectinload(Offer.localities),
            selectinload(Organisation.offers).selectinload(Offer.outcomes),
            selectinload(Organisation.offers).selectinload(Offer.service_areas),
        )
        .order_by(Organisation.name)
    )
    return list(db.session.scalars(query))


def offers_in_area(organisations: Iterable[Organisation], locality_ids: set[int]) -> list[Offer]:
    """The organisations' offers available in the area: those naming a locality of the area, and those with no
    localities of their own (offered wherever the organisation works) when the organisation serves the area."""
    offers = []
    for organisation in organisations:
        serves = any(loc.id in locality_ids for loc in organisation.localities)
        for offer in organisation.offers:
            own = offer.localities
            if (serves and not own) or any(loc.id in locality_ids for loc in own):
                offers.append(offer)
    return offers


def _coverage(organisations: list[Organisation], offers: list[Offer]) -> dict[str, set[int]]:
    """ECM outcome code → ids of organisations whose outcome contributions or offers cover it."""
    covered: dict[str, set[int]] = defaultdict(set)
    for organisation in organisations:
        for contribution in organisation.outcome_contributions:
            covered[contribution.outcome.code].add(organisation.id)
    for offer in offers:
        for outcome in offer.outcomes:
            covered[outcome.code].add(offer.organisation_id)
    return covered


def _outcome_rows(organisations: list[Organisation], offers: list[Offer]) -> list[CountRow]:
    rows = {
        term.code: CountRow(term.code, term.label)
        for term in sorted(terms_by_code("ecm_outcome").values(), key=lambda t: t.position)
    }
    for organisation in organisations:
        for code in {c.outcome.code for c in organisation.outcome_contributions}:
            if code in rows:
                rows[code].providers += 1
    for offer in offers:
        for outcome in offer.outcomes:
            if outcome.code in rows:
                rows[outcome.code].offers += 1
    return list(rows.values())


def _service_area_rows(offers: list[Offer]) -> list[CountRow]:
    rows: dict[str, CountRow] = {}
    providers: dict[str, set[int]] = defaultdict(set)
    for offer in offers:
        for area in offer.service_areas:
            row = rows.setdefault(area.code, CountRow(area.code, area.label))
            row.offers += 1
            providers[area.code].add(offer.organisation_id)
    for code, row in rows.items():
        row.providers = len(providers[code])
    return sorted(rows.values(), key=lambda row: (-row.offers, row.label))


def _frameworks(body: CommissioningBody) -> list[OutcomesFramework]:
    query = (
        select(OutcomesFramework)
        .where(OutcomesFramework.body_id == body.id)
        .options(
            selectinload(OutcomesFramework.themes)
            .selectinload(FrameworkTheme.aims)
            .selectinload(FrameworkAim.outcomes)
            .selectinload(FrameworkOutcome.ecm_outcomes)
        )
        .order_by(OutcomesFramework.name)
    )
    return list(db.session.scalars(query))


def framework_gaps(body: CommissioningBody, covered: dict[str, set[int]]) -> list[Gap]:
    """The body's framework outcomes with at most ``FEW_PROVIDERS`` providers covering any of their mapped ECM
    outcomes, and those not mapped to ECM outcomes at all, in framework order."""
    gaps: list[Gap] = []
    for framework in _frameworks(body):
        for theme in framework.themes:
            for aim in theme.aims:
                for outcome in aim.outcomes:
                    gap = _gap(framework, outcome, covered)
                    if gap is not None:
                        gaps.append(gap)
    return gaps


def _gap(framework: OutcomesFramework, outcome: FrameworkOutcome, covered: dict[str, set[int]]) -> Gap | None:
    if not outcome.ecm_outcomes:
        return Gap(framework, outcome, providers=0, mapped=False)
    providers: set[int] = set()
    for term in outcome.ecm_outcomes:
        providers |= covered.get(term.code, set())
    if len(providers) > FEW_PROVIDERS:
        return None
    return Gap(framework, outcome, providers=len(providers), mapped=True)


def area_overview(locality: Locality, body: CommissioningBody | None) -> AreaOverview:
    """The cultural offer in ``locality`` and, when ``body`` is given, the gaps in its frameworks."""
    locality_ids = overlapping_ids(locality)
    organisations = organisations_serving(locality_ids)
    offers = offers_in_area(organisations, locality_ids)
    gaps = framework_gaps(body, _coverage(organisations, offers)) if body is not None else []
    return AreaOverview(
        locality=locality,
        organisations=organisations,
        offers=offers,
        outcome_rows=_outcome_rows(organisations, offers),
        service_area_rows=_service_area_rows(offers),
        gaps=gaps,
    )


def outcome_chart(overview: AreaOverview) -> str:
    """The SVG bar chart of providers and offers per ECM outcome (escaped; safe to insert as HTML)."""
    return horizontal_bar_chart(
        title=f"Providers and offers per Every Child Matters outcome in {overview.locality.name}",
        description="; ".join(
            f"{row.label}: {row.providers} providers, {row.offers} offers" for row in overview.outcome_rows
        ),
        rows=[(row.label, [row.providers, row.offers]) for row in overview.outcome_rows],
        series=[Series("Providers", "app-chart__bar"), Series("Offers", "app-chart__bar app-chart__bar--secondary")],
        chart_id="outcome-chart",
    )


def gap_label(gap: Gap) -> str:
    if not gap.mapped:
        return "Not mapped to ECM outcomes"
    return "No providers" if gap.providers == 0 else f"{gap.providers} provider"


def overview_rows(overview: AreaOverview) -> list[list[str]]:
    """The CSV rows (after the header): ECM outcomes, service areas and gaps."""
    rows: list[list[object]] = [["ECM outcome", row.label, row.providers, row.offers] for row in overview.outcome_rows]
    rows += [["Service area", row.label, row.providers, row.offers] for row in overview.service_area_rows]
    rows += [
        [f"Gap: {gap.framework.name}", gap.outcome.title, gap.providers if gap.mapped else "", gap_label(gap)]
        for gap in overview.gaps
    ]
    return [[safe_cell(cell) for cell in row] for row in rows]


def overview_csv(overview: AreaOverview) -> str:
    """The overview as CSV text: locality, section, item, providers, offers (or the gap's status)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Locality", "Section", "Item", "Providers", "Offers or status"])
    locality = safe_cell(f"{overview.locality.name} ({overview.locality.ons_code})")
    for row in overview_rows(overview):
        writer.writerow([locality, *row])
    return buffer.getvalue()


def ecm_labels(terms: Iterable[Term]) -> str:
    return ", ".join(term.label for term in terms)
