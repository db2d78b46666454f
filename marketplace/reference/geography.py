"""Which local authority areas overlap: the one locality rule that search, matching and the API share.

England's local government has one or two tiers. In two-tier areas a county (Derbyshire) contains districts
(Amber Valley, Chesterfield …): a provider serving the county serves each of its districts, and one serving a
district serves part of the county. Unitary authorities, metropolitan districts and London boroughs are single
tier: in the reference data each overlaps only itself.

So "serves this area" means "serves a locality whose area overlaps it": the locality itself, its county (for a
district) and its districts (for a county) — never a sibling district, never a neighbouring authority. Directory
search, the area overview, the needs board, matching, the kitemark listing and the open-data API all ask
:func:`overlapping_localities` (or its id and code forms; the search page's cached snapshot asks
:func:`overlapping` with codes), so a provider found for an area on one page is found for it on every other.
Nearness is a second, separate question (:func:`nearby_localities`, :func:`distance_to_area_km`): a unitary city
is linked to the ceremonial county around it (Southampton and Hampshire), neighbouring authorities are those whose
postcodes lie close together (derived from the postcode directory, see scripts/derive_localities.py), and a
distance is measured from a postcode's outcode centre to the nearest outcode of an area. Matching uses nearness to
prefer in-area providers and then nearby ones; "serves this area" never includes a neighbour.

What a provider serves is the narrower, one-way half of the same tree (:func:`served_localities`): picking a
county means serving each of its districts, but picking a district does not mean serving the whole county.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload

from marketplace.extensions import db
from marketplace.reference.models import Locality, Outcode
from marketplace.reference.postcodes import outcode_of

# An English local authority's ONS (GSS) code: E, then eight digits (E06000015 Derby, E10000007 Derbyshire).
ONS_CODE = re.compile(r"^E\d{8}$")

T = TypeVar("T", bound=Hashable)  # a locality row or an ONS code


def locality_by_code(ons_code: str | None) -> Locality | None:
    """The locality with this ONS code (surrounding spaces and lower case forgiven), or None.

    None for a missing, malformed or unknown code: callers decide whether that is an error or "no filter".
    """
    code = (ons_code or "").strip().upper()
    if not ONS_CODE.match(code):
        return None
    return db.session.scalar(select(Locality).where(Locality.ons_code == code))


def overlapping(area: T, county: T | None, districts: Iterable[T]) -> set[T]:
    """The rule itself, for any way of naming localities: the area, its county (if any) and its districts.

    :func:`overlapping_localities` applies it to database rows; the search page's cached snapshot applies it to
    ONS codes without a query. Both go through here so they cannot drift apart.
    """
    found = {area, *districts}
    if county is not None:
        found.add(county)
    return found


def overlapping_localities(area: Locality | str | None) -> set[Locality]:
    """The localities whose area overlaps ``area`` (a locality or its ONS code): itself, its county, its districts.

    A provider serving any of them counts as serving ``area``. An unknown or malformed code overlaps nothing
    (an empty set), so a filter built from it matches nothing rather than everything.
    """
    locality = locality_by_code(area) if isinstance(area, str) or area is None else area
    if locality is None:
        return set()
    return overlapping(locality, locality.parent, locality.districts)


def overlapping_ids(area: Locality | str | None) -> set[int]:
    """Database ids of :func:`overlapping_localities`, for ``IN`` clauses over the locality link tables."""
    return {locality.id for locality in overlapping_localities(area)}


def overlapping_codes(areas: Iterable[Locality]) -> set[str]:
    """ONS codes of the localities overlapping any of ``areas`` (a need's localities), for search-engine filters."""
    return {locality.ons_code for area in areas for locality in overlapping_localities(area)}


def served_localities(picked: Iterable[Locality]) -> set[Locality]:
    """What a provider serves when it says it serves ``picked``: each locality and, for a county, its districts.

    The profile page, the search index and the shortlist comparison show and count what a provider serves from
    this; the filters above then decide which of those served localities count for an area.
    """
    return {served for locality in picked for served in (locality, *locality.districts)}


# Nearness -----------------------------------------------------------------------------------------------------

CEREMONIAL = "ceremonial"
NEIGHBOUR = "neighbour"


def ceremonial_relatives(area: Locality) -> set[Locality]:
    """The ceremonial county of a unitary city, or the unitary cities in a county (Southampton ↔ Hampshire).

    A district takes its county's relatives (Eastleigh is near Southampton through Hampshire).
    """
    return _ceremonial_relatives(area, _cities_in([area]))


def _cities_in(areas: list[Locality]) -> dict[int, list[Locality]]:
    """The localities whose ceremonial county is one of ``areas`` or their counties, by that county's id: one
    query for every area of a need (a regional need has dozens)."""
    holders = {place.id for area in areas for place in (area, area.parent) if place is not None}
    cities: dict[int, list[Locality]] = {}
    if holders:
        for city in db.session.scalars(select(Locality).where(Locality.ceremonial_county_id.in_(holders))):
            cities.setdefault(city.ceremonial_county_id, []).append(city)  # type: ignore[arg-type]
    return cities


def _ceremonial_relatives(area: Locality, cities: dict[int, list[Locality]]) -> set[Locality]:
    found: set[Locality] = set()
    for place in (area, area.parent):
        if place is None:
            continue
        if place.ceremonial_county is not None:
            found.add(place.ceremonial_county)
        found.update(cities.get(place.id, ()))
    return found - {area}


_RELATIONS = frozenset({"parent", "districts", "neighbours", "ceremonial_county"})


def with_relations(areas: Iterable[Locality]) -> list[Locality]:
    """``areas`` with their county, districts, neighbours and ceremonial counties loaded in a few set-based
    queries rather than several lazy loads per area (a regional need names every authority in its region)."""
    areas = list(areas)
    ids = [area.id for area in areas if area.id is not None and _RELATIONS & inspect(area).unloaded]
    if ids:
        options = (
            selectinload(Locality.parent).selectinload(Locality.ceremonial_county),
            selectinload(Locality.districts),
            selectinload(Locality.neighbours),
            selectinload(Locality.ceremonial_county),
        )
        db.session.scalars(select(Locality).where(Locality.id.in_(ids)).options(*options)).all()
    return areas


def nearby_localities(areas: Iterable[Locality]) -> dict[Locality, tuple[str, Locality]]:
    """Localities near (not in) ``areas``: each with how ("ceremonial" or "neighbour") and which area it is near.

    A relative through the ceremonial county counts before a plain neighbour; the areas themselves and what
    overlaps them are never "nearby".
    """
    areas = with_relations(areas)
    inside = {place for area in areas for place in overlapping_localities(area)}
    found: dict[Locality, tuple[str, Locality]] = {}
    for area in areas:
        for neighbour in area.neighbours:
            found.setdefault(neighbour, (NEIGHBOUR, area))
    cities = _cities_in(areas)
    for area in areas:
        for relative in _ceremonial_relatives(area, cities):
            found[relative] = (CEREMONIAL, area)
    return {place: how for place, how in found.items() if place not in inside}


@lru_cache(maxsize=1)
def _cached_outcodes() -> tuple[dict[str, tuple[int, int, str | None]], dict[str, list[tuple[int, int]]]]:
    rows = db.session.execute(select(Outcode.outcode, Outcode.easting, Outcode.northing, Outcode.ons_code)).all()
    points = {row[0]: (row[1], row[2], row[3]) for row in rows}
    by_area: dict[str, list[tuple[int, int]]] = {}
    for easting, northing, code in points.values():
        if code:
            by_area.setdefault(code, []).append((easting, northing))
    return points, by_area


def forget_outcodes() -> None:
    """Drop the cached outcode table (after ``flask reference load`` or between tests)."""
    _cached_outcodes.cache_clear()


def _outcode_table() -> tuple[dict[str, tuple[int, int, str | None]], dict[str, list[tuple[int, int]]]]:
    """The outcode centres, read once per process (about 2,300 rows); read again while the table is empty."""
    points, by_area = _cached_outcodes()
    if not points:
        forget_outcodes()
        points, by_area = _cached_outcodes()
    return points, by_area


def postcode_point(postcode: str | None) -> tuple[int, int, str | None] | None:
    """The outcode centre of a postcode (easting, northing) and the ONS code of the authority it lies in."""
    outcode = outcode_of(postcode)
    if outcode is None:
        return None
    return _outcode_table()[0].get(outcode)


def _lower_tier_codes(area: Locality) -> list[str]:
    return [district.ons_code for district in area.districts] or [area.ons_code]


def area_centre(area: Locality) -> tuple[float, float] | None:
    """The mean of the outcode centres lying in ``area`` (a county: in its districts), in OSGB metres.

    None when no outcode lies there. Good enough to centre a map on; not a boundary's true centroid.
    """
    _, by_area = _outcode_table()
    centres = [centre for code in _lower_tier_codes(area) for centre in by_area.get(code, [])]
    if not centres:
        return None
    return sum(x for x, _ in centres) / len(centres), sum(y for _, y in centres) / len(centres)


def distance_to_area_km(point: tuple[int, int] | None, areas: Iterable[Locality]) -> float | None:
    """How far ``point`` (OSGB metres) is from the nearest outcode centre of any of ``areas``, in km.

    None when the point or the areas' outcodes are unknown. Outcode centres make this approximate (a few km).
    """
    if point is None:
        return None
    return distance_to_centres_km(point, area_centres(areas))


def area_centres(areas: Iterable[Locality]) -> list[tuple[int, int]]:
    """The outcode centres of ``areas`` (a county's through its districts), for many distances to the same areas."""
    _, by_area = _outcode_table()
    return [centre for area in areas for code in _lower_tier_codes(area) for centre in by_area.get(code, [])]


def distance_to_centres_km(point: tuple[int, int], centres: list[tuple[int, int]]) -> float | None:
    """:func:`distance_to_area_km` against centres from :func:`area_centres`."""
    if not centres:
        return None
    return min(math.dist(point, centre) for centre in centres) / 1000
