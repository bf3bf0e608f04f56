"""The status matrix as plain data: the filter choices, the row order and every cell's HTML.

No queries here: the view loads the grid once with rollout_grid and hands it over. Each cell is
built with format_html instead of a template include, because the national matrix has
357 × 22 cells and one include per cell alone would take longer than the page's time budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from ehelsenord.core.text import norwegian_key
from ehelsenord.municipalities.models import County, Municipality
from ehelsenord.municipalities.selectors import Area, Scope
from ehelsenord.rollout.enums import TrafficLight
from ehelsenord.rollout.selectors import Grid, RecordView
from ehelsenord.solutions.enums import Stage
from ehelsenord.solutions.models import Solution

SORT_MUNICIPALITY = "kommune"
SORT_COUNTY = "fylke"
SORT_POPULATION = "innbyggere"
ASCENDING = "stigende"
DESCENDING = "synkende"

# Traffic lights that get a visible mark; "on track" is the normal case and stays unmarked.
MARKED_LIGHTS = (TrafficLight.AT_RISK, TrafficLight.DELAYED)

# The URL placeholder that stands in for a municipality number (see CellRenderer).
_NUMBER_PLACEHOLDER = "KOMMUNENUMMER"
# A private-use character cannot occur in a name or a number, so the replacement is exact.
_NAME_PLACEHOLDER = "\ue000kommunenavn\ue000"


# --- The area switch (region, one county, all of Norway) ---------------------------------------


def area_label(area: Area) -> str:
    """The area as headings name it: the region's name, the county or all of Norway."""
    if area.scope == Scope.COUNTY and area.county is not None:
        return area.county.name_nb
    if area.scope == Scope.NATIONAL:
        return gettext("all of Norway")
    return str(settings.REGION_NAME)


def counties_within(area: Area, counties: Sequence[County]) -> list[County]:
    """The counties the county filter offers inside an area (none when the area is one county)."""
    if area.scope == Scope.COUNTY:
        return []
    if area.scope == Scope.REGION:
        return [county for county in counties if county.in_region]
    return list(counties)


# --- Filters and sorting -----------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixQuery:
    """What the GET parameters ask for, with anything unknown dropped."""

    county: County | None = None
    solution_slugs: tuple[str, ...] = ()
    stage: Stage | None = None
    sort: str = SORT_MUNICIPALITY
    descending: bool = False

    def shown_solutions(self, solutions: Sequence[Solution]) -> list[Solution]:
        """The chosen solutions in catalogue order (all of them when none is chosen)."""
        if not self.solution_slugs:
            return list(solutions)
        return [solution for solution in solutions if solution.slug in self.solution_slugs]

    @property
    def is_filtered(self) -> bool:
        return self.county is not None or bool(self.solution_slugs) or self.stage is not None


def parse_query(params: QueryDict, *, counties: Sequence[County], solutions: Sequence[Solution]) -> MatrixQuery:
    """Read fylke, losning, fase, sorter and retning; values that are not on offer are ignored."""
    county = {county.number: county for county in counties}.get(params.get("fylke", ""))
    requested = set(params.getlist("losning"))
    slugs = tuple(solution.slug for solution in solutions if solution.slug in requested)
    stage_value = params.get("fase", "")
    stage = Stage(stage_value) if stage_value in Stage.values else None
    shown = slugs or tuple(solution.slug for solution in solutions)
    sort = params.get("sorter", SORT_MUNICIPALITY)
    if sort not in (SORT_MUNICIPALITY, SORT_COUNTY, SORT_POPULATION) and sort not in shown:
        sort = SORT_MUNICIPALITY
    return MatrixQuery(
        county=county,
        solution_slugs=slugs,
        stage=stage,
        sort=sort,
        descending=params.get("retning") == DESCENDING,
    )


def filter_municipalities(municipalities: Sequence[Municipality], query: MatrixQuery) -> list[Municipality]:
    if query.county is None:
        return list(municipalities)
    return [municipality for municipality in municipalities if municipality.county_id == query.county.number]


Row = tuple[Municipality, list[RecordView]]


def order_rows(rows: Sequence[Row], query: MatrixQuery, solutions: Sequence[Solution]) -> list[Row]:
    """Keep the rows with the asked-for stage in a shown cell, then sort; ties stay alphabetical."""
    if query.stage is not None:
        rows = [row for row in rows if any(record.stage == query.stage for record in row[1])]
    by_name = sorted(rows, key=lambda row: norwegian_key(row[0].name))
    key: Callable[[Row], Any]
    if query.sort == SORT_COUNTY:
        key = lambda row: norwegian_key(row[0].county.name_nb)  # noqa: E731
    elif query.sort == SORT_POPULATION:
        key = lambda row: row[0].population  # noqa: E731
    elif query.sort == SORT_MUNICIPALITY:
        return by_name[::-1] if query.descending else by_name
    else:
        index = [solution.slug for solution in solutions].index(query.sort)
        key = lambda row: row[1][index].phase.position  # noqa: E731
    # sorted() is stable also with reverse=True, so equal keys keep the alphabetical order.
    return sorted(by_name, key=key, reverse=query.descending)


# --- Column headers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    full_name: str
    href: str
    aria_sort: str
    numeric: bool = False


def _sort_href(params: QueryDict, key: str, query: MatrixQuery) -> str:
    """The link of a column header: sort by it, or turn the direction when it is already sorted by."""
    link = params.copy()
    link["sorter"] = key
    link["retning"] = DESCENDING if query.sort == key and not query.descending else ASCENDING
    return "?" + link.urlencode()


