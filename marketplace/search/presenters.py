"""The directory search page: URL parameters in, a page of results with facet counts out.

Every parameter is validated against the vocabularies and localities; anything unknown or malformed is dropped
(never an error), except a distance out of range, which the page says. "Within N km of a postcode" becomes the
set of outcodes whose centres lie within N km (from the cached outcode centres), which the engine answers from
its facet table like any other filter; distances are worked out for the page's results only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, url_for
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from marketplace.core.clock import long_date, today
from marketplace.directory.freshness import add_months
from marketplace.directory.models import Consortium, Organisation
from marketplace.extensions import db
from marketplace.kitemark.status import KitemarkAward, awards_for
from marketplace.reference.postcodes import outcode_of
from marketplace.search.engines.engine import SearchHit, SearchQuery, SearchResults, engine_for
from marketplace.search.index.documents import CONSORTIUM_PREFIX, ORGANISATION_PREFIX
from marketplace.search.maps import MapPicture, results_map
from marketplace.search.reference_cache import reference_snapshot

logger = logging.getLogger(__name__)

MAX_TEXT_BYTES = 10 * 1024
MAX_VALUES = 50
MAX_PAGE = 500
PAGE_SIZE = 20
MAX_AGE = 25
DEFAULT_KM = 10
MAX_KM = 500
SORTS = ("relevance", "name", "distance")
# URL parameter → (engine field, vocabulary key, heading); localities are handled apart.
TERM_FILTERS: dict[str, tuple[str, str, str]] = {
    "outcome": ("outcome", "ecm_outcome", "Every Child Matters outcome"),
    "aim": ("aim", "ecm_aim", "Aim"),
    "organisation_type": ("organisation_type", "organisation_type", "Organisation type"),
    "service_area": ("service_area", "service_area", "Service area"),
    "target_group": ("target_group", "target_group", "Target group"),
    "accreditation": ("accreditation", "accreditation_scheme", "Accreditation scheme"),
    "indicator": ("indicator", "national_indicator", "National Indicator"),
    "problem_area": ("problem_area", "problem_area", "Problem area"),
}
# URL parameter (value "1") → (engine field, label).
FLAG_FILTERS: dict[str, tuple[str, str]] = {
    "kitemarked": ("kitemarked", "Kitemarked"),
    "safeguarding_verified": ("safeguarding_verified", "Safeguarding verified"),
    "consortium": ("in_consortium", "In a consortium"),
}
# "Listing confirmed accurate in the last N months" (see directory.freshness): URL value → label.
FRESHNESS: dict[str, str] = {"6": "In the last 6 months", "12": "In the last 12 months"}
FACETS = (*(spec[0] for spec in TERM_FILTERS.values()), "locality", *(spec[0] for spec in FLAG_FILTERS.values()))


@dataclass
class SearchParams:
    """The search page's validated parameters."""

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # URL parameter → codes
    flags: set[str] = field(default_factory=set)
    age: int | None = None
    max_price: int | None = None  # pounds
    postcode: str = ""
    km: int = DEFAULT_KM
    km_text: str = ""  # as typed, to show again with its error
    km_error: str = ""
    sort: str = "relevance"
    page: int = 1
    confirmed: str = ""  # a key of FRESHNESS, or "" for any time

    def as_args(self, **changes: object) -> dict[str, object]:
        """The parameters as URL arguments (lists repeat), without empty ones."""
        args: dict[str, object] = {"q": self.text, **self.filters, **dict.fromkeys(sorted(self.flags), "1")}
        args.update(age=self.age, max_price=self.max_price, postcode=self.postcode, confirmed=self.confirmed)
        if self.postcode:
            args["km"] = self.km_text if self.km_error else self.km
        if self.sort != "relevance":
            args["sort"] = self.sort
        args.update(changes)
        return {key: value for key, value in args.items() if value not in (None, "", [])}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    checked: bool


@dataclass
class Facet:
    name: str  # URL parameter
    heading: str
    options: list[FacetOption]

    @property
    def any_checked(self) -> bool:
        return any(option.checked for option in self.options)


@dataclass
class ResultRow:
    name: str
    url: str
    snippet: Markup
    type_label: str
    badges: list[str]
    distance: str = ""  # "12.5 km away" on a postcode search
    outcode: str = ""  # where the result is, for the map of a postcode search


