"""Server-rendered SVG maps: search results near a postcode, and the providers of an area.

People would rather look than read "12.5 km away" twenty times, but a map must not cost a tile service, a script
or an accessibility regression. So a map here is a small SVG drawn on the server from the postcode-district
(outcode) centres the reference data already holds: no outline of the country, just a centre, an optional radius
circle and one dot per outcode, its size growing with the number of providers there and its count written on it.

Projection: outcode centres are stored as National Grid eastings and northings, which are already metres on a
flat projection of Great Britain (a transverse Mercator, so east-west and north-south metres are the same
length everywhere here). That is what an equirectangular projection scaled by cos(latitude) would approximate
from latitude and longitude, without the per-point datum change: the map is the grid, shifted to put the centre in
the middle, scaled to fit, with north at the top (SVG's y axis points down, hence the flip).

Cost: a map groups its places by outcode first, then draws at most ``MAX_DOTS`` dots (the largest groups), so a
county with thousands of providers is still a few dozen SVG elements. Places whose outcode is unknown are counted
in the description rather than guessed.

Accessibility: the SVG has ``role="img"``, a ``<title>`` and a ``<desc>`` saying what it shows in words; it holds
no links or other controls (an image's children are not reachable), because the list beside it is the primary
content and already links every provider. Every text put into the SVG is escaped here, which is what makes
``|safe`` in a template safe.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from marketplace.reference.geography import area_centre
from marketplace.reference.postcodes import normalise_postcode, outcode_of
from marketplace.search.reference_cache import reference_snapshot

if TYPE_CHECKING:
    from marketplace.reference.models import Locality
    from marketplace.search.area import ProviderRow
    from marketplace.search.presenters import ResultRow

SIZE = 400  # the SVG is SIZE × SIZE user units, scaled by CSS
MARGIN = 28  # room for the largest dot at the edge
LABEL_ROOM = 60  # a dot closer than this to the right edge has its label on its left
MAX_DOTS = 60
MIN_HALF_SPAN_M = 5_000.0  # never zoom in further than 10 km across (one outcode is a few km)
NAMES_IN_TITLE = 5  # names listed in a dot's tooltip before "and N more"
SCALE_STEPS_KM = (1, 2, 5, 10, 20, 50, 100, 200)
AREA_REACH_KM = 75.0  # an area map shows providers based this near its middle (a large county is ~50 km across)

Point = tuple[float, float]  # (easting, northing) in metres


@dataclass(frozen=True)
class Place:
    """One provider (or result) to put on the map: its name and the outcode of its postcode."""

    name: str
    outcode: str


@dataclass(frozen=True)
class Group:
    """The places sharing one outcode: drawn as one dot."""

    outcode: str
    point: Point
    names: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class Dot:
    """A group projected onto the SVG: where, how big, and what it says."""

    x: float
    y: float
    radius: float
    group: Group


@dataclass(frozen=True)
class MapPicture:
    """A map ready to draw (``svg`` is the markup) with the figures its caption and tests need."""

    svg: str
    dots: list[Dot]
    shown: int  # places on the map
    unplaced: int  # places whose outcode has no known centre
    hidden: int  # places in groups left off beyond MAX_DOTS


def aggregate(
    places: Iterable[Place], centres: Mapping[str, Point], *, limit: int = MAX_DOTS
) -> tuple[list[Group], int, int]:
    """Group places by outcode; keep the ``limit`` largest groups (ties by outcode, so the map is stable).

    Returns the groups, the number of places with no known outcode centre, and the number left off by the limit.
    """
    by_outcode: dict[str, list[str]] = {}
    unplaced = 0
    for place in places:
        if place.outcode in centres:
            by_outcode.setdefault(place.outcode, []).append(place.name)
        else:
            unplaced += 1
    # Only the groups drawn are built (and their names sorted): at 5,000 places most outcodes are left off.
    largest = heapq.nsmallest(limit, by_outcode, key=lambda outcode: (-len(by_outcode[outcode]), outcode))
    groups = [Group(outcode, centres[outcode], tuple(sorted(by_outcode[outcode]))) for outcode in largest]
    placed = sum(len(names) for names in by_outcode.values())
    return groups, unplaced, placed - sum(group.count for group in groups)


def within_reach(
    places: Iterable[Place], centres: Mapping[str, Point], centre: Point, reach_km: float | None
) -> tuple[list[Place], int]:
    """The places within ``reach_km`` of ``centre`` (all when None; unknown outcodes are kept, to be counted as
    unplaced) and how many were further away."""
    places = list(places)
    if reach_km is None:
        return places, 0
    reach = reach_km * 1000
    kept = [p for p in places if p.outcode not in centres or math.dist(centres[p.outcode], centre) <= reach]
    return kept, len(places) - len(kept)


def half_span(centre: Point, points: Iterable[Point], radius_m: float = 0.0) -> float:
    """Half the width, in metres, of the square around ``centre`` that holds every point and the radius circle."""
    furthest = max((max(abs(x - centre[0]), abs(y - centre[1])) for x, y in points), default=0.0)
    return max(furthest, radius_m, MIN_HALF_SPAN_M)


def project(point: Point, centre: Point, span: float) -> Point:
    """SVG coordinates of a grid point: ``centre`` in the middle, ``span`` metres to each edge, north at the top."""
    scale = (SIZE / 2 - MARGIN) / span
    return (round(SIZE / 2 + (point[0] - centre[0]) * scale, 1), round(SIZE / 2 - (point[1] - centre[1]) * scale, 1))


def scale_bar_km(span: float) -> int:
    """The longest round length (1, 2, 5, 10 … km) no longer than half the map's half-width, for the scale bar."""
    limit = span / 2000
    return max((km for km in SCALE_STEPS_KM if km <= limit), default=SCALE_STEPS_KM[0])


