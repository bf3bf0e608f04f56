"""The equal-area hexagon map: the layout on hand-made and real municipalities, its drawing, its colours."""

from __future__ import annotations

import itertools
import math
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

import pytest
from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st

from ehelsenord.divide.hexmap import HexMap, HexPoint, HexShape, hex_distance, hex_layout, hex_map
from ehelsenord.divide.tiles import (
    BORDER,
    CATEGORY_STYLES,
    MATURITY_CATEGORIES,
    STAGE_CATEGORIES,
    LegendItem,
    Tile,
)
from ehelsenord.solutions.enums import Stage

PROPERTIES = settings(deadline=None, max_examples=40)
ROW_HEIGHT = math.sqrt(3) / 2


def centre(cell: tuple[int, int]) -> tuple[float, float]:
    """A cell's centre on the odd-r grid, in spacings (y grows southwards)."""
    column, row = cell
    return column + 0.5 * (row & 1), row * ROW_HEIGHT


def projected(points: Sequence[HexPoint]) -> dict[str, tuple[float, float]]:
    if not points:
        return {}
    shrink = math.cos(math.radians(sum(p.latitude for p in points) / len(points)))
    return {p.key: (p.longitude * shrink, -p.latitude) for p in points}


def assert_valid_layout(points: Sequence[HexPoint], layout: dict[str, tuple[int, int]]) -> None:
    """One cell per point, no cell twice, the grid starting at column 0 and row 0."""
    assert set(layout) == {p.key for p in points}
    assert len(set(layout.values())) == len(layout)
    if layout:
        assert min(column for column, _row in layout.values()) == 0
        assert min(row for _column, row in layout.values()) == 0


def assert_no_swap_helps(points: Sequence[HexPoint], layout: dict[str, tuple[int, int]]) -> None:
    """The assignment is optimal, so no two points would be closer to their cells by swapping them.

    Swapping the cells of a and b changes the sum of squared distances by 2 (a - b)·(cell(a) - cell(b)),
    so for every pair the step between their cells never points against the step between them.
    """
    position = projected(points)
    for a, b in itertools.combinations(layout, 2):
        (ax, ay), (bx, by) = position[a], position[b]
        (cax, cay), (cbx, cby) = centre(layout[a]), centre(layout[b])
        assert (ax - bx) * (cax - cbx) + (ay - by) * (cay - cby) >= -1e-9, (a, b)


# Hand-made cases


def test_no_points_no_hexagons() -> None:
    assert hex_layout([]) == {}
    assert hex_map([]) == HexMap(shapes=[], width=0.0, height=0.0, radius=18.0)


def test_one_point_is_the_first_cell_and_one_hexagon() -> None:
    assert hex_layout([HexPoint("1804", 67.28, 14.40)]) == {"1804": (0, 0)}
    # Radius 18, drawn at 90 % so neighbours keep a gap, pointy top, a margin of radius / 4 all round.
    assert hex_map([HexPoint("1804", 67.28, 14.40)]) == HexMap(
        shapes=[HexShape("1804", 20.1, 22.5, "20.1,6.3 34.1,14.4 34.1,30.6 20.1,38.7 6.1,30.6 6.1,14.4")],
        width=40.2,
        height=45.0,
        radius=18.0,
    )


def test_keys_must_be_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        hex_layout([HexPoint("1804", 67.28, 14.40), HexPoint("1804", 68.0, 15.0)])


def test_two_points_side_by_side_and_one_above_the_other() -> None:
    assert hex_layout([HexPoint("east", 67.0, 15.0), HexPoint("west", 67.0, 14.0)]) == {
        "west": (0, 0),
        "east": (1, 0),
    }
    rows = {
        key: row for key, (_column, row) in hex_layout([HexPoint("s", 67.0, 14.0), HexPoint("n", 67.5, 14.0)]).items()
    }
    assert rows == {"n": 0, "s": 1}


def test_points_on_a_hexagon_lattice_keep_that_lattice() -> None:
    """An 8 × 8 block of an odd-r lattice (0.2° apart) comes back cell for cell."""
    cells = [(column, row) for row in range(8) for column in range(8)]
    latitudes = {cell: 69.3 - 0.2 * centre(cell)[1] for cell in cells}
    shrink = math.cos(math.radians(sum(latitudes.values()) / len(cells)))
    points = [
        HexPoint(f"{row}-{column}", latitudes[(column, row)], 16.1 + 0.2 * centre((column, row))[0] / shrink)
        for column, row in cells
    ]
    random.Random(5).shuffle(points)

    assert hex_layout(points) == {f"{row}-{column}": (column, row) for column, row in cells}