@dataclass
class SearchPage:
    params: SearchParams
    unavailable: bool = False
    total: int = 0
    rows: list[ResultRow] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    flags: list[FacetOption] = field(default_factory=list)
    postcode_message: str = ""
    near: dict[str, float] | None = None  # outcode → km when the postcode filter applied
    results_map: MapPicture | None = None  # the page's results on a map, on a postcode search

    @property
    def errors(self) -> list[dict[str, str]]:
        """The GOV.UK error summary's items: a distance out of range is the one input the page refuses."""
        return [{"text": self.params.km_error, "href": "#filter-km"}] if self.params.km_error else []

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _int(value: str | None, low: int, high: int) -> int | None:
    try:
        number = int((value or "").strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def _known_values(values: Iterable[str], known: Iterable[str]) -> list[str]:
    known = set(known)
    chosen: list[str] = []
    for value in values:
        if value in known and value not in chosen:
            chosen.append(value)
    return chosen[:MAX_VALUES]


def _km(value: str | None) -> tuple[int, str, str]:
    """The distance, as typed, and its error: a distance out of range is refused, not quietly replaced."""
    text = (value or "").strip()[:10]
    if not text:
        return DEFAULT_KM, "", ""
    if not text.isdigit():
        return DEFAULT_KM, text, "Distance must be a whole number of kilometres, like 25"
    number = _int(text, 1, MAX_KM)
    if number is None:
        return DEFAULT_KM, text, f"Distance must be between 1 and {MAX_KM} km"
    return number, text, ""


def parse_params(args: Mapping) -> SearchParams:
    """Validated parameters from the query string (a MultiDict); unknown or malformed values are dropped."""
    text = (args.get("q") or "").encode("utf-8")[:MAX_TEXT_BYTES].decode("utf-8", "ignore").strip()
    reference = reference_snapshot()
    filters = {
        name: _known_values(args.getlist(name), reference.term_labels(spec[1])) for name, spec in TERM_FILTERS.items()
    }
    filters["locality"] = _known_values(args.getlist("locality"), reference.locality_names)
    flags = {name for name in FLAG_FILTERS if args.get(name) == "1"}
    postcode = " ".join((args.get("postcode") or "").split())[:10]
    km, km_text, km_error = _km(args.get("km"))
    sort = args.get("sort") if args.get("sort") in SORTS else "relevance"
    return SearchParams(
        text=text,
        filters={name: values for name, values in filters.items() if values},
        flags=flags,
        age=_int(args.get("age"), 0, MAX_AGE),
        max_price=_int(args.get("max_price"), 0, 1_000_000),
        postcode=postcode,
        km=km,
        km_text=km_text,
        km_error=km_error if postcode else "",  # a distance without a postcode limits nothing
        sort="relevance" if sort == "distance" and not postcode else sort,
        page=_int(args.get("page"), 1, MAX_PAGE) or 1,
        confirmed=args.get("confirmed") if args.get("confirmed") in FRESHNESS else "",
    )


def engine_query(params: SearchParams, near: dict[str, float] | None = None) -> SearchQuery:
    """The engine query for the parameters; ``near`` (outcode → km) is the distance filter, if any."""
    filters: dict[str, set[str]] = {}
    for name, values in params.filters.items():
        engine_field = "locality" if name == "locality" else TERM_FILTERS[name][0]
        filters[engine_field] = reference_snapshot().expanded_localities(values) if name == "locality" else set(values)
    for name in params.flags:
        filters[FLAG_FILTERS[name][0]] = {"true"}
    if params.confirmed:
        filters["confirmed_on"] = confirmed_days(int(params.confirmed))
    return SearchQuery(
        text=params.text,
        filters=filters,
        age=params.age,
        max_price_pence=None if params.max_price is None else params.max_price * 100,
        sort=params.sort if params.sort == "name" or near is not None else "relevance",  # type: ignore[arg-type]
        page=params.page,
        page_size=PAGE_SIZE,
        facets=FACETS,
        near=near,
    )


def confirmed_days(months: int) -> set[str]:
    """The ISO days from ``months`` ago to today (UTC, as confirmations are stamped): a listing confirmed on one
    of them is that fresh.

    A set of days (at most 367) rather than a range, so both engines answer it as a keyword filter from the
    facet table, as cheaply as any other filter.
    """
    start, end = add_months(today(), -months), today()
    return {(start + timedelta(days=offset)).isoformat() for offset in range((end - start).days + 1)}


def _index_missing(engine: object) -> bool:
    live_directory = getattr(engine, "live_directory", None)
    return callable(live_directory) and live_directory() is None


def _near(params: SearchParams, page: SearchPage) -> dict[str, float] | None:
    """The outcodes within the distance of the postcode, with their distances; None (and why) when not limited."""
    if not params.postcode:
        return None
    if params.km_error:  # the error summary says why; the results are not limited by distance
        return None
    outcode = outcode_of(params.postcode)
    near = reference_snapshot().outcodes_within(outcode, params.km) if outcode else None
    if near is None:
        page.postcode_message = (
            f"We could not find the postcode “{params.postcode}”. Enter a full postcode like DE1 3AB or the "
            "first half of one like DE1. Results are not limited by distance."
        )
    return near


def _run(params: SearchParams, page: SearchPage) -> SearchResults:
    page.near = _near(params, page)
    return engine_for(current_app).search(engine_query(params, page.near))


def search_page(params: SearchParams) -> SearchPage:
    """Run the search; a missing or broken index gives an 'unavailable' page, never an exception."""
    page = SearchPage(params=params)
    try:
        if _index_missing(engine_for(current_app)):
            page.unavailable = True
            return page
        results = _run(params, page)
    except Exception:  # any engine failure shows the unavailable page
        logger.exception("Directory search failed")
        page.unavailable = True
        return page
    page.total = results.total
    page.rows = result_rows(results.hits, page.near)
    page.facets = facets_of(params, results.facets, every_option=results.total == 0)
    page.flags = [
        FacetOption(name, label, results.facets.get(engine_field, {}).get("true", 0), name in params.flags)
        for name, (engine_field, label) in FLAG_FILTERS.items()
    ]
    if page.near is not None:
        page.results_map = results_map(page.rows, params.postcode, params.km)
    return page


def _options(
    counts: dict[str, int], chosen: list[str], labels: Mapping[str, str], every_option: bool = False
) -> list[FacetOption]:
    shown = labels if every_option else counts
    values = [value for value in shown if value in labels] + [v for v in chosen if v not in shown]
    options = [FacetOption(value, labels[value], counts.get(value, 0), value in chosen) for value in values]
    return sorted(options, key=lambda option: option.label.casefold())


def facets_of(params: SearchParams, counts: dict[str, dict[str, int]], every_option: bool = False) -> list[Facet]:
    """Each filter's options that have results (or are chosen), labelled, with their counts.

    With ``every_option`` (a search that found nothing) every option is offered, so the filters stay usable:
    otherwise a search with no results would leave nothing to choose but what is already chosen.
    """
    reference = reference_snapshot()
    facets = []
    for name, (engine_field, vocabulary, heading) in TERM_FILTERS.items():
        labels = reference.term_labels(vocabulary)
        facets.append(
            Facet(
                name,
                heading,
                _options(counts.get(engine_field, {}), params.filters.get(name, []), labels, every_option),
            )
        )
    locality_counts = counts.get("locality", {})
    names = reference.locality_names
    facets.append(
        Facet(
            "locality",
            "Area served",
            _options(locality_counts, params.filters.get("locality", []), names, every_option),
        )
    )
    return facets


def _badges(organisation: Organisation, award: KitemarkAward | None) -> list[str]:
    badges = []
    if award is not None:
        badges.append(f"Kitemarked: awarded {long_date(award.awarded_on)}, expires {long_date(award.expires_on)}")
    safeguarding = organisation.safeguarding
    if safeguarding is not None and safeguarding.verified_at is not None:
        badges.append("Safeguarding verified")
    return badges


def distance_text(km: float | None) -> str:
    if km is None:
        return ""
    return "Less than 1 km away" if km < 1 else f"{km:.0f} km away"


def result_rows(hits: list[SearchHit], near: Mapping[str, float] | None = None) -> list[ResultRow]:
    """The hits with their profile links, type, badges and distance (the engine escaped the snippet).

    Distances are from outcode centre to outcode centre, the same approximation the filter uses.
    """
    near = near or {}
    org_ids = [int(h.id.removeprefix(ORGANISATION_PREFIX)) for h in hits if h.id.startswith(ORGANISATION_PREFIX)]
    consortium_ids = [int(h.id.removeprefix(CONSORTIUM_PREFIX)) for h in hits if h.id.startswith(CONSORTIUM_PREFIX)]
    # One query for the rows with their type and safeguarding record, one for the kitemarks in force.
    loaded = select(Organisation).where(Organisation.id.in_(org_ids))
    loaded = loaded.options(joinedload(Organisation.organisation_type), joinedload(Organisation.safeguarding))
    organisations = {o.id: o for o in db.session.scalars(loaded)}
    awards = awards_for(organisations)
    consortia = {c.id: c for c in db.session.scalars(select(Consortium).where(Consortium.id.in_(consortium_ids)))}
    rows = []
    for hit in hits:
        if hit.id.startswith(ORGANISATION_PREFIX):
            organisation = organisations.get(int(hit.id.removeprefix(ORGANISATION_PREFIX)))
            if organisation is None:
                continue
            kind = organisation.organisation_type.label if organisation.organisation_type else "Organisation"
            url = url_for("directory.organisation", organisation_id=organisation.id)
            snippet = Markup(hit.snippet)  # nosec B704  # text.snippet escapes; adds only <mark>
            badges = _badges(organisation, awards.get(organisation.id))
            distance = distance_text(near.get(hit.outcode))
            rows.append(ResultRow(organisation.name, url, snippet, kind, badges, distance, hit.outcode))
        else:
            consortium = consortia.get(int(hit.id.removeprefix(CONSORTIUM_PREFIX)))
            if consortium is None:
                continue
            url = url_for("consortia.consortium", consortium_id=consortium.id)
            snippet = Markup(hit.snippet)  # nosec B704  # text.snippet escapes; adds only <mark>
            distance = distance_text(near.get(hit.outcode))
            rows.append(ResultRow(consortium.name, url, snippet, "Consortium", [], distance, hit.outcode))
    return rows
