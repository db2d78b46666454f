"""The SVG map presenter: projection, bounds, grouping by outcode, the cap on dots and escaping."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest

from marketplace.search import maps
from marketplace.search.maps import MARGIN, MAX_DOTS, MIN_HALF_SPAN_M, SIZE, Place

SVG = "{http://www.w3.org/2000/svg}"
CENTRE = (435_000.0, 336_000.0)  # about Derby, in National Grid metres


def test_the_centre_is_the_middle_and_north_is_up():
    assert maps.project(CENTRE, CENTRE, 10_000) == (SIZE / 2, SIZE / 2)
    east_x, east_y = maps.project((CENTRE[0] + 10_000, CENTRE[1]), CENTRE, 10_000)
    north_x, north_y = maps.project((CENTRE[0], CENTRE[1] + 10_000), CENTRE, 10_000)
    assert (east_x, east_y) == (SIZE - MARGIN, SIZE / 2)  # the span reaches the edge, less the margin
    assert (north_x, north_y) == (SIZE / 2, MARGIN)  # further north is higher on the page


def test_a_metre_is_as_long_east_as_north():
    east = maps.project((CENTRE[0] + 3_000, CENTRE[1]), CENTRE, 20_000)
    south = maps.project((CENTRE[0], CENTRE[1] - 3_000), CENTRE, 20_000)
    assert east[0] - SIZE / 2 == pytest.approx(south[1] - SIZE / 2)


def test_bounds_hold_the_furthest_point_and_the_radius_but_never_zoom_in_too_far():
    points = [(CENTRE[0] + 12_000, CENTRE[1]), (CENTRE[0], CENTRE[1] - 30_000)]
    assert maps.half_span(CENTRE, points) == 30_000
    assert maps.half_span(CENTRE, points, radius_m=50_000) == 50_000
    assert maps.half_span(CENTRE, [CENTRE]) == MIN_HALF_SPAN_M
    for point in points:
        x, y = maps.project(point, CENTRE, maps.half_span(CENTRE, points))
        assert MARGIN <= x <= SIZE - MARGIN and MARGIN <= y <= SIZE - MARGIN


def test_places_are_grouped_by_outcode_largest_first_and_unknown_outcodes_counted():
    centres = {"DE1": CENTRE, "DE4": (430_000.0, 360_000.0)}
    places = [Place("B", "DE1"), Place("A", "DE1"), Place("C", "DE4"), Place("Nowhere", "ZZ9"), Place("Blank", "")]

    groups, unplaced, hidden = maps.aggregate(places, centres)

    assert [(group.outcode, group.names) for group in groups] == [("DE1", ("A", "B")), ("DE4", ("C",))]
    assert (unplaced, hidden) == (2, 0)


def test_five_thousand_places_make_at_most_the_capped_number_of_dots_quickly():
    centres = {f"X{number}": (CENTRE[0] + number * 50.0, CENTRE[1] - number * 30.0) for number in range(2_000)}
    places = [Place(f"Provider {number}", f"X{number % 2_000}") for number in range(5_000)]

    started = time.perf_counter()
    picture = maps.draw(
        map_id="m", title="t", description="d", centre=CENTRE, centre_label="c", places=places, centres=centres
    )
    elapsed = time.perf_counter() - started

    assert len(picture.dots) == MAX_DOTS
    assert picture.shown + picture.hidden == 5_000
    assert picture.svg.count("<circle") == MAX_DOTS
    assert f"{picture.hidden} more in smaller groups not shown" in picture.svg
    assert elapsed < 0.5, elapsed


def test_the_svg_is_an_accessible_image_whose_text_is_escaped():
    centres = {"DE1": CENTRE, "DE4": (430_000.0, 360_000.0)}
    places = [Place("<script>alert(1)</script> & Sons", "DE1"), Place("Second", "DE1"), Place("Third", "DE4")]

    picture = maps.draw(
        map_id="results-map",
        title="Results near <DE1>",
        description="A cross marks DE1 & the circle is 5 km.",
        centre=CENTRE,
        centre_label='DE1 "centre"',
        places=places,
        centres=centres,
        radius_km=5,
    )

    assert "<script>" not in picture.svg and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons" in picture.svg
    root = ET.fromstring(picture.svg)  # well-formed XML
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "results-map-title results-map-desc"
    assert root.find(f"{SVG}title").text == "Results near <DE1>"
    assert root.find(f"{SVG}desc").text == ("A cross marks DE1 & the circle is 5 km. 3 shown in 2 postcode districts.")
    assert root.find(f".//{SVG}a") is None  # no links inside an image: the list beside it has them
    assert len(root.findall(f"{SVG}circle[@class='app-map__radius']")) == 1
    dots = root.findall(f".//{SVG}g[@class='app-map__dot']")
    assert [dot.find(f"{SVG}circle/{SVG}title").text for dot in dots] == [
        "DE1: <script>alert(1)</script> & Sons, Second",
        "DE4: Third",
    ]
    assert [text.text for text in dots[0].findall(f"{SVG}text")] == ["2", "DE1"]  # a group shows its count


def test_the_radius_circle_is_drawn_to_the_same_scale_as_the_dots():
    centres = {"DE1": CENTRE, "EAST": (CENTRE[0] + 10_000, CENTRE[1])}
    picture = maps.draw(
        map_id="m",
        title="t",
        description="d",
        centre=CENTRE,
        centre_label="c",
        places=[Place("East", "EAST")],
        centres=centres,
        radius_km=10,
    )
    root = ET.fromstring(picture.svg)
    radius = float(root.find(f"{SVG}circle[@class='app-map__radius']").get("r"))
    assert radius == pytest.approx(picture.dots[0].x - SIZE / 2)  # a place 10 km east sits on the circle


def test_dots_grow_with_their_count_up_to_a_cap_and_the_scale_bar_is_a_round_length():
    assert maps.dot_radius(1) < maps.dot_radius(4) < maps.dot_radius(10_000) == 22.0
    assert maps.scale_bar_km(5_000) == 2
    assert maps.scale_bar_km(25_000) == 10
    assert maps.scale_bar_km(100) == 1


def test_labels_near_the_right_edge_go_on_the_left_of_their_dot():
    centres = {"WEST": (CENTRE[0] - 10_000, CENTRE[1]), "EAST": (CENTRE[0] + 10_000, CENTRE[1])}
    picture = maps.draw(
        map_id="m",
        title="t",
        description="d",
        centre=CENTRE,
        centre_label="c",
        places=[Place("West", "WEST"), Place("East", "EAST")],
        centres=centres,
    )
    labels = {
        label.text: label.get("text-anchor")
        for label in ET.fromstring(picture.svg).iter(f"{SVG}text")
        if label.get("class") == "app-map__label"
    }
    assert labels == {"WEST": "start", "EAST": "end"}


def test_places_beyond_the_reach_are_counted_not_drawn_so_the_rest_keep_their_scale():
    centres = {"NEAR": (CENTRE[0] + 8_000, CENTRE[1]), "FAR": (CENTRE[0], CENTRE[1] + 200_000)}
    places = [Place("Near", "NEAR"), Place("Far", "FAR"), Place("Unknown", "ZZ1")]

    picture = maps.draw(
        map_id="m",
        title="t",
        description="d",
        centre=CENTRE,
        centre_label="c",
        places=places,
        centres=centres,
        reach_km=75,
    )

    assert [dot.group.outcode for dot in picture.dots] == ["NEAR"]
    assert picture.dots[0].x == SIZE - MARGIN  # the map spans the near place, not the far one
    assert "d 1 shown in 1 postcode district. 1 based more than 75 km away not shown." in picture.svg
    assert "1 without a known postcode not shown." in picture.svg