def columns(params: QueryDict, query: MatrixQuery, solutions: Sequence[Solution]) -> list[Column]:
    fixed: list[tuple[str, str, bool]] = [
        (SORT_MUNICIPALITY, gettext("Municipality"), False),
        (SORT_COUNTY, gettext("County"), False),
        (SORT_POPULATION, gettext("Population"), True),
    ]
    specs = fixed + [(solution.slug, solution.short_name, False) for solution in solutions]
    full_names = {solution.slug: solution.name for solution in solutions}
    result = []
    for key, label, numeric in specs:
        full_name = full_names.get(key, "")
        aria_sort = ("descending" if query.descending else "ascending") if query.sort == key else ""
        result.append(
            Column(
                key=key,
                label=label,
                full_name="" if full_name == label else full_name,
                href=_sort_href(params, key, query),
                aria_sort=aria_sort,
                numeric=numeric,
            )
        )
    return result


# --- Cells -------------------------------------------------------------------------------------


def cell_id(municipality_number: str, solution_slug: str) -> str:
    return f"cell-{municipality_number}-{solution_slug}"


def opener_id(municipality_number: str, solution_slug: str) -> str:
    """The id of a cell's link: the quick update dialog gives focus back to it."""
    return f"open-{municipality_number}-{solution_slug}"


class CellRenderer:
    """Builds the <td> of a record: phase name with its stage pattern, traffic light mark, and
    for users who may change the municipality a link that opens the quick update.

    format_html escapes every argument through a lazy wrapper, which per cell would cost more than
    the rest of the page. So the markup is built with format_html once per solution (with a
    placeholder for the municipality number) and once per phase and traffic light; a cell is then
    the solution's markup with the escaped number put in, around the phase's markup.
    """

    def __init__(self, *, rights: frozenset[str], solutions: Sequence[Solution], oob: bool = False) -> None:
        self.rights = rights
        oob_attribute = SafeString(' hx-swap-oob="true"') if oob else ""
        self._plain: dict[int, SafeString] = {}
        self._link: dict[int, SafeString] = {}
        for solution in solutions:
            slug = solution.slug
            self._plain[solution.pk] = format_html(
                '<td id="{}" class="matrix-cell"{}>', cell_id(_NUMBER_PLACEHOLDER, slug), oob_attribute
            )
            # The link names its municipality and solution, so it makes sense when reached by Tab.
            self._link[solution.pk] = format_html(
                '<td id="{}" class="matrix-cell"{}><a id="{}" class="matrix-cell__link" href="{}" hx-get="{}" '
                'hx-target="#dialog-host"><span class="visually-hidden">{}, {}: </span>',
                cell_id(_NUMBER_PLACEHOLDER, slug),
                oob_attribute,
                opener_id(_NUMBER_PLACEHOLDER, slug),
                reverse("rollout:record", args=[_NUMBER_PLACEHOLDER, slug]),
                reverse("rollout:quick_update", args=[_NUMBER_PLACEHOLDER, slug]),
                _NAME_PLACEHOLDER,
                solution.short_name,
            )
        self._content: dict[tuple[int, str], SafeString] = {}
        self._numbers: dict[str, tuple[str, str]] = {}

    def content(self, record: RecordView) -> SafeString:
        key = (record.phase.pk, record.traffic_light)
        found = self._content.get(key)
        if found is None:
            found = format_html('<span class="stage stage--{}">{}</span>', record.phase.stage, record.phase.name)
            if record.traffic_light in MARKED_LIGHTS:
                found = format_html(
                    '{} <span class="light light--{}"><span class="visually-hidden">{}</span></span>',
                    found,
                    record.traffic_light,
                    record.traffic_light_label,
                )
            self._content[key] = found
        return found

    def __call__(self, record: RecordView) -> SafeString:
        number = record.municipality.number
        escaped = self._numbers.get(number)
        if escaped is None:
            escaped = self._numbers[number] = (escape(number), escape(record.municipality.name))
        if number in self.rights:
            head = self._link[record.solution.pk].replace(_NAME_PLACEHOLDER, escaped[1])
            tail = "</a></td>"
        else:
            head, tail = self._plain[record.solution.pk], "</td>"
        # Safe: head and content come from format_html, number and name are escaped, tail is a literal.
        return SafeString(head.replace(_NUMBER_PLACEHOLDER, escaped[0]) + self.content(record) + tail)


# --- The whole table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    municipality: Municipality
    url: str
    cells: list[SafeString]


@dataclass(frozen=True)
class Matrix:
    columns: list[Column]
    rows: list[MatrixRow]
    solutions: list[Solution]


def build_matrix(grid: Grid, *, query: MatrixQuery, rights: frozenset[str], params: QueryDict) -> Matrix:
    """The table for a loaded grid: filtered and sorted rows of ready-made cells, and the headers."""
    render_cell = CellRenderer(rights=rights, solutions=grid.solutions)
    rows = [
        MatrixRow(
            municipality=municipality,
            url=municipality.get_absolute_url(),
            cells=[render_cell(record) for record in records],
        )
        for municipality, records in order_rows(grid.rows(), query, grid.solutions)
    ]
    return Matrix(columns=columns(params, query, grid.solutions), rows=rows, solutions=grid.solutions)


# --- The legend --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendEntry:
    css_class: str
    label: str
    explanation: str


def stage_legend() -> list[tuple[str, str]]:
    """Each stage's value and name, in order, for the legend and the phase filter."""
    return [(str(stage.value), str(stage.label)) for stage in Stage]


def light_legend() -> list[LegendEntry]:
    return [
        LegendEntry("light", str(TrafficLight.ON_TRACK.label), gettext("no mark")),
        LegendEntry("light light--at_risk", str(TrafficLight.AT_RISK.label), gettext("triangle")),
        LegendEntry("light light--delayed", str(TrafficLight.DELAYED.label), gettext("square")),
    ]
