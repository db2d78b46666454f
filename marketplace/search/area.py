"""The commissioners' area overview: the cultural offer in a locality and the gaps in a body's frameworks.

Computed from the database (not the search index) with a few plain queries: the published organisations
serving the area (id, name and postcode only), the offers available there, and their tags, read by id and
counted per Every Child Matters (ECM) outcome and per service area here. (Loading every organisation with its
offers and contributions through the ORM took 0.3-1.8 s for a county at 5,000-50,000 organisations; the same
subquery over the locality link tables repeated in four aggregate statements still took ~1 s at 50,000.)
A locality's "area" is every locality overlapping it (:mod:`marketplace.reference.geography`), so an
organisation serving Derbyshire appears for Chesterfield and one serving Chesterfield for Derbyshire.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import exists, literal_column, select
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
ID_CHUNK = 10_000  # ids bound in one statement (SQLite allows 32,766 parameters, PostgreSQL 65,535)
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


def _in_ids(column, ids: list[int]):
    """``column IN (1, 2, …)`` with the ids written into the statement (ints, formatted here: nothing to escape).

    Bound as parameters, SQLAlchemy spent ~5 µs per id expanding and processing them: about half the page's
    time for a county at 50,000 organisations (22,000 ids). Run the statement with ``_UNCACHED``: each text
    is new, and the compiled-statement cache would keep them.
    """
    return column.op("IN")(literal_column("(" + ",".join(str(int(number)) for number in ids) + ")"))


_UNCACHED = {"compiled_cache": None}


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """``ids`` sorted, in slices small enough for one statement's bound parameters on every database."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), ID_CHUNK):
        yield ordered[start : start + ID_CHUNK]


@dataclass
class _Area:
    """The published organisations serving an area (by name) and the offers available there (offer → organisation).

    An organisation serves the area when it names a locality of the area, or one of its offers does. An offer is
    available when it names a locality of the area, or names none (offered wherever its organisation works) and
    its organisation serves the area.
    """

    organisations: list[ProviderRow]
    offers: dict[int, int]


def _area(locality_ids: set[int]) -> _Area:
    """Each locality link table is scanned once (their keys start with the organisation or offer, so a locality
    cannot use them), then rows are fetched by primary key: as subqueries repeated in four statements these
    scans were most of a county's 1-2 s at 50,000 organisations."""
    served = set(
        db.session.scalars(
            select(organisation_locality.c.organisation_id).where(organisation_locality.c.locality_id.in_(locality_ids))
        )
    )
    named_here = select(offer_locality.c.offer_id, Offer.organisation_id).join(
        Offer, Offer.id == offer_locality.c.offer_id
    )
    offers = dict(db.session.execute(named_here.where(offer_locality.c.locality_id.in_(locality_ids))).all())
    names_none = ~exists().where(offer_locality.c.offer_id == Offer.id)
    for chunk in _chunks(served):
        unnamed = select(Offer.id, Offer.organisation_id).where(_in_ids(Offer.organisation_id, chunk), names_none)
        offers.update(db.session.execute(unnamed, execution_options=_UNCACHED).all())
    rows: list[ProviderRow] = []
    chunks = list(_chunks(served | set(offers.values())))
    for chunk in chunks:
        query = (
            select(Organisation.id, Organisation.name, Organisation.postcode)
            .where(Organisation.status == OrganisationStatus.PUBLISHED, _in_ids(Organisation.id, chunk))
            .order_by(Organisation.name, Organisation.id)
        )
        rows += [ProviderRow(*row) for row in db.session.execute(query, execution_options=_UNCACHED)]
    if len(chunks) > 1:
        rows.sort(key=lambda row: (row.name, row.id))
    published = {row.id for row in rows}
    return _Area(rows, {offer: owner for offer, owner in offers.items() if owner in published})


@dataclass
class _Counts:
    """What the page counts, from the area's offers' tags read by offer id and aggregated here."""

    offer_ids: list[int]
    contributions: dict[str, set[int]]  # ECM outcome code → organisations describing a contribution to it
    offer_outcomes: dict[str, tuple[int, set[int]]]  # ECM outcome code → (offers tagged, their organisations)
    service_areas: list[CountRow]


def _tags(link, offers: dict[int, int]) -> Iterator[tuple[str, str, int]]:
    """(term code, term label, organisation) for each tag of the offers through the ``link`` table."""
    for chunk in _chunks(offers):
        query = (
            select(link.c.offer_id, Term.code, Term.label)
            .join(Term, Term.id == link.c.term_id)
            .where(_in_ids(link.c.offer_id, chunk))
        )
        for offer_id, code, label in db.session.execute(query, execution_options=_UNCACHED):
            yield code, label, offers[offer_id]


def _counts(area_: _Area) -> _Counts:
    offers = area_.offers
    contributions: dict[str, set[int]] = defaultdict(set)
    for chunk in _chunks(row.id for row in area_.organisations):
        contributed = (
            select(Term.code, OutcomeContribution.organisation_id)
            .join(Term, Term.id == OutcomeContribution.outcome_id)
            .where(_in_ids(OutcomeContribution.organisation_id, chunk))
            .distinct()
        )
        for code, organisation_id in db.session.execute(contributed, execution_options=_UNCACHED):
            contributions[code].add(organisation_id)
    tagged: dict[str, list] = defaultdict(lambda: [0, set()])
    for code, _, organisation_id in _tags(offer_outcome, offers):
        tagged[code][0] += 1
        tagged[code][1].add(organisation_id)
    areas: dict[tuple[str, str], list] = defaultdict(lambda: [0, set()])
    for code, label, organisation_id in _tags(offer_service_area, offers):
        areas[code, label][0] += 1
        areas[code, label][1].add(organisation_id)
    rows = [
        CountRow(code, label, providers=len(organisations), offers=count)
        for (code, label), (count, organisations) in areas.items()
    ]
    return _Counts(
        sorted(offers),
        contributions,
        {code: (count, organisations) for code, (count, organisations) in tagged.items()},
        sorted(rows, key=lambda row: (-row.offers, row.label)),
    )


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
    serving = _area(locality_ids)
    counts = _counts(serving)
    gaps = framework_gaps(body, _coverage(counts)) if body is not None else []
    return AreaOverview(
        locality=locality,
        organisations=serving.organisations,
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