def test_hex_distance_counts_steps_on_the_odd_r_grid() -> None:
    even_row_neighbours = [(1, 2), (3, 2), (1, 1), (2, 1), (1, 3), (2, 3)]
    odd_row_neighbours = [(1, 3), (3, 3), (2, 2), (3, 2), (2, 4), (3, 4)]
    assert [hex_distance((2, 2), cell) for cell in even_row_neighbours] == [1] * 6
    assert [hex_distance((2, 3), cell) for cell in odd_row_neighbours] == [1] * 6
    assert hex_distance((2, 2), (2, 2)) == 0
    assert hex_distance((0, 0), (0, 2)) == 2
    assert hex_distance((0, 0), (5, 0)) == 5
    assert hex_distance((0, 0), (3, 6)) == 6


# Generated point sets

coordinate = st.tuples(st.integers(5_790_000, 7_120_000), st.integers(450_000, 3_120_000))  # 1e-5 degrees
point_sets = st.lists(coordinate, max_size=60).map(
    lambda coordinates: [HexPoint(f"{i:04d}", lat / 100_000, lon / 100_000) for i, (lat, lon) in enumerate(coordinates)]
)


@PROPERTIES
@given(points=point_sets, shuffler=st.randoms(use_true_random=False))
def test_any_points_get_one_cell_each_the_same_in_any_order(points: list[HexPoint], shuffler: random.Random) -> None:
    layout = hex_layout(points)
    assert_valid_layout(points, layout)
    assert_no_swap_helps(points, layout)
    shuffled = list(points)
    shuffler.shuffle(shuffled)
    assert hex_layout(shuffled) == layout


@PROPERTIES
@given(points=point_sets.filter(bool), radius=st.sampled_from([10.0, 18.0, 25.5]))
def test_the_hexagons_lie_inside_the_drawing(points: list[HexPoint], radius: float) -> None:
    drawing = hex_map(points, radius=radius)
    assert [shape.key for shape in drawing.shapes] == sorted(p.key for p in points)
    assert drawing.radius == radius
    for shape in drawing.shapes:
        corners = [tuple(map(float, corner.split(","))) for corner in shape.points.split()]
        assert len(corners) == 6
        assert all(0 < x < drawing.width and 0 < y < drawing.height for x, y in corners)
    assert len({(shape.x, shape.y) for shape in drawing.shapes}) == len(points)


@PROPERTIES
@given(st.lists(st.sampled_from([(69.0, 18.0), (69.0, 18.5), (69.2, 18.0)]), min_size=2, max_size=40))
def test_points_in_the_same_place_still_get_cells_of_their_own(places: list[tuple[float, float]]) -> None:
    points = [HexPoint(f"{i:02d}", lat, lon) for i, (lat, lon) in enumerate(places)]
    layout = hex_layout(points)
    assert_valid_layout(points, layout)
    assert_no_swap_helps(points, layout)


# The real municipalities


def municipality_points(**filters: Any) -> list[HexPoint]:
    from ehelsenord.municipalities.models import Municipality

    return [
        HexPoint(m.number, float(m.latitude), float(m.longitude))
        for m in Municipality.objects.filter(**filters).order_by("number")
    ]


AREAS: dict[str, dict[str, object]] = {
    "norway": {},
    "region": {"county__in_region": True},
    "nordland": {"county__number": "18"},
    "troms": {"county__number": "55"},
    "finnmark": {"county__number": "56"},
}


