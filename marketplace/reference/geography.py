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
Nearness (neighbours, distance) is a different question and does not belong here.

What a provider serves is the narrower, one-way half of the same tree (:func:`served_localities`): picking a
county means serving each of its districts, but picking a district does not mean serving the whole county.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from typing import TypeVar

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.reference.models import Locality

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
