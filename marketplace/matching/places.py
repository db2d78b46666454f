"""Where a provider is against where a need is: in the area, near it (ceremonial county, neighbour), how far.

A need either *requires* providers serving its areas (``Need.localities_required``: the old hard filter) or, by
default, *prefers* them: providers serving the areas come first, then those serving a nearby authority (the
county around a unitary city, or a neighbouring authority), each with the reason and the distance from the
provider's base ("Based in Southampton, 12 km from the need's area; serves Southampton"). Providers serving
neither are not candidates. The relations themselves live in :mod:`marketplace.reference.geography`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.commissioning.models import Need
from marketplace.reference.geography import (
    CEREMONIAL,
    area_centres,
    distance_to_centres_km,
    nearby_localities,
    overlapping_codes,
    postcode_point,
    with_relations,
)
from marketplace.reference.models import Locality
from marketplace.search.reference_cache import reference_snapshot

# The locality component's fraction for each way of being placed (1 = serves the need's own area).
EXACT, VIA_COUNTY, DISTRICT_OF_COUNTY = 1.0, 0.75, 0.5
CEREMONIAL_FRACTION, NEIGHBOUR_FRACTION = 0.5, 0.35


@dataclass
class NeedPlace:
    """A need's geography, worked out once per ranking."""

    areas: list[Locality]
    inside: set[str]
    nearby: dict[str, tuple[str, Locality, Locality]] = field(default_factory=dict)  # code → (how, place, area)
    required: bool = False
    centres: list[tuple[int, int]] | None = None  # the areas' outcode centres, for each candidate's distance
    plain_areas: list[_Area] | None = None  # the areas as plain values, read once rather than per candidate

    @property
    def candidate_codes(self) -> set[str]:
        return self.inside if self.required else self.inside | set(self.nearby)


def need_place(need: Need) -> NeedPlace:
    areas = with_relations(need.localities)  # a few queries for all the areas, not several per area
    required = bool(need.localities_required)
    nearby = {} if required else nearby_localities(areas)
    return NeedPlace(
        areas=areas,
        inside=overlapping_codes(areas),
        nearby={place.ons_code: (how, place, area) for place, (how, area) in nearby.items()},
        required=required,
    )


@dataclass
class Placement:
    fraction: float = 0.0
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class _Area:
    code: str
    name: str
    parent: tuple[str, str] | None  # (code, name)
    districts: list[tuple[str, str]]  # (name, code), by name


def _plain_areas(place: NeedPlace) -> list[_Area]:
    if place.plain_areas is None:
        place.plain_areas = [
            _Area(
                locality.ons_code,
                locality.name,
                (locality.parent.ons_code, locality.parent.name) if locality.parent is not None else None,
                sorted((d.name, d.ons_code) for d in locality.districts),
            )
            for locality in place.areas
        ]
    return place.plain_areas


def _inside(place: NeedPlace, direct: set[str]) -> Placement:
    """Exact locality 1, via its county 0.75, a district of a county need 0.5 (mean over the need's areas)."""
    placement = Placement()
    earned = 0.0
    for locality in _plain_areas(place):
        districts = [name for name, code in locality.districts if code in direct]
        if locality.code in direct:
            earned += EXACT
            placement.reasons.append(f"Serves {locality.name}")
        elif locality.parent is not None and locality.parent[0] in direct:
            earned += VIA_COUNTY
            placement.reasons.append(f"Serves {locality.name} (via {locality.parent[1]})")
        elif districts:
            earned += DISTRICT_OF_COUNTY
            placement.reasons.append(f"Serves {', '.join(districts)} in {locality.name}")
        else:
            placement.missing.append(f"Does not serve {locality.name}")
    placement.fraction = earned / len(place.areas)
    return placement


def _near(place: NeedPlace, served: set[str]) -> Placement:
    near = sorted(
        (place.nearby[code] for code in served & set(place.nearby)), key=lambda n: (n[0] != CEREMONIAL, n[1].name)
    )
    if not near:
        return Placement()
    how, locality, area = near[0]
    if how != CEREMONIAL:
        return Placement(NEIGHBOUR_FRACTION, [f"Serves {locality.name}, next to {area.name}"])
    if locality.ceremonial_county is None:  # the county around the need's city
        return Placement(CEREMONIAL_FRACTION, [f"Serves {locality.name}, the county around {area.name}"])
    return Placement(CEREMONIAL_FRACTION, [f"Serves {locality.name}, in {locality.ceremonial_county.name}"])


def base_reason(place: NeedPlace, postcode: str | None) -> str | None:
    """ "Based in Southampton, 12 km from the need's area" (or "Based in the need's area"), from the postcode."""
    point = postcode_point(postcode)
    if point is None or not place.areas:
        return None
    # Candidates are based all over: their base's name comes from the per-process reference snapshot, no query.
    base = reference_snapshot().locality_names.get(point[2]) if point[2] else None
    if base is not None and point[2] in place.inside:
        return f"Based in {base}, in the need's area"
    if place.centres is None:
        place.centres = area_centres(place.areas)
    distance = distance_to_centres_km(point[:2], place.centres)
    if distance is None:
        return None
    where = f"Based in {base}" if base is not None else f"Based at {postcode}"
    return f"{where}, {round(distance)} km from the need's area"


def _inside_fraction(place: NeedPlace, direct: set[str]) -> float:
    """:func:`_inside`'s fraction alone, without its reasons (the matches page's first pass)."""
    earned = 0.0
    for locality in _plain_areas(place):
        if locality.code in direct:
            earned += EXACT
        elif locality.parent is not None and locality.parent[0] in direct:
            earned += VIA_COUNTY
        elif any(code in direct for _, code in locality.districts):
            earned += DISTRICT_OF_COUNTY
    return earned / len(place.areas)


def placement_fraction(place: NeedPlace, direct: set[str], served: set[str]) -> float | None:
    """:func:`placement`'s fraction alone (None when it is None): the same rule, without a reason string."""
    if not place.areas:
        return 0.0
    if served & place.inside:
        fraction = _inside_fraction(place, direct)
        return fraction if fraction > 0 else _inside_fraction(place, served)
    if place.required:
        return None
    near = {place.nearby[code][0] for code in served & place.nearby.keys()}
    if not near:
        return None
    return CEREMONIAL_FRACTION if CEREMONIAL in near else NEIGHBOUR_FRACTION


def placement(place: NeedPlace, direct: set[str], served: set[str], postcode: str | None) -> Placement | None:
    """How a provider stands against the need's areas, or None when it is neither in nor near them."""
    if not place.areas:
        return Placement()
    inside = _inside(place, direct) if served & place.inside else Placement()
    if inside.fraction > 0 or (served & place.inside):
        if inside.fraction == 0:  # serves only through the index's wider reading (a county's district)
            inside = _inside(place, served)
        return inside
    if place.required:
        return None
    near = _near(place, served)
    if not near.reasons:
        return None
    reason = base_reason(place, postcode)
    near.reasons = [f"{reason}; {near.reasons[0][0].lower()}{near.reasons[0][1:]}"] if reason else near.reasons
    near.missing = [f"Does not serve {', '.join(a.name for a in place.areas)}"]
    return near
