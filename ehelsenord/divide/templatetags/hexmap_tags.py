"""The hexagon map's template helpers: each hexagon with its tile and its category's look."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django import template

from ehelsenord.divide.hexmap import HexMap, HexShape
from ehelsenord.divide.tiles import BORDER, CATEGORY_STYLES, CategoryStyle, LegendItem, Tile

register = template.Library()

# A category nobody styled still gets a pattern and readable text, never an empty hexagon.
_FALLBACK = CATEGORY_STYLES["none"]


@dataclass(frozen=True)
class HexCell:
    shape: HexShape
    tile: Tile
    style: CategoryStyle


@dataclass(frozen=True)
class LegendEntry:
    item: LegendItem
    style: CategoryStyle


@register.simple_tag
def hexmap_cells(hexmap: HexMap, tiles: Mapping[str, Tile]) -> list[HexCell]:
    """The hexagons that have a tile, in the map's order."""
    return [
        HexCell(shape, tiles[shape.key], CATEGORY_STYLES.get(tiles[shape.key].category, _FALLBACK))
        for shape in hexmap.shapes
        if shape.key in tiles
    ]


@register.simple_tag
def hexmap_legend(legend: list[LegendItem]) -> list[LegendEntry]:
    return [LegendEntry(item, CATEGORY_STYLES.get(item.category, _FALLBACK)) for item in legend]


@register.simple_tag
def hexmap_styles() -> list[CategoryStyle]:
    return list(CATEGORY_STYLES.values())


@register.simple_tag
def hexmap_border() -> str:
    return BORDER