def _scale_bar(span: float) -> str:
    km = scale_bar_km(span)
    length = round(km * 1000 * (SIZE / 2 - MARGIN) / span, 1)
    y = SIZE - 12
    return (
        f'<g class="app-map__scale"><path d="M10 {y - 4}v4h{length}v-4"></path>'
        f'<text x="{round(10 + length + 4, 1)}" y="{y + 1}">{km} km</text></g>'
    )


def dot_radius(count: int) -> float:
    """Area grows with the count (a dot of 4 is twice as wide as a dot of 1), capped to stay readable."""
    return round(min(6.0 * math.sqrt(max(count, 1)), 22.0), 1)


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _dot_title(group: Group) -> str:
    names = ", ".join(group.names[:NAMES_IN_TITLE])
    more = group.count - NAMES_IN_TITLE
    return f"{group.outcode}: {names}" + (f" and {more} more" if more > 0 else "")


def _dot_svg(dot: Dot) -> list[str]:
    parts = [
        f'<g class="app-map__dot"><circle cx="{dot.x}" cy="{dot.y}" r="{dot.radius}">'
        f"<title>{_text(_dot_title(dot.group))}</title></circle>"
    ]
    if dot.group.count > 1:
        parts.append(f'<text x="{dot.x}" y="{round(dot.y + 4, 1)}" text-anchor="middle">{dot.group.count}</text>')
    # Labels go right of the dot, or left of it near the right edge so they are not cut off.
    right = dot.x < SIZE - LABEL_ROOM
    x = round(dot.x + dot.radius + 3 if right else dot.x - dot.radius - 3, 1)
    parts.append(
        f'<text class="app-map__label" x="{x}" y="{round(dot.y + 4, 1)}" text-anchor="{"start" if right else "end"}">'
        f"{_text(dot.group.outcode)}</text></g>"
    )
    return parts


