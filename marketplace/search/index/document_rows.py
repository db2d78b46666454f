"""Search documents for many organisations at once, from plain rows: one query per related kind for a batch.

:func:`marketplace.search.index.documents.organisation_document` builds one document from an ORM object graph; done
for every organisation that cost about 25 queries each (its offers, their localities, outcomes, aims, service
areas, its contributions, a kitemark query, two consortium queries …) and, loaded eagerly instead, most of the
time went in building ORM objects nobody keeps. Here a batch reads just the columns a document needs, as tuples,
with one query per kind for the whole batch (about 20 queries whatever its size), and builds the same documents:
``tests/search/test_bulk_documents.py`` builds a varied directory both ways and compares them, version included.
Rebuilds, index updates and matching all go through here; the single-object builder stays for one organisation
already in hand (a provider's opportunities) and as the reference the bulk path is held to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.core.clock import today
from marketplace.directory.models import (
    Accreditation,
    Consortium,
    ConsortiumMembership,
    FrameworkStatement,
    MembershipStatus,
    Offer,
    Organisation,
    OrganisationStatus,
    OutcomeContribution,
    SafeguardingRecord,
    contribution_aim,
    offer_aim,
    offer_locality,
    offer_outcome,
    offer_service_area,
    organisation_indicator,
    organisation_locality,
    organisation_problem_area,
    organisation_target_group,
)
from marketplace.kitemark.status import awards_for
from marketplace.reference.models import Locality, Term


@dataclass
class _Offer:
    id: int
    title: str
    description: str
    price_pence: int | None
    age_min: int | None
    age_max: int | None
    send_suitable: bool
    outcomes: set[str] = field(default_factory=set)
    aims: set[str] = field(default_factory=set)
    service_areas: set[str] = field(default_factory=set)
    localities: set[int] = field(default_factory=set)


@dataclass
class OrganisationRows:
    """What one organisation's document is made of, as plain values (codes, not ORM objects)."""

    id: int
    name: str
    description: str
    postcode: str
    age_min: int | None
    age_max: int | None
    adults_only: bool
    organisation_type: str | None
    status: str
    is_stale: bool
    confirmed_at: datetime | None = None
    offers: list[_Offer] = field(default_factory=list)
    contributions: list[tuple[int, str, str | None, set[str]]] = field(default_factory=list)  # id, text, outcome, aims
    frameworks: list[tuple[int, str]] = field(default_factory=list)
    localities: set[int] = field(default_factory=set)
    target_groups: set[str] = field(default_factory=set)
    indicators: set[str] = field(default_factory=set)
    problem_areas: set[str] = field(default_factory=set)
    accreditations: list[tuple[str | None, date | None]] = field(default_factory=list)
    safeguarding_verified: bool = False
    kitemarked: bool = False
    in_consortium: bool = False

    @property
    def is_published(self) -> bool:
        return self.status == OrganisationStatus.PUBLISHED


@dataclass
class ConsortiumRows:
    id: int
    name: str
    description: str
    lead_organisation_id: int | None
    member_ids: list[int]  # accepted memberships, in membership id order


class Reference:
    """Term codes and localities (with their districts) by id: small tables, read once per batch."""

    def __init__(self, session: Session) -> None:
        self.terms: dict[int, str] = dict(_rows(session, select(Term.id, Term.code)))
        self.locality_codes: dict[int, str] = {}
        self.districts: dict[int, list[int]] = defaultdict(list)
        for locality_id, code, parent_id in _rows(session, select(Locality.id, Locality.ons_code, Locality.parent_id)):
            self.locality_codes[locality_id] = code
            if parent_id is not None:
                self.districts[parent_id].append(locality_id)

    def served_codes(self, picked: Iterable[int]) -> set[str]:
        """``reference.geography.served_localities`` on ids: each locality and, for a county, its districts."""
        return {
            self.locality_codes[served]
            for locality_id in picked
            for served in (locality_id, *self.districts.get(locality_id, ()))
        }


def _rows(session: Session, query) -> list:
    """Plain rows through the session's connection, fetched at once: no ORM result processing (which cost more
    than the queries) and no row-by-row fetching."""
    return session.connection().execute(query).all()


def _column(session: Session, query) -> list:
    return [row[0] for row in _rows(session, query)]


def _among(column, ids: list[int]):
    """``column IN ids``; for a dense run of sorted ids (a rebuild's batch) ``BETWEEN`` its first and last instead:
    the same rows and a few more for the caller to skip, without binding hundreds of parameters to every query."""
    if len(ids) > 20 and ids[-1] - ids[0] < 2 * len(ids):
        return column.between(ids[0], ids[-1])
    return column.in_(ids)