@pytest.mark.parametrize("area", AREAS)
def test_real_municipalities_keep_their_place(reference_data: None, area: str) -> None:
    points = municipality_points(**AREAS[area])
    layout = hex_layout(points)

    assert_valid_layout(points, layout)
    assert_no_swap_helps(points, layout)
    # North is up: the northernmost municipality in the top row, the southernmost in the bottom one,
    # the easternmost in the last column; one a degree (111 km) further north is never lower, and
    # one and a half degrees further north is always higher.
    rows = {key: row for key, (_column, row) in layout.items()}
    assert rows[max(points, key=lambda p: p.latitude).key] == 0
    assert rows[min(points, key=lambda p: p.latitude).key] == max(rows.values())
    assert layout[max(points, key=lambda p: p.longitude).key][0] == max(column for column, _row in layout.values())
    for a, b in itertools.permutations(points, 2):
        if a.latitude >= b.latitude + 1:
            assert rows[a.key] <= rows[b.key], (a.key, b.key)
        if a.latitude >= b.latitude + 1.5:
            assert rows[a.key] < rows[b.key], (a.key, b.key)
    # Neighbours stay near: each municipality's nearest real neighbour is at most three steps away,
    # and for 95 % at most two (a random layout of the region manages about 12 %).
    position = projected(points)
    steps = []
    for point in points:
        nearest = min(
            (other for other in points if other.key != point.key),
            key=lambda other: math.dist(position[point.key], position[other.key]),
        )
        steps.append(hex_distance(layout[point.key], layout[nearest.key]))
    assert max(steps) <= 3
    assert sum(step <= 2 for step in steps) >= 0.95 * len(steps)


def test_the_sizes_of_the_areas(reference_data: None) -> None:
    assert len(hex_layout(municipality_points())) == 357
    assert len(hex_layout(municipality_points(county__in_region=True))) == 80


def test_the_layout_is_stable(reference_data: None) -> None:
    points = municipality_points()
    layout = hex_layout(points)
    assert hex_layout(list(reversed(points))) == layout
    assert hex_layout(random.Random(7).sample(points, len(points))) == layout
    # A few fixed places, so a change of method shows here: Nordkapp tops the map, Farsund ends it,
    # Vardø is in the easternmost column.
    assert layout["5620"][1] == 0
    assert layout["4206"][1] == max(row for _column, row in layout.values())
    assert layout["5634"][0] == max(column for column, _row in layout.values())


# Colours and the drawing


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_colours_meet_wcag_aa() -> None:
    assert contrast(BORDER, "#ffffff") >= 3  # 1.4.11: the hexagon's edge on the page
    for style in CATEGORY_STYLES.values():
        assert contrast(style.ink, style.fill) >= 4.5, style.category  # 1.4.3: the label
        if style.mark:
            assert contrast(style.ink, style.mark) >= 4.5, style.category


def test_every_category_is_told_apart_without_colour() -> None:
    assert tuple(f"stage-{stage.value}" for stage in Stage) == STAGE_CATEGORIES
    assert MATURITY_CATEGORIES == ("band-0", "band-1", "band-2", "band-3", "band-4", "none")
    assert set(CATEGORY_STYLES) == {*MATURITY_CATEGORIES, *STAGE_CATEGORIES}
    for categories in (MATURITY_CATEGORIES, STAGE_CATEGORIES):
        looks = {(CATEGORY_STYLES[c].pattern, CATEGORY_STYLES[c].ink) for c in categories}
        assert len(looks) == len(categories)
    marked = {style.category for style in CATEGORY_STYLES.values() if style.pattern != "plain"}
    assert all(CATEGORY_STYLES[category].mark for category in marked)


def render(**context: Any) -> ET.Element:
    html = render_to_string("divide/hexmap.html", context)
    assert "style=" not in html  # the CSP forbids inline styles
    return ET.fromstring(html.strip())  # noqa: S314 - our own template's output, well-formed XML by design


