"""The equal-area map of the divide: one tile per municipality, coloured by maturity or by one
solution's phase, with its legend and the same figures as a table (drawn by divide/hexmap.html)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from ehelsenord.core.templatetags.numbers import percent
from ehelsenord.divide.hexmap import HexMap, HexPoint, hex_map
from ehelsenord.divide.maturity import BANDS, Maturity, band, size_class
from ehelsenord.divide.selectors import SIZE_CLASS_LABELS, DivideData
from ehelsenord.divide.tiles import LegendItem, Tile
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.selectors import rollout_grid
from ehelsenord.solutions.enums import Stage
from ehelsenord.solutions.models import Solution

MATURITY = "modenhet"


@dataclass(frozen=True)
class MapRow:
    municipality: Municipality
    size: str
    value: str  # the score or the phase, as text
    category: str
    category_label: str
    maturity: Maturity


@dataclass
class MapColour:
    """The map coloured by maturity or by one solution's phase, with its legend and its table."""

    value: str  # MATURITY or a solution's slug
    solution: Solution | None
    hexmap: HexMap
    tiles: dict[str, Tile]
    legend: list[LegendItem]
    rows: list[MapRow]
    options: list[tuple[str, str]]


def abbreviations(names: dict[str, str]) -> dict[str, str]:
    """A unique code of three letters per key, from its name: Bodø → BOD, then Bø → BØ.

    A name whose first three letters are taken tries its first two letters and a later one
    (Sørfold → SØF), in key order, so the codes are the same for the same names.
    """
    taken: set[str] = set()
    codes: dict[str, str] = {}
    for key in sorted(names):
        letters = [char for char in names[key].upper() if char.isalpha()]
        candidates = ["".join(letters[:3])]
        candidates += [letters[0] + letters[1] + later for later in letters[3:]]
        candidates += [
            letters[0] + middle + later for i, middle in enumerate(letters[1:], 1) for later in letters[i + 1 :]
        ]
        code = next((c for c in candidates if c not in taken and (len(c) < 3 or c[1] != c[2])), None) or next(
            (c for c in candidates if c not in taken), None
        )
        if code is None:  # every combination taken: number it
            code = next(f"{letters[0]}{number}" for number in range(1, 100) if f"{letters[0]}{number}" not in taken)
        taken.add(code)
        codes[key] = code
    return codes


def band_label(band_index: int) -> str:
    size = 100 // BANDS
    low = band_index * size
    return f"{low}–{low + size - 1} %" if band_index < BANDS - 1 else f"{low}–100 %"


def band_labels() -> list[str]:
    """Every band's label, lowest first: "0–19 %", …, "80–100 %"."""
    return [band_label(index) for index in range(BANDS)]


def map_data(data: DivideData, colour: str) -> MapColour:
    """Tiles for every municipality of the area, coloured by maturity or by the phase of the solution `colour`."""
    municipalities = data.municipalities
    hexmap = hex_map([HexPoint(m.number, float(m.latitude), float(m.longitude)) for m in municipalities])
    solution = next((s for s in data.selection.catalogue if s.slug == colour), None)
    options = [(MATURITY, _("Maturity over the chosen solutions"))] + [
        (s.slug, _("Phase of %(solution)s") % {"solution": s.name}) for s in data.selection.catalogue
    ]
    tiles: dict[str, Tile] = {}
    rows = []
    codes = abbreviations({m.number: m.name_nb for m in municipalities})
    if solution is None:
        legend = [LegendItem(f"band-{index}", band_label(index)) for index in range(BANDS)]
        legend.append(LegendItem("none", _("No relevant solution")))
        labels = {item.category: item.label for item in legend}
        for m in municipalities:
            score = data.scores[m.number].score
            category = "none" if score is None else f"band-{band(score)}"
            value = _("no relevant solution") if score is None else percent(score)
            tiles[m.number] = Tile(
                key=m.number,
                href=m.get_absolute_url(),
                name=_("%(municipality)s (%(code)s): maturity %(value)s")
                % {"municipality": m.name, "code": codes[m.number], "value": value},
                short=codes[m.number],
                category=category,
            )
            rows.append(
                MapRow(
                    m,
                    SIZE_CLASS_LABELS[size_class(m.population)],
                    value,
                    category,
                    labels[category],
                    data.scores[m.number],
                )
            )
    else:
        # divide_data(also=[solution]) loads the solution's records with the others; else one query more.
        grid = (
            data.grid
            if solution in data.grid.solutions
            else rollout_grid(area=data.selection.area, municipalities=municipalities, solutions=[solution])
        )
        legend = [LegendItem(f"stage-{stage.value}", str(stage.label)) for stage in Stage]
        for m in municipalities:
            record = grid.record(m, solution)
            category = f"stage-{record.stage.value}"
            tiles[m.number] = Tile(
                key=m.number,
                href=record_url(m, solution),
                name=_("%(municipality)s (%(code)s): %(phase)s")
                % {"municipality": m.name, "code": codes[m.number], "phase": record.phase.name},
                short=codes[m.number],
                category=category,
            )
            rows.append(
                MapRow(
                    m,
                    SIZE_CLASS_LABELS[size_class(m.population)],
                    record.phase.name,
                    category,
                    str(record.stage.label),
                    data.scores[m.number],
                )
            )
    return MapColour(
        value=solution.slug if solution else MATURITY,
        solution=solution,
        hexmap=hexmap,
        tiles=tiles,
        legend=legend,
        rows=rows,
        options=options,
    )


def record_url(municipality: Municipality, solution: Solution) -> str:
    return reverse("rollout:record", args=[municipality.number, solution.slug])