def _links(session: Session, table, owner_column: str, value_column: str, owner_ids: list[int]):
    column = table.c[owner_column]
    return _rows(session, select(column, table.c[value_column]).where(_among(column, owner_ids)))


def _offer_links(session: Session, table, value_column: str, organisation_ids: list[int]):
    """(offer id, value) for every offer of the organisations, joined rather than listing offer ids."""
    query = (
        select(table.c.offer_id, table.c[value_column])
        .join(Offer, Offer.id == table.c.offer_id)
        .where(_among(Offer.organisation_id, organisation_ids))
    )
    return _rows(session, query)


def load_organisations(
    session: Session, organisation_ids: Iterable[int], reference: Reference
) -> dict[int, OrganisationRows]:
    """Every organisation among ``organisation_ids`` (any status) with what its document needs."""
    wanted = sorted(set(organisation_ids))
    if not wanted:
        return {}
    query = select(
        Organisation.id,
        Organisation.name,
        Organisation.description,
        Organisation.postcode,
        Organisation.age_min,
        Organisation.age_max,
        Organisation.adults_only,
        Organisation.organisation_type_id,
        Organisation.status,
        Organisation.is_stale,
        Organisation.confirmed_at,
    ).where(_among(Organisation.id, wanted))
    terms = reference.terms
    found: dict[int, OrganisationRows] = {}
    chosen = set(wanted)
    for row in _rows(session, query):
        if row.id not in chosen:
            continue
        found[row.id] = OrganisationRows(
            id=row.id,
            name=row.name,
            description=row.description or "",
            postcode=row.postcode or "",
            age_min=row.age_min,
            age_max=row.age_max,
            adults_only=bool(row.adults_only),
            organisation_type=terms.get(row.organisation_type_id),
            status=row.status,
            is_stale=bool(row.is_stale),
            confirmed_at=row.confirmed_at,
        )
    ids = sorted(found)
    if ids:
        _load_offers(session, found, ids, terms)
        _load_contributions(session, found, ids, terms)
        _load_profile(session, found, ids, terms)
        kitemarked = awards_for(ids, session=session)
        in_consortium = consortium_member_ids(session, ids)
        for organisation in found.values():
            organisation.kitemarked = organisation.id in kitemarked
            organisation.in_consortium = organisation.id in in_consortium
    return found


def _load_offers(session: Session, found: dict[int, OrganisationRows], ids: list[int], terms: dict[int, str]) -> None:
    query = (
        select(
            Offer.id,
            Offer.organisation_id,
            Offer.title,
            Offer.description,
            Offer.price_pence,
            Offer.age_min,
            Offer.age_max,
            Offer.send_suitable,
        )
        .where(_among(Offer.organisation_id, ids))
        .order_by(Offer.id)
    )
    offers: dict[int, _Offer] = {}
    for offer_id, organisation_id, title, description, price, age_min, age_max, send in _rows(session, query):
        owner = found.get(organisation_id)
        if owner is not None:
            offer = _Offer(offer_id, title, description or "", price, age_min, age_max, send)
            offers[offer_id] = offer
            owner.offers.append(offer)
    for table, target in ((offer_outcome, "outcomes"), (offer_aim, "aims"), (offer_service_area, "service_areas")):
        sets = {offer_id: getattr(offer, target) for offer_id, offer in offers.items()}
        _add_values(_offer_links(session, table, "term_id", ids), sets, terms)
    sets = {offer_id: offer.localities for offer_id, offer in offers.items()}
    _add_values(_offer_links(session, offer_locality, "locality_id", ids), sets)


def _add_values(rows: Iterable, sets: dict[int, set], codes: dict[int, str] | None = None) -> None:
    """Add each (owner id, value) row's value, or the code of that id when ``codes`` is given, to its owner's set;
    owners not in ``sets`` (a range read's extra rows) and unknown ids are skipped. The innermost loop of a rebuild
    (about 30 rows per organisation), so it is kept to dictionary look-ups."""
    owner_set = sets.get
    if codes is None:
        for owner_id, value in rows:
            values = owner_set(owner_id)
            if values is not None:
                values.add(value)
        return
    code_of = codes.get
    for owner_id, value_id in rows:
        values = owner_set(owner_id)
        if values is not None:
            code = code_of(value_id)
            if code is not None:
                values.add(code)


