"""What the hexagon map shows in each hexagon, and how each category is drawn.

Every category has its own pattern and text colour besides its fill, so the map never depends on
colour alone; the legend names each category and every hexagon carries a short label and an
accessible name. The colours meet WCAG 2.1 AA: the text on its fill at least 4.5:1, the hexagon's
border on the white page at least 3:1 (divide/tests/test_hexmap.py checks both).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tile:
    key: str  # municipality number
    href: str  # link target
    name: str  # accessible name, e.g. "Bodø (BOD): modenhet 62 %", already translated
    short: str  # the code of 2–3 letters printed in the hexagon, e.g. "BOD"
    category: str  # a key of CATEGORY_STYLES, and of the legend


@dataclass(frozen=True)
class LegendItem:
    category: str
    label: str


@dataclass(frozen=True)
class CategoryStyle:
    category: str
    fill: str  # the hexagon's colour
    ink: str  # the label's colour
    mark: str  # the pattern's colour ("" for a plain fill)
    pattern: str  # plain, dots, diagonal, horizontal, vertical, crosshatch or grid


BORDER = "#3d4f63"  # every hexagon's border: 8.4:1 on white
DARK_INK = "#0b1f33"
LIGHT_INK = "#ffffff"

# A sequential blue scale, light to dark; "no data" and "not relevant" are grey with a grid.
_STYLES = (
    CategoryStyle("band-0", "#f0f6fc", DARK_INK, "", "plain"),
    CategoryStyle("band-1", "#cfe2f5", DARK_INK, "#7fa9d6", "dots"),
    CategoryStyle("band-2", "#9ec3e8", DARK_INK, "#5f93c9", "diagonal"),
    CategoryStyle("band-3", "#2c66a3", LIGHT_INK, "#1a4b80", "crosshatch"),
    CategoryStyle("band-4", "#0b3a6b", LIGHT_INK, "#2a5a8f", "vertical"),
    CategoryStyle("none", "#f2f2f2", DARK_INK, "#9a9a9a", "grid"),
    CategoryStyle("stage-not_started", "#f0f6fc", DARK_INK, "", "plain"),
    CategoryStyle("stage-planned", "#d7e7f7", DARK_INK, "#86aedb", "dots"),
    CategoryStyle("stage-preparing", "#b4d1ee", DARK_INK, "#6f9dd0", "diagonal"),
    CategoryStyle("stage-piloting", "#83b0df", DARK_INK, "#5e92ca", "horizontal"),
    CategoryStyle("stage-in_production", "#2c66a3", LIGHT_INK, "#1a4b80", "crosshatch"),
    CategoryStyle("stage-realising_benefits", "#0b3a6b", LIGHT_INK, "#2a5a8f", "vertical"),
    CategoryStyle("stage-not_relevant", "#f2f2f2", DARK_INK, "#9a9a9a", "grid"),
)
CATEGORY_STYLES: dict[str, CategoryStyle] = {style.category: style for style in _STYLES}
MATURITY_CATEGORIES = ("band-0", "band-1", "band-2", "band-3", "band-4", "none")
STAGE_CATEGORIES = tuple(style.category for style in _STYLES if style.category.startswith("stage-"))