def test_the_map_renders_links_titles_patterns_and_legend(db: None) -> None:
    points = [HexPoint("1804", 67.28, 14.40), HexPoint("1806", 68.44, 17.43), HexPoint("1860", 68.15, 13.61)]
    drawing = hex_map(points)
    tiles = {
        "1804": Tile("1804", "/kommuner/1804/", "Bodø: modenhet 62 %", "BOD", "band-3"),
        "1806": Tile("1806", "/kommuner/1806/", "Narvik: modenhet 15 %", "NAR", "band-0"),
        "1860": Tile("1860", "/kommuner/1860/", "Vestvågøy: ingen data", "VES", "unknown"),  # falls back to "none"
    }
    legend = [LegendItem("band-0", "0–19 %"), LegendItem("band-3", "60–79 %"), LegendItem("none", "Ingen data")]

    figure = render(
        hexmap=drawing,
        tiles=tiles,
        legend=legend,
        map_title="Modenhet i Nordland",
        map_description="Ett sekskant per kommune.",
    )

    svg = figure.find("svg")
    assert svg is not None
    assert svg.get("viewBox") == f"0 0 {drawing.width} {drawing.height}"  # a decimal point, not the Norwegian comma
    assert (svg.get("role"), svg.get("aria-labelledby"), svg.get("aria-describedby")) == (
        "group",
        "hexmap-title",
        "hexmap-desc",
    )
    assert [(t.get("id"), t.text) for t in svg.findall("title")] == [("hexmap-title", "Modenhet i Nordland")]
    assert svg.findtext("desc") == "Ett sekskant per kommune."
    assert [p.get("id") for p in svg.iter("pattern")] == [f"hexmap-{category}" for category in CATEGORY_STYLES]
    links = svg.findall("a")
    # Each link is named by its <title> (no aria-label, which would have to hold the visible code).
    assert [(a.get("href"), a.get("aria-label"), a.findtext("title")) for a in links] == [
        ("/kommuner/1804/", None, "Bodø: modenhet 62 %"),
        ("/kommuner/1806/", None, "Narvik: modenhet 15 %"),
        ("/kommuner/1860/", None, "Vestvågøy: ingen data"),
    ]
    polygons = [a.find("polygon") for a in links]
    assert [(p.get("class"), p.get("fill"), p.get("points")) for p in polygons if p is not None] == [
        ("hex hex--band-3", "url(#hexmap-band-3)", drawing.shapes[0].points),
        ("hex hex--band-0", "url(#hexmap-band-0)", drawing.shapes[1].points),
        ("hex hex--unknown", "url(#hexmap-none)", drawing.shapes[2].points),
    ]
    texts = [a.find("text") for a in links]
    assert [(t.text, t.get("aria-hidden"), t.get("fill")) for t in texts if t is not None] == [
        ("BOD", "true", "#ffffff"),
        ("NAR", "true", "#0b1f33"),
        ("VES", "true", "#0b1f33"),
    ]
    assert figure.findtext("figcaption/p") == "Tegnforklaring"
    items = figure.findall("figcaption/ul/li")
    assert [(li.findtext("span"), li.find("svg/polygon").get("fill")) for li in items] == [  # type: ignore[union-attr]
        ("0–19 %", "url(#hexmap-band-0)"),
        ("60–79 %", "url(#hexmap-band-3)"),
        ("Ingen data", "url(#hexmap-none)"),
    ]


def test_a_second_map_on_the_page_gets_its_own_ids_and_hexagons_without_a_tile_are_left_out(db: None) -> None:
    drawing = hex_map([HexPoint("5501", 69.65, 18.96), HexPoint("5601", 70.66, 23.68)])
    tiles = {"5501": Tile("5501", "/k/5501/", "Tromsø: Planlagt", "TRO", "stage-planned")}

    figure = render(hexmap=drawing, tiles=tiles, legend=[], map_title="Fase", map_description="", map_id="fase")

    svg = figure.find("svg")
    assert svg is not None
    assert svg.get("aria-labelledby") == "fase-title"
    assert [a.findtext("title") for a in svg.findall("a")] == ["Tromsø: Planlagt"]
    assert svg.find("a/polygon").get("fill") == "url(#fase-stage-planned)"  # type: ignore[union-attr]
    assert figure.find("figcaption") is None


def test_no_tiles_no_map(db: None) -> None:
    html = render_to_string(
        "divide/hexmap.html",
        {
            "hexmap": hex_map([HexPoint("5501", 69.65, 18.96)]),
            "tiles": {},
            "legend": [],
            "map_title": "",
            "map_description": "",
        },
    )
    assert not re.search(r"<svg|<figure", html)


def test_every_category_of_one_colouring_has_a_pattern_of_its_own() -> None:
    from ehelsenord.divide.tiles import CATEGORY_STYLES, MATURITY_CATEGORIES, STAGE_CATEGORIES

    for categories in (MATURITY_CATEGORIES, STAGE_CATEGORIES):
        patterns = [CATEGORY_STYLES[category].pattern for category in categories]
        assert len(set(patterns)) == len(patterns), patterns