def _load_contributions(
    session: Session, found: dict[int, OrganisationRows], ids: list[int], terms: dict[int, str]
) -> None:
    """Outcome contributions (in id order) with their aims."""
    contributions = select(
        OutcomeContribution.id,
        OutcomeContribution.organisation_id,
        OutcomeContribution.statement,
        OutcomeContribution.outcome_id,
    ).where(_among(OutcomeContribution.organisation_id, ids))
    aim_query = (
        select(contribution_aim.c.outcome_contribution_id, contribution_aim.c.term_id)
        .join(OutcomeContribution, OutcomeContribution.id == contribution_aim.c.outcome_contribution_id)
        .where(_among(OutcomeContribution.organisation_id, ids))
    )
    aims: dict[int, set[str]] = {}
    for contribution_id, organisation_id, statement, outcome_id in _rows(
        session, contributions.order_by(OutcomeContribution.id)
    ):
        owner = found.get(organisation_id)
        if owner is not None:
            aims[contribution_id] = set()
            owner.contributions.append((contribution_id, statement or "", terms.get(outcome_id), aims[contribution_id]))
    _add_values(_rows(session, aim_query), aims, terms)


def _load_profile(session: Session, found: dict[int, OrganisationRows], ids: list[int], terms: dict[int, str]) -> None:
    """Framework statements, localities, target groups, indicators, problem areas (then :func:`_load_evidence`)."""
    statements = select(FrameworkStatement.id, FrameworkStatement.organisation_id, FrameworkStatement.statement)
    for row in _rows(session, statements.where(_among(FrameworkStatement.organisation_id, ids)).order_by("id")):
        if row.organisation_id in found:
            found[row.organisation_id].frameworks.append((row.id, row.statement or ""))
    sets = {organisation_id: organisation.localities for organisation_id, organisation in found.items()}
    _add_values(_links(session, organisation_locality, "organisation_id", "locality_id", ids), sets)
    linked = (
        (organisation_target_group, "target_groups"),
        (organisation_indicator, "indicators"),
        (organisation_problem_area, "problem_areas"),
    )
    for table, target in linked:
        sets = {organisation_id: getattr(organisation, target) for organisation_id, organisation in found.items()}
        _add_values(_links(session, table, "organisation_id", "term_id", ids), sets, terms)
    _load_evidence(session, found, ids, terms)


def _load_evidence(session: Session, found: dict[int, OrganisationRows], ids: list[int], terms: dict[int, str]) -> None:
    """Accreditations and whether safeguarding is verified."""
    accreditations = select(Accreditation.organisation_id, Accreditation.scheme_id, Accreditation.expires_on)
    for organisation_id, scheme_id, expires_on in _rows(
        session, accreditations.where(_among(Accreditation.organisation_id, ids))
    ):
        if organisation_id in found:
            found[organisation_id].accreditations.append((terms.get(scheme_id), expires_on))
    verified = select(SafeguardingRecord.organisation_id).where(
        _among(SafeguardingRecord.organisation_id, ids), SafeguardingRecord.verified_at.is_not(None)
    )
    for organisation_id in _column(session, verified):
        if organisation_id in found:
            found[organisation_id].safeguarding_verified = True


def consortium_member_ids(session: Session, organisation_ids: Iterable[int]) -> set[int]:
    """Which of ``organisation_ids`` lead a consortium or are accepted members of one: two queries for them all."""
    wanted = sorted(set(organisation_ids))
    if not wanted:
        return set()
    led = select(Consortium.lead_organisation_id).where(_among(Consortium.lead_organisation_id, wanted))
    member = select(ConsortiumMembership.organisation_id).where(
        _among(ConsortiumMembership.organisation_id, wanted), ConsortiumMembership.status == MembershipStatus.ACCEPTED
    )
    return (set(_column(session, led)) | set(_column(session, member))) & set(wanted)


def load_consortia(session: Session, consortium_ids: Iterable[int]) -> dict[int, ConsortiumRows]:
    wanted = sorted(set(consortium_ids))
    if not wanted:
        return {}
    query = select(Consortium.id, Consortium.name, Consortium.description, Consortium.lead_organisation_id).where(
        Consortium.id.in_(wanted)
    )
    found = {
        row.id: ConsortiumRows(row.id, row.name, row.description or "", row.lead_organisation_id, [])
        for row in _rows(session, query)
    }
    members = (
        select(ConsortiumMembership.consortium_id, ConsortiumMembership.organisation_id)
        .where(ConsortiumMembership.consortium_id.in_(wanted), ConsortiumMembership.status == MembershipStatus.ACCEPTED)
        .order_by(ConsortiumMembership.id)
    )
    for consortium_id, organisation_id in _rows(session, members):
        found[consortium_id].member_ids.append(organisation_id)
    return found


def accreditation_codes(organisation: OrganisationRows, current: date | None = None) -> set[str]:
    current = current or today()
    return {
        code
        for code, expires_on in organisation.accreditations
        if code is not None and (expires_on is None or expires_on >= current)
    }
