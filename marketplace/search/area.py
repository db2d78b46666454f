"""The commissioners' area overview: the cultural offer in a locality and the gaps in a body's frameworks.

Computed from the database (not the search index) with a few aggregate queries: the published organisations
serving the area (id and name only), the offers available there, and their counts per Every Child Matters (ECM)
outcome and per service area, grouped in SQL. (Loading every organisation with its offers and contributions
through the ORM took 0.3-1.8 s for a county at 5,000-50,000 organisations.) A locality's "area" is every
locality overlapping it (:mod:`marketplace.reference.geography`), so an organisation serving Derbyshire
appears for Chesterfield and one serving Chesterfield for Derbyshire.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, distinct, exists, func, or_, select
from sqlalchemy.orm import selectinload

from marketplace.commissioning.models import (
    CommissioningBody,
    FrameworkAim,
    FrameworkOutcome,
    FrameworkTheme,
    OutcomesFramework,
)
from marketplace.core.spreadsheets import safe_cell
from marketplace.directory.models import (
    Offer,
    Organisation,
    OrganisationStatus,
    OutcomeContribution,
    offer_locality,
    offer_outcome,
    offer_service_area,
    organisation_locality,
)
from marketplace.extensions import db
from marketplace.monitoring.area import commissioned_in_area
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


@dataclass(frozen=True)
class ContractRow:
    """The viewer's own body's live contracts serving the area for one ECM outcome or service area."""

    code: str
    label: str
    contracts: int


@dataclass
class Commissioned:
    """What the viewer's body has commissioned in the area: counts only (contracts are private to the body)."""

    contracts: int
    outcome_rows: list[ContractRow]
    service_area_rows: list[ContractRow]


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
    organisations: list[ProviderRow]
    offers: list[int]  # ids of the offers available in the area
    outcome_rows: list[CountRow]
    service_area_rows: list[CountRow]
    gaps: list[Gap] = field(default_factory=list)
    commissioned: Commissioned | None = None


def localities_by_region() -> list[tuple[str, list[Locality]]]:
    """All localities grouped by region (regions and names in alphabetical order) for a locality select."""
    groups: dict[str, list[Locality]] = defaultdict(list)
    for locality in db.session.scalars(select(Locality).order_by(Locality.name)):
        groups[locality.region or "Other"].append(locality)
    return sorted(groups.items())


@dataclass(frozen=True)
class ProviderRow:
    """A provider serving the area, as the page lists it."""

    id: int
    name: str
    postcode: str | None = None  # for the area map


def _area_offers(locality_ids: set[int]):
    """(offer id, organisation id) of the offers available in the area, as a subquery.

    An offer is in the area when it names a locality of the area, or names none (offered wherever its
    organisation works) and its organisation serves the area; only published organisations' offers count.
    """
    named_here = select(offer_locality.c.offer_id).where(offer_locality.c.locality_id.in_(locality_ids))
    serves = select(organisation_locality.c.organisation_id).where(
        organisation_locality.c.locality_id.in_(locality_ids)
    )
    names_none = ~exists().where(offer_locality.c.offer_id == Offer.id)
    return (
        select(Offer.id.label("offer_id"), Offer.organisation_id.label("organisation_id"))
        .join(Organisation, Organisation.id == Offer.organisation_id)
        .where(Organisation.status == OrganisationStatus.PUBLISHED)
        .where(or_(Offer.id.in_(named_here), and_(Offer.organisation_id.in_(serves), names_none)))
        .subquery()
    )


def organisations_serving(locality_ids: set[int]) -> list[ProviderRow]:
    """Published organisations serving any of the localities, themselves or through an offer, by name."""
    serves = select(organisation_locality.c.organisation_id).where(
        organisation_locality.c.locality_id.in_(locality_ids)
    )
    offers_here = (
        select(Offer.organisation_id)
        .join(offer_locality, offer_locality.c.offer_id == Offer.id)
        .where(offer_locality.c.locality_id.in_(locality_ids))
    )
    query = (
        select(Organisation.id, Organisation.name, Organisation.postcode)
        .where(Organisation.status == OrganisationStatus.PUBLISHED)
        .where(or_(Organisation.id.in_(serves), Organisation.id.in_(offers_here)))
        .order_by(Organisation.name, Organisation.id)
    )
    return [ProviderRow(*row) for row in db.session.execute(query)]


@dataclass
class _Counts:
    """What the page counts, aggregated in SQL rather than by loading every organisation and offer."""

    offer_ids: list[int]
    contributions: dict[str, set[int]]  # ECM outcome code → organisations describing a contribution to it
    offer_outcomes: dict[str, tuple[int, set[int]]]  # ECM outcome code → (offers tagged, their organisations)
    service_areas: list[CountRow]