def draw(
    *,
    map_id: str,
    title: str,
    description: str,
    centre: Point,
    centre_label: str,
    places: Iterable[Place],
    centres: Mapping[str, Point],
    radius_km: float | None = None,
    reach_km: float | None = None,
) -> MapPicture:
    """The SVG of ``places`` around ``centre`` (with a circle of ``radius_km`` if given), as a :class:`MapPicture`.

    ``description`` is the start of the ``<desc>``; what is on the map (and what could not be placed) is added.
    Places further than ``reach_km`` from the centre are counted, not drawn, so one far-off place does not
    shrink every other dot into the middle.
    """
    places, far = within_reach(places, centres, centre, reach_km)
    groups, unplaced, hidden = aggregate(places, centres)
    radius_m = (radius_km or 0.0) * 1000
    span = half_span(centre, [group.point for group in groups], radius_m)
    dots = [Dot(*project(group.point, centre, span), dot_radius(group.count), group) for group in groups]
    shown = sum(group.count for group in groups)
    safe_id = _text(map_id)
    summary = f"{description} {shown} shown in {len(groups)} postcode district{'' if len(groups) == 1 else 's'}."
    summary += f" {far} based more than {reach_km:g} km away not shown." if far else ""
    summary += f" {unplaced} without a known postcode not shown." if unplaced else ""
    summary += f" {hidden} more in smaller groups not shown." if hidden else ""
    middle = SIZE / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-map" id="{safe_id}" role="img" '
        f'viewBox="0 0 {SIZE} {SIZE}" aria-labelledby="{safe_id}-title {safe_id}-desc">',
        f'<title id="{safe_id}-title">{_text(title)}</title>',
        f'<desc id="{safe_id}-desc">{_text(summary)}</desc>',
        f'<rect class="app-map__ground" x="0" y="0" width="{SIZE}" height="{SIZE}"></rect>',
    ]
    if radius_m:
        circle_r = round(radius_m * (middle - MARGIN) / span, 1)
        parts.append(f'<circle class="app-map__radius" cx="{middle}" cy="{middle}" r="{circle_r}"></circle>')
    for dot in dots:
        parts.extend(_dot_svg(dot))
    parts.append(
        f'<g class="app-map__centre"><path d="M{middle - 7} {middle}h14M{middle} {middle - 7}v14"></path>'
        f"<title>{_text(centre_label)}</title></g>"
    )
    parts.append(_scale_bar(span))
    parts.append(f'<text class="app-map__north" x="{SIZE - 14}" y="18" text-anchor="middle">N</text>')
    parts.append("</svg>")
    return MapPicture("\n".join(parts), dots, shown, unplaced, hidden)


# The two maps the pages show -------------------------------------------------------------------------------------


def results_map(rows: Iterable[ResultRow], postcode: str, km: float) -> MapPicture | None:
    """The map of a postcode search's results on this page, or None when the postcode or the results are missing.

    Only the page's own results are drawn (at most a page of them), so the map and the list beside it agree.
    """
    rows = list(rows)
    outcode = outcode_of(postcode)
    centres = reference_snapshot().outcode_centres
    if not rows or outcode not in centres:
        return None
    where = normalise_postcode(postcode) or outcode
    return draw(
        map_id="results-map",
        title=f"Map of the results on this page within {km:g} km of {where}",
        description=(
            f"A cross marks {where} (the centre of postcode district {outcode}) and the circle is {km:g} km around "
            "it. Each dot is a postcode district with results, larger where there are more, with the number of "
            "results written on it."
        ),
        centre=centres[outcode],
        centre_label=f"{where}: the centre of your search",
        places=[Place(row.name, row.outcode) for row in rows],
        centres=centres,
        radius_km=km,
    )


def area_map(locality: Locality, providers: Iterable[ProviderRow]) -> MapPicture | None:
    """The map of the providers serving an area, by the postcode district of their address; None if unplaceable.

    A provider serving a whole county may be based outside it: the map shows where providers are based, so it can
    reach beyond the area, which is what a commissioner wants to see.
    """
    centre = area_centre(locality)
    if centre is None:
        return None
    centres = reference_snapshot().outcode_centres
    return draw(
        map_id="area-map",
        title=f"Map of where the providers serving {locality.name} are based",
        description=(
            f"A cross marks the middle of {locality.name}. Each dot is the postcode district of providers' "
            "addresses, larger where there are more, with the number of providers written on it."
        ),
        centre=centre,
        centre_label=f"The middle of {locality.name}",
        places=[Place(provider.name, outcode_of(provider.postcode) or "") for provider in providers],
        centres=centres,
        reach_km=AREA_REACH_KM,
    )
