"""The open-data API's rules: what is public, how filters match, and how pages are cut.

Only published organisations (and their offers) and open needs are ever selected, whatever the parameters;
everything else answers 404. Filters are plain SQL over the database (the source of truth), so a result
never depends on the state of the search index:

- ``q``: case-insensitive ``LIKE`` on names and descriptions (organisation name/description and its offers'
  titles/descriptions; an offer's title/description and its organisation's name).
- ``taxonomy_term_id``: an organisation matches on its own terms (type, target groups, indicators, outcomes and
  aims it contributes to) or any of its offers' terms; an offer on its outcomes, aims, service areas, delivery
  modes and its organisation's target groups. These are exactly the terms each resource lists.
- ``locality``: any locality overlapping it (itself, its county, its districts; see ``reference.geography``), as
  in directory search. An offer with no localities of its own is offered where its organisation is.
- ``age``: the age lies within the range (a missing bound means no limit); an offer without ages of its own
  takes its organisation's.
- ``search`` is ``q``; ``taxonomy_id`` is ``taxonomy_term_id`` with every term of the vocabulary;
  ``minimum_age``/``maximum_age`` compare the (inherited) bounds, a missing lower bound counting as 0 and a
  missing upper bound never at most anything; ``modified_after`` compares when the record (or, for an offer,
  its organisation) last changed; ``postcode`` with ``proximity`` keeps organisations (and their offers) whose
  postcode district centre is within that many metres of the postcode's district centre.

Records are routed on their UUIDs (:mod:`marketplace.api.ids`), turned back into keys here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from marketplace.api import ids
from marketplace.api.params import DEFAULT_PER_PAGE, ParameterError
from marketplace.commissioning.models import (
    Need,
    NeedStatus,
    need_aim,
    need_indicator,
    need_outcome,
    need_problem_area,
    need_target_group,
)
from marketplace.commissioning.needs.services import BoardFilters, board_query
from marketplace.directory.models import (
    Offer,
    Organisation,
    OrganisationStatus,
    OutcomeContribution,
    contribution_aim,
    offer_aim,
    offer_delivery_mode,
    offer_locality,
    offer_outcome,
    offer_service_area,
    organisation_indicator,
    organisation_locality,
    organisation_problem_area,
    organisation_target_group,
)
from marketplace.extensions import db
from marketplace.kitemark import status as kitemark
from marketplace.reference.geography import overlapping_ids
from marketplace.reference.models import Locality, Term, Vocabulary
from marketplace.search import geo


@dataclass(frozen=True)
class Filters:
    """Cleaned filters: ids resolved, so queries only compare columns."""

    text: str | None = None
    term_ids: frozenset[int] = frozenset()
    locality: Locality | None = None
    age: int | None = None
    organization_id: int | None = None
    taxonomy_term_ids: frozenset[int] = frozenset()
    minimum_age: int | None = None
    maximum_age: int | None = None
    modified_after: datetime | None = None
    near: frozenset[int] | None = None

    @property
    def locality_ids(self) -> set[int]:
        """The localities overlapping the chosen one (itself, its county, its districts), as search has them."""
        return overlapping_ids(self.locality)


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)


# Resolving parameters -----------------------------------------------------------------------------------------


def term_id(term: Term) -> str:
    """The public, database-independent id of a term: ``vocabulary:code``."""
    return f"{term.vocabulary.key}:{term.code}"


def _term_keys() -> list[str]:
    rows = db.session.execute(select(Vocabulary.key, Term.code).join(Term.vocabulary))
    return [f"{key}:{code}" for key, code in rows]


def term_by_uuid(value: uuid.UUID | str) -> Term | None:
    """The term whose UUID is ``value`` (every term: vocabularies are public reference data)."""
    key = ids.key_of("taxonomy_term", value, _term_keys)
    if key is None:
        return None
    vocabulary, _, code = str(key).partition(":")
    query = select(Term).join(Term.vocabulary).where(Vocabulary.key == vocabulary, Term.code == code)
    return db.session.scalar(query)


def vocabulary_by_uuid(value: uuid.UUID | str) -> Vocabulary | None:
    key = ids.key_of("taxonomy", value, lambda: db.session.scalars(select(Vocabulary.key)))
    return db.session.scalar(select(Vocabulary).where(Vocabulary.key == key)) if key is not None else None


def resolve_terms(value: str) -> frozenset[int]:
    """Ids of the terms a ``taxonomy_term_id`` names (a UUID, ``vocabulary:code`` or a bare code)."""
    if _is_uuid(value):
        term = term_by_uuid(value)
        ids_found = frozenset([term.id]) if term is not None else frozenset()
    else:
        vocabulary, _, code = value.rpartition(":")
        query = select(Term.id).where(Term.code == code)
        if vocabulary:
            query = query.join(Vocabulary).where(Vocabulary.key == vocabulary)
        ids_found = frozenset(db.session.scalars(query))
    if not ids_found:
        raise ParameterError({"taxonomy_term_id": f"no taxonomy term {value!r} (see /api/v1/taxonomy_terms)"})
    return ids_found


def resolve_taxonomy(value: str) -> frozenset[int]:
    """Ids of every term of the vocabulary a ``taxonomy_id`` names (its UUID or its key)."""
    vocabulary = (
        vocabulary_by_uuid(value)
        if _is_uuid(value)
        else db.session.scalar(select(Vocabulary).where(Vocabulary.key == value))
    )
    if vocabulary is None:
        raise ParameterError({"taxonomy_id": f"no taxonomy {value!r} (see /api/v1/taxonomies)"})
    return frozenset(db.session.scalars(select(Term.id).where(Term.vocabulary_id == vocabulary.id)))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def resolve_locality(ons_code: str) -> Locality:
    locality = db.session.scalar(select(Locality).where(Locality.ons_code == ons_code))
    if locality is None:
        raise ParameterError({"locality": f"no English local authority has the ONS code {ons_code}"})
    return locality


def resolve_near(values: dict[str, Any]) -> frozenset[int] | None:
    """Published organisations near ``postcode`` with ``proximity``; None when not asked (postcode alone)."""
    if "proximity" not in values:
        return None
    if "postcode" not in values:
        raise ParameterError({"proximity": "needs a postcode"})
    centre = geo.outcode_centre(values["postcode"])
    if centre is None:
        raise ParameterError({"postcode": f"no postcode district {values['postcode']!r} is known"})
    return frozenset(geo.organisations_within(centre, values["proximity"] / 1000))


def resolve_organisation(value: str) -> int:
    """The database id of the organisation with UUID ``value`` (-1, matching nothing, when there is none)."""
    found = organisation_id_of(value)
    return found if found is not None else -1


def _text_of(values: dict[str, Any]) -> str | None:
    if "q" in values and "search" in values:
        raise ParameterError({"search": "give search or q, not both"})
    return values.get("q") or values.get("search")


def filters_from(values: dict[str, Any]) -> Filters:
    """:class:`Filters` from validated parameters; :class:`ParameterError` when a code names nothing."""
    return Filters(
        text=_text_of(values),
        term_ids=resolve_terms(values["taxonomy_term_id"]) if "taxonomy_term_id" in values else frozenset(),
        locality=resolve_locality(values["locality"]) if "locality" in values else None,
        age=values.get("age"),
        organization_id=resolve_organisation(values["organization_id"]) if "organization_id" in values else None,
        taxonomy_term_ids=resolve_taxonomy(values["taxonomy_id"]) if "taxonomy_id" in values else frozenset(),
        minimum_age=values.get("minimum_age"),
        maximum_age=values.get("maximum_age"),
        modified_after=values.get("modified_after"),
        near=resolve_near(values),
    )


def paginate(
    query: Select,
    values: dict[str, Any],
    loading: Sequence[Any] = (),
    total: int | None = None,
    order: Sequence[Any] = (),
) -> Page:
    """One page of ``query`` (its records loaded with ``loading``); a page past the end is empty, as in ORUK.

    The page is cut on ids alone (sorting and skipping whole rows, descriptions and all, was most of the time of
    a deep page), then its records are loaded by primary key and put back in order. Lists are ordered by primary
    key (see ``services_query``), which the indexes already hold, so neither the count nor the cut sorts: at
    50,000 organisations a title order cost a sort of every published offer on every page. With ``order`` (the
    query's own order, ascending columns), a page in the back half is cut from the end (see :func:`_cut`).
    """
    number = values.get("page", 1)
    per_page = values.get("per_page", DEFAULT_PER_PAGE)
    entity = query.column_descriptions[0]["entity"]
    if total is None:
        total = db.session.scalar(query.with_only_columns(func.count(entity.id)).order_by(None)) or 0
    page_ids = _cut(query.with_only_columns(entity.id), (number - 1) * per_page, per_page, total, order)
    records = {}
    if page_ids:
        records = {
            record.id: record
            for record in db.session.scalars(select(entity).where(entity.id.in_(page_ids)).options(*loading))
        }
    return Page([records[record_id] for record_id in page_ids], total, number, per_page)


def _cut(ids: Select, start: int, per_page: int, total: int, order: Sequence[Any]) -> list[int]:
    """The ids of rows ``start`` to ``start + per_page``, walking from whichever end is nearer.

    An offset walks every row it skips, so the last page of 100,000 offers cost a walk of them all; in reverse
    order it skips none, and no page walks more than half the list.
    """
    if not order or start * 2 <= total or start >= total:
        return list(db.session.scalars(ids.limit(per_page).offset(start)))
    end = min(start + per_page, total)
    backwards = ids.order_by(None).order_by(*(column.desc() for column in order))
    found = list(db.session.scalars(backwards.limit(end - start).offset(total - end)))
    return found[::-1]


# Shared clauses ---------------------------------------------------------------------------------------------------


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(columns: Iterable[Any], text: str) -> ColumnElement[bool]:
    pattern = _like(text)
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))


def _age_within(low: Any, high: Any, age: int) -> ColumnElement[bool]:
    return and_(or_(low.is_(None), low <= age), or_(high.is_(None), high >= age))


def _linked(table: Any, owner: str, owner_column: Any, ids: Iterable[int], target: str) -> ColumnElement[bool]:
    """``owner_column`` appears in the link ``table`` next to one of ``ids``."""
    return owner_column.in_(select(table.c[owner]).where(table.c[target].in_(list(ids))))


def _offer_terms_clause(ids: frozenset[int]) -> ColumnElement[bool]:
    """The offer (or, for target groups, its organisation) carries one of the terms."""
    links = (offer_outcome, offer_aim, offer_service_area, offer_delivery_mode)
    return or_(
        *(_linked(table, "offer_id", Offer.id, ids, "term_id") for table in links),
        _linked(organisation_target_group, "organisation_id", Offer.organisation_id, ids, "term_id"),
    )


def _offer_locality_clause(ids: set[int]) -> ColumnElement[bool]:
    own = _linked(offer_locality, "offer_id", Offer.id, ids, "locality_id")
    has_own = exists().where(offer_locality.c.offer_id == Offer.id)
    inherited = _linked(organisation_locality, "organisation_id", Offer.organisation_id, ids, "locality_id")
    return or_(own, and_(~has_own, inherited))


def _offer_age_clause(age: int) -> ColumnElement[bool]:
    return _age_within(
        func.coalesce(Offer.age_min, Organisation.age_min), func.coalesce(Offer.age_max, Organisation.age_max), age
    )


# Organisations --------------------------------------------------------------------------------------------------

ORGANISATION_LOADING = (
    selectinload(Organisation.organisation_type),
    selectinload(Organisation.legal_form),
    selectinload(Organisation.localities).selectinload(Locality.districts),
    selectinload(Organisation.target_groups),
    selectinload(Organisation.indicators),
    selectinload(Organisation.problem_areas),
    selectinload(Organisation.outcome_contributions).selectinload(OutcomeContribution.outcome),
    selectinload(Organisation.outcome_contributions).selectinload(OutcomeContribution.aims),
    selectinload(Organisation.framework_statements),
    selectinload(Organisation.offers),
)


def _organisation_terms_clause(ids: frozenset[int]) -> ColumnElement[bool]:
    contributed = select(OutcomeContribution.organisation_id).where(OutcomeContribution.outcome_id.in_(ids))
    contributed_aims = (
        select(OutcomeContribution.organisation_id)
        .join(contribution_aim, contribution_aim.c.outcome_contribution_id == OutcomeContribution.id)
        .where(contribution_aim.c.term_id.in_(ids))
    )
    offered = select(Offer.organisation_id).where(_offer_terms_clause(ids))
    return or_(
        Organisation.organisation_type_id.in_(ids),
        _linked(organisation_target_group, "organisation_id", Organisation.id, ids, "term_id"),
        _linked(organisation_indicator, "organisation_id", Organisation.id, ids, "term_id"),
        _linked(organisation_problem_area, "organisation_id", Organisation.id, ids, "term_id"),
        Organisation.id.in_(contributed),
        Organisation.id.in_(contributed_aims),
        Organisation.id.in_(offered),
    )


def _organisation_locality_clause(ids: set[int]) -> ColumnElement[bool]:
    offered = select(Offer.organisation_id).join(offer_locality).where(offer_locality.c.locality_id.in_(ids))
    return or_(
        _linked(organisation_locality, "organisation_id", Organisation.id, ids, "locality_id"),
        Organisation.id.in_(offered),
    )


def _organisation_age_clause(age: int) -> ColumnElement[bool]:
    offer_organisation = Organisation.__table__.alias("offer_organisation")
    offered = (
        select(Offer.organisation_id)
        .join(offer_organisation, offer_organisation.c.id == Offer.organisation_id)
        .where(
            _age_within(
                func.coalesce(Offer.age_min, offer_organisation.c.age_min),
                func.coalesce(Offer.age_max, offer_organisation.c.age_max),
                age,
            )
        )
    )
    return or_(_age_within(Organisation.age_min, Organisation.age_max, age), Organisation.id.in_(offered))


def _organisation_profile_clauses(filters: Filters) -> list[ColumnElement[bool]]:
    """The clauses of the ORUK parameters (taxonomy_id, modified_after, postcode with proximity)."""
    clauses = []
    if filters.taxonomy_term_ids:
        clauses.append(_organisation_terms_clause(filters.taxonomy_term_ids))
    if filters.modified_after is not None:
        changed = select(Offer.organisation_id).where(Offer.updated_at >= filters.modified_after)
        clauses.append(or_(Organisation.updated_at >= filters.modified_after, Organisation.id.in_(changed)))
    if filters.near is not None:
        clauses.append(Organisation.id.in_(sorted(filters.near)))
    return clauses


# A page of /organizations shows one-to-one fields and its services in brief: nothing else is loaded for it.
ORGANISATION_LIST_LOADING = (selectinload(Organisation.offers),)
# With full_service, each organisation's services in full: their terms and localities in a query each per page.
_OFFERS = selectinload(Organisation.offers)
ORGANISATION_FULL_SERVICE_LOADING = (
    *ORGANISATION_LOADING,
    _OFFERS.selectinload(Offer.cost_basis),
    _OFFERS.selectinload(Offer.delivery_modes),
    _OFFERS.selectinload(Offer.outcomes),
    _OFFERS.selectinload(Offer.aims),
    _OFFERS.selectinload(Offer.service_areas),
    _OFFERS.selectinload(Offer.localities).selectinload(Locality.districts),
)


def organisations_query(filters: Filters, *, full: bool = False) -> Select:
    """Published organisations matching ``filters``, by id (loaded for full records with ``full``).

    By id, not name: the status index holds published ids in order, so a deep page walks an index, not a sort.
    """
    query = select(Organisation).where(Organisation.status == OrganisationStatus.PUBLISHED)
    if filters.text:
        offered = select(Offer.organisation_id).where(_contains((Offer.title, Offer.description), filters.text))
        query = query.where(
            or_(_contains((Organisation.name, Organisation.description), filters.text), Organisation.id.in_(offered))
        )
    if filters.term_ids:
        query = query.where(_organisation_terms_clause(filters.term_ids))
    if filters.locality is not None:
        query = query.where(_organisation_locality_clause(filters.locality_ids))
    if filters.age is not None:
        query = query.where(_organisation_age_clause(filters.age))
    query = query.where(*_organisation_profile_clauses(filters))
    loading = ORGANISATION_FULL_SERVICE_LOADING if full else ORGANISATION_LIST_LOADING
    return query.options(*loading).order_by(Organisation.id)


def published_organisation(organisation_id: int) -> Organisation | None:
    query = select(Organisation).where(
        Organisation.id == organisation_id, Organisation.status == OrganisationStatus.PUBLISHED
    )
    return db.session.scalar(query.options(*ORGANISATION_LOADING))


def kitemarked_query(filters: Filters) -> Select:
    """Published organisations matching ``filters`` that hold a kitemark in force now (asked on every request)."""
    ids = kitemark.kitemarked_organisation_ids()
    return organisations_query(filters).where(Organisation.id.in_(sorted(ids)))


# Offers (services) ----------------------------------------------------------------------------------------------

OFFER_LOADING = (
    selectinload(Offer.organisation).selectinload(Organisation.localities).selectinload(Locality.districts),
    selectinload(Offer.organisation).selectinload(Organisation.target_groups),
    selectinload(Offer.cost_basis),
    selectinload(Offer.delivery_modes),
    selectinload(Offer.localities).selectinload(Locality.districts),
    selectinload(Offer.outcomes),
    selectinload(Offer.aims),
    selectinload(Offer.service_areas),
)


def _offer_profile_clauses(filters: Filters) -> list[ColumnElement[bool]]:
    """The clauses of the ORUK parameters (taxonomy_id, ages, modified_after, postcode with proximity)."""
    clauses = []
    if filters.taxonomy_term_ids:
        clauses.append(_offer_terms_clause(filters.taxonomy_term_ids))
    if filters.minimum_age is not None:
        clauses.append(func.coalesce(Offer.age_min, Organisation.age_min, 0) >= filters.minimum_age)
    if filters.maximum_age is not None:
        clauses.append(func.coalesce(Offer.age_max, Organisation.age_max) <= filters.maximum_age)
    if filters.modified_after is not None:
        clauses.append(
            or_(Offer.updated_at >= filters.modified_after, Organisation.updated_at >= filters.modified_after)
        )
    if filters.near is not None:
        clauses.append(Offer.organisation_id.in_(sorted(filters.near)))
    return clauses


# List items carry one-to-one fields and the organisation (the profile's service_list): load only those.
OFFER_LIST_LOADING = (selectinload(Offer.organisation), selectinload(Offer.cost_basis))


# The order of /services and /service_at_locations (ascending keys: paginate may walk it backwards).
SERVICE_ORDER = (Organisation.id, Offer.id)


def services_query(filters: Filters) -> Select:
    """Offers of published organisations matching ``filters``, by their organisation's id, then their own.

    Key order, not title: published organisations come in id order from the status index and each one's offers
    from the organisation_id index, so a page needs no sort (ORUK sets no order; the OpenAPI text says this one).
    """
    query = select(Offer).join(Offer.organisation).where(Organisation.status == OrganisationStatus.PUBLISHED)
    if filters.text:
        query = query.where(_contains((Offer.title, Offer.description, Organisation.name), filters.text))
    if filters.term_ids:
        query = query.where(_offer_terms_clause(filters.term_ids))
    if filters.locality is not None:
        query = query.where(_offer_locality_clause(filters.locality_ids))
    if filters.age is not None:
        query = query.where(_offer_age_clause(filters.age))
    if filters.organization_id is not None:
        query = query.where(Offer.organisation_id == filters.organization_id)
    query = query.where(*_offer_profile_clauses(filters))
    return query.options(*OFFER_LIST_LOADING).order_by(*SERVICE_ORDER)


def services_total(filters: Filters) -> int | None:
    """How many offers an unfiltered /services lists, counted cheaply; None when filtered (paginate counts then).

    Every offer less those of organisations not published: SQLite counts a whole table at once and hidden
    organisations are few, while counting the published ones walks most of both indexes (about 20 ms of each
    page at 100,000 offers, where this takes a few).
    """
    if filters != Filters():
        return None
    everything = db.session.scalar(select(func.count()).select_from(Offer)) or 0
    others = [status for status in OrganisationStatus if status != OrganisationStatus.PUBLISHED]
    hidden = select(func.count(Offer.id)).join(Offer.organisation).where(Organisation.status.in_(others))
    return everything - (db.session.scalar(hidden) or 0)  # IN seeks the status index; != would scan it


def service_at_locations_query(filters: Filters) -> Select:
    """Offers at a location (a venue, or their organisation's address): one ``service_at_location`` each."""
    located = or_(Offer.venue != "", Organisation.address != "", Organisation.postcode != "")
    return services_query(filters).where(located)


def _ids_above(model: Any) -> Any:
    return lambda lowest: db.session.scalars(select(model.id).where(model.id > lowest).order_by(model.id))


def offer_id_of(value: uuid.UUID | str, kind: str = "service") -> int | None:
    """The database id of the offer whose ``service`` (or ``service_at_location``) UUID is ``value``."""
    return ids.id_of(kind, value, _ids_above(Offer))


def organisation_id_of(value: uuid.UUID | str) -> int | None:
    return ids.id_of("organization", value, _ids_above(Organisation))


def published_offer(offer_id: int) -> Offer | None:
    query = (
        select(Offer)
        .join(Offer.organisation)
        .where(Offer.id == offer_id, Organisation.status == OrganisationStatus.PUBLISHED)
    )
    return db.session.scalar(query.options(*OFFER_LOADING))


# Taxonomies -----------------------------------------------------------------------------------------------------


TERM_LOADING = (selectinload(Term.vocabulary), selectinload(Term.parent))


def vocabularies_query() -> Select:
    """Every vocabulary (an ORUK taxonomy), by key."""
    return select(Vocabulary).order_by(Vocabulary.key)


def terms_query(vocabulary: str | None, taxonomy_id: str | None = None) -> Select:
    """Active terms (every vocabulary, or one), vocabulary by vocabulary, each in its file's order."""
    query = select(Term).join(Vocabulary).where(Term.is_active.is_(True))
    if vocabulary:
        if db.session.scalar(select(Vocabulary.id).where(Vocabulary.key == vocabulary)) is None:
            raise ParameterError({"vocabulary": f"no vocabulary {vocabulary!r}"})
        query = query.where(Vocabulary.key == vocabulary)
    if taxonomy_id:
        query = query.where(Term.id.in_(resolve_taxonomy(taxonomy_id)))
    return query.options(*TERM_LOADING).order_by(Vocabulary.key, Term.id)  # ids follow the order of the vocabulary file


# Needs ----------------------------------------------------------------------------------------------------------

NEED_LOADING = (
    selectinload(Need.body),
    selectinload(Need.localities).selectinload(Locality.districts),
    selectinload(Need.target_groups),
    selectinload(Need.outcomes),
    selectinload(Need.aims),
    selectinload(Need.indicators),
    selectinload(Need.problem_areas),
    selectinload(Need.framework_outcomes),
    selectinload(Need.framework_measures),
)


def _need_terms_clause(ids: frozenset[int]) -> ColumnElement[bool]:
    links = (need_outcome, need_aim, need_target_group, need_indicator, need_problem_area)
    return or_(
        Need.kind_id.in_(ids),
        Need.level_id.in_(ids),
        Need.service_area_id.in_(ids),
        *(_linked(table, "need_id", Need.id, ids, "term_id") for table in links),
    )


def open_needs_query(filters: Filters) -> Select:
    """Open needs matching ``filters``, as on the opportunities board (latest deadline first).

    Locality follows the board: a need in a district matches a query for its county and the other way round.
    """
    query = board_query(BoardFilters(text=filters.text or "", locality=filters.locality, age=filters.age))
    if filters.term_ids:
        query = query.where(_need_terms_clause(filters.term_ids))
    return query.options(*NEED_LOADING)


def open_need(need_id: int) -> Need | None:
    query = select(Need).where(Need.id == need_id, Need.status == NeedStatus.OPEN)
    return db.session.scalar(query.options(*NEED_LOADING))