def _counts(locality_ids: set[int], organisation_ids: list[int]) -> _Counts:
    offers = _area_offers(locality_ids)
    offer_ids = list(db.session.scalars(select(offers.c.offer_id)))
    contributions: dict[str, set[int]] = defaultdict(set)
    contributed = (
        select(Term.code, OutcomeContribution.organisation_id)
        .join(Term, Term.id == OutcomeContribution.outcome_id)
        .where(OutcomeContribution.organisation_id.in_(organisation_ids))
        .distinct()
    )
    for code, organisation_id in db.session.execute(contributed):
        contributions[code].add(organisation_id)
    offer_outcomes: dict[str, tuple[int, set[int]]] = {}
    tagged = select(Term.code, offers.c.organisation_id).join(
        offer_outcome, offer_outcome.c.offer_id == offers.c.offer_id
    )
    for code, organisation_id in db.session.execute(tagged.join(Term, Term.id == offer_outcome.c.term_id)):
        count, organisations = offer_outcomes.get(code, (0, set()))
        offer_outcomes[code] = (count + 1, organisations | {organisation_id})
    areas = (
        select(Term.code, Term.label, func.count(), func.count(distinct(offers.c.organisation_id)))
        .join(offer_service_area, offer_service_area.c.offer_id == offers.c.offer_id)
        .join(Term, Term.id == offer_service_area.c.term_id)
        .group_by(Term.code, Term.label)
    )
    rows = [
        CountRow(code, label, providers=providers, offers=count)
        for code, label, count, providers in db.session.execute(areas)
    ]
    return _Counts(offer_ids, contributions, offer_outcomes, sorted(rows, key=lambda row: (-row.offers, row.label)))


def _coverage(counts: _Counts) -> dict[str, set[int]]:
    """ECM outcome code → ids of organisations whose outcome contributions or offers cover it."""
    covered: dict[str, set[int]] = defaultdict(set)
    for code, organisations in counts.contributions.items():
        covered[code] |= organisations
    for code, (_, organisations) in counts.offer_outcomes.items():
        covered[code] |= organisations
    return covered


def _outcome_rows(counts: _Counts) -> list[CountRow]:
    rows = []
    for term in sorted(terms_by_code("ecm_outcome").values(), key=lambda t: t.position):
        providers = len(counts.contributions.get(term.code, ()))
        rows.append(CountRow(term.code, term.label, providers, counts.offer_outcomes.get(term.code, (0, set()))[0]))
    return rows


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


def commissioned(body: CommissioningBody, locality_ids: set[int]) -> Commissioned:
    """The body's own live contracts serving the area per ECM outcome (every outcome, in order) and service area.
    Other bodies' contracts are never counted: no contract has a published summary to share."""
    counts = commissioned_in_area(body.id, locality_ids)
    outcomes = sorted(terms_by_code("ecm_outcome").values(), key=lambda t: t.position)
    return Commissioned(
        contracts=counts.contracts,
        outcome_rows=[ContractRow(t.code, t.label, counts.by_outcome.get(t.code, 0)) for t in outcomes],
        service_area_rows=[ContractRow(code, label, number) for code, label, number in counts.by_service_area],
    )


def area_overview(locality: Locality, body: CommissioningBody | None) -> AreaOverview:
    """The cultural offer in ``locality`` and, when ``body`` is given, the gaps in its frameworks."""
    locality_ids = overlapping_ids(locality)
    organisations = organisations_serving(locality_ids)
    counts = _counts(locality_ids, [organisation.id for organisation in organisations])
    gaps = framework_gaps(body, _coverage(counts)) if body is not None else []
    return AreaOverview(
        locality=locality,
        organisations=organisations,
        offers=counts.offer_ids,
        outcome_rows=_outcome_rows(counts),
        service_area_rows=counts.service_areas,
        gaps=gaps,
        commissioned=commissioned(body, locality_ids) if body is not None else None,
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


def commissioned_chart(overview: AreaOverview) -> str:
    """The SVG bar chart of the body's live contracts per ECM outcome (escaped; safe to insert as HTML)."""
    if overview.commissioned is None:
        return ""
    rows = overview.commissioned.outcome_rows
    return horizontal_bar_chart(
        title=f"Your live contracts per Every Child Matters outcome in {overview.locality.name}",
        description="; ".join(f"{row.label}: {row.contracts} live contracts" for row in rows),
        rows=[(row.label, [row.contracts]) for row in rows],
        series=[Series("Live contracts", "app-chart__bar")],
        chart_id="contract-chart",
    )


def gap_label(gap: Gap) -> str:
    if not gap.mapped:
        return "Not mapped to ECM outcomes"
    return "No providers" if gap.providers == 0 else f"{gap.providers} provider"


def overview_rows(overview: AreaOverview) -> list[list[str]]:
    """The CSV rows (after the header): ECM outcomes, service areas, the body's live contracts and gaps."""
    rows: list[list[object]] = [["ECM outcome", row.label, row.providers, row.offers] for row in overview.outcome_rows]
    rows += [["Service area", row.label, row.providers, row.offers] for row in overview.service_area_rows]
    if overview.commissioned is not None:
        rows += [
            [f"Your live contracts: {section}", row.label, "", row.contracts]
            for section, found in (
                ("ECM outcome", overview.commissioned.outcome_rows),
                ("Service area", overview.commissioned.service_area_rows),
            )
            for row in found
        ]
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
