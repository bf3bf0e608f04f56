"""Reads for the divide: the chosen solutions, every municipality's maturity, the measures and the peers.

Everything on the divide pages and in the leader report comes from divide_data(), so they show the
same numbers. A fixed number of queries, whatever the area.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from ehelsenord.agreements.models import AgreementRound, RoundOffer
from ehelsenord.core.text import norwegian_key
from ehelsenord.divide import charts
from ehelsenord.divide.maturity import (
    Behind,
    Divide,
    Maturity,
    SizeClass,
    behind_peers,
    divide,
    divide_by,
    maturity,
    size_class,
)
from ehelsenord.municipalities.models import County, Municipality
from ehelsenord.municipalities.selectors import Area, area_from_param, county_list, municipality_list
from ehelsenord.networks.models import NetworkMembership
from ehelsenord.rollout.aggregation import Cell
from ehelsenord.rollout.selectors import Grid, grid_phases_at, rollout_grid
from ehelsenord.solutions.enums import IN_USE_STAGES, Stage
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_list

SIZE_CLASS_LABELS = {
    SizeClass.UNDER_2000: "under 2 000",
    SizeClass.FROM_2000: "2 000–4 999",
    SizeClass.FROM_5000: "5 000–19 999",
    SizeClass.FROM_20000: "20 000 +",
}
TREND_MONTHS = 12
HELPERS_PER_SOLUTION = 2


class PeerKind(StrEnum):
    SIZE = "size"
    COUNTY = "county"
    HEALTH_COMMUNITY = "health_community"
    NETWORK = "network"


@dataclass(frozen=True)
class PeerGroup:
    kind: PeerKind
    key: Hashable
    name: str

    @property
    def kind_label(self) -> str:
        """The kind of group after "same": "same county: Troms"."""
        return {
            PeerKind.SIZE: _("size class"),
            PeerKind.COUNTY: _("county"),
            PeerKind.HEALTH_COMMUNITY: _("health community"),
            PeerKind.NETWORK: _("buddy network"),
        }[self.kind]

    @property
    def definite_label(self) -> str:
        """The group with its kind: "the county Troms" (Norwegian: "fylket Troms")."""
        labels = {
            PeerKind.SIZE: _("the size class %(name)s"),
            PeerKind.COUNTY: _("the county %(name)s"),
            PeerKind.HEALTH_COMMUNITY: _("the health community %(name)s"),
            PeerKind.NETWORK: _("the buddy network %(name)s"),
        }
        return labels[self.kind] % {"name": self.name}


# --- The chosen solutions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What the divide is measured over: an area and a set of solutions."""

    area: Area
    solutions: list[Solution]
    catalogue: list[Solution]  # every active solution, for the choice
    counties: list[County]  # every county, for the choice of area
    round: AgreementRound | None  # the round whose prioritised solutions are the default
    is_default: bool

    @property
    def slugs(self) -> list[str]:
        return [solution.slug for solution in self.solutions]


def _latest_round_offers() -> list[RoundOffer]:
    """The offers of the latest agreement round, each with its round (one query)."""
    latest = AgreementRound.objects.order_by("-period_start", "-created_at").values("pk")[:1]
    return list(RoundOffer.objects.filter(round=Subquery(latest)).select_related("round"))


def selection_from(*, area_value: str | None, slugs: Sequence[str]) -> Selection:
    """The area and solutions asked for; without solutions, the latest round's prioritised ones, else all."""
    counties = county_list()
    area = area_from_param(area_value, counties)
    catalogue = solution_list()
    by_slug = {solution.slug: solution for solution in catalogue}
    chosen = [by_slug[slug] for slug in dict.fromkeys(slugs) if slug in by_slug]
    offers = _latest_round_offers()
    round_ = offers[0].round if offers else None
    if chosen:
        chosen.sort(key=lambda solution: catalogue.index(solution))
        return Selection(area, chosen, catalogue, counties, round_, is_default=False)
    offered = {offer.solution_id for offer in offers}
    chosen = [solution for solution in catalogue if solution.pk in offered]
    return Selection(area, chosen or catalogue, catalogue, counties, round_ if chosen else None, is_default=True)


# --- The data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lack:
    """A chosen solution a municipality behind its peers has not started, and who could help with it."""

    solution: Solution
    missing_prerequisites: list[Solution]
    helpers: list[tuple[Municipality, str]]  # (municipality, why: "leads your buddy network" or a peer group)


@dataclass(frozen=True)
class BehindRow:
    municipality: Municipality
    score: float
    groups: list[tuple[PeerGroup, float]]  # the peer groups it is behind, with each group's median
    lacks: list[Lack]


@dataclass(frozen=True)
class Freshness:
    """Of the relevant municipality × solution pairs, how many were updated lately and how many are documented."""

    relevant: int
    fresh: int
    documented: int

    @property
    def fresh_share(self) -> float:
        return self.fresh / self.relevant if self.relevant else 0.0

    @property
    def documented_share(self) -> float:
        return self.documented / self.relevant if self.relevant else 0.0


@dataclass
class DivideData:
    selection: Selection
    grid: Grid
    cells: list[Cell]
    scores: dict[str, Maturity]
    total: Divide
    by_county: list[tuple[County, Divide]]
    by_size: list[tuple[SizeClass, str, Divide]]
    behind: list[BehindRow]
    fresh_since: datetime
    latest_update: datetime | None
    generated_at: datetime

    @property
    def municipalities(self) -> list[Municipality]:
        return self.grid.municipalities

    @property
    def freshness(self) -> Freshness:
        scores = self.scores.values()
        return Freshness(
            relevant=sum(score.relevant for score in scores),
            fresh=sum(score.fresh for score in scores),
            documented=sum(score.documented for score in scores),
        )

    def score_of(self, municipality: Municipality) -> Maturity:
        return self.scores[municipality.number]


def _cells(grid: Grid, solutions: list[Solution]) -> list[Cell]:
    return [grid.record(m, s).cell() for m in grid.municipalities for s in solutions]


def _distance_km(a: Municipality, b: Municipality) -> float:
    lat1, lon1, lat2, lon2 = map(
        math.radians, (float(a.latitude), float(a.longitude), float(b.latitude), float(b.longitude))
    )
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def divide_data(selection: Selection, *, now: datetime | None = None, also: Sequence[Solution] = ()) -> DivideData:
    """Every municipality's maturity over the chosen solutions, the measures, and who is behind."""
    now = now or timezone.now()
    fresh_since = now - timedelta(days=settings.FRESHNESS_DAYS)
    municipalities = municipality_list(selection.area)
    chosen_ids = {solution.pk for solution in selection.solutions}
    prerequisites: dict[int, list[int]] = {}
    for from_id, to_id in Solution.prerequisites.through.objects.filter(from_solution__in=chosen_ids).values_list(
        "from_solution_id", "to_solution_id"
    ):
        prerequisites.setdefault(from_id, []).append(to_id)
    # The records of the prerequisites (for what a municipality behind lacks) and of `also` (a map
    # coloured by a solution outside the choice) come in the same query.
    needed = chosen_ids | {pk for pks in prerequisites.values() for pk in pks} | {solution.pk for solution in also}
    loaded = [solution for solution in selection.catalogue if solution.pk in needed]
    grid = rollout_grid(area=selection.area, municipalities=municipalities, solutions=loaded)
    cells = _cells(grid, selection.solutions)
    scores = maturity(cells, fresh_since=fresh_since)
    by_number = {m.number: m for m in municipalities}

    county_of = {m.number: m.county_id for m in municipalities}
    counties = {m.county_id: m.county for m in municipalities}
    by_county = divide_by(scores, cells, group=county_of.get)
    sizes = {m.number: size_class(m.population) for m in municipalities}
    by_size = divide_by(scores, cells, group=sizes.get)

    # Peer groups: size class, county, health community, buddy networks of the chosen solutions.
    groups: dict[PeerGroup, list[str]] = {}
    # Peers are the region's municipalities: those elsewhere do not report here, so in all of Norway
    # they would sit at 0 and pull every median down, and nobody in the region could be behind.
    for m in municipalities:
        if not m.county.in_region:
            continue
        groups.setdefault(PeerGroup(PeerKind.SIZE, sizes[m.number], SIZE_CLASS_LABELS[sizes[m.number]]), []).append(
            m.number
        )
        groups.setdefault(PeerGroup(PeerKind.COUNTY, m.county_id, m.county.name_nb), []).append(m.number)
        if m.health_community is not None:
            groups.setdefault(
                PeerGroup(PeerKind.HEALTH_COMMUNITY, m.health_community_id, m.health_community.name), []
            ).append(m.number)
    leads: dict[tuple[str, int], str] = {}  # (member, solution) → the lead of its network for the solution
    memberships = NetworkMembership.objects.filter(solution__in=chosen_ids).values_list(
        "network_id", "network__name", "municipality_id", "solution_id", "network__lead_id"
    )
    for network_id, name, member, solution_id, lead in memberships:
        if member not in by_number:
            continue
        groups.setdefault(PeerGroup(PeerKind.NETWORK, network_id, name), []).append(member)
        leads[(member, solution_id)] = lead

    behind_by_municipality: dict[str, list[Behind[PeerGroup]]] = {}
    for found in behind_peers(scores, groups):
        behind_by_municipality.setdefault(found.municipality, []).append(found)

    def in_use(number: str, solution: Solution) -> bool:
        municipality = by_number.get(number)
        return municipality is not None and grid.record(municipality, solution).stage in IN_USE_STAGES

    behind = []
    solutions_by_pk = {solution.pk: solution for solution in loaded}
    for number, entries in behind_by_municipality.items():
        municipality = by_number[number]
        lacks = []
        for solution in selection.solutions:
            if grid.record(municipality, solution).stage != Stage.NOT_STARTED:
                continue
            missing = [
                solutions_by_pk[pk]
                for pk in prerequisites.get(solution.pk, [])
                if not in_use(number, solutions_by_pk[pk])
            ]
            helpers: list[tuple[Municipality, str]] = []
            network_lead = leads.get((number, solution.pk))
            if network_lead and network_lead != number and in_use(network_lead, solution):
                helpers.append((by_number[network_lead], _("leads your buddy network")))
            peers = {
                peer: entry.group
                for entry in entries
                for peer in groups[entry.group]
                if peer != number and in_use(peer, solution)
            }
            for peer in sorted(peers, key=lambda peer: _distance_km(municipality, by_number[peer])):
                if len(helpers) >= HELPERS_PER_SOLUTION:
                    break
                if all(helper.number != peer for helper, _why in helpers):
                    group = peers[peer]
                    helpers.append(
                        (by_number[peer], _("same %(kind)s: %(name)s") % {"kind": group.kind_label, "name": group.name})
                    )
            lacks.append(Lack(solution=solution, missing_prerequisites=missing, helpers=helpers))
        score = scores[number].score
        assert score is not None
        behind.append(
            BehindRow(
                municipality=municipality,
                score=score,
                groups=[(entry.group, entry.group_median) for entry in entries],
                lacks=lacks,
            )
        )
    # Never a league table: by name, not by score.
    behind.sort(key=lambda row: norwegian_key(row.municipality.name))

    updates = [cell.updated_at for cell in cells if cell.updated_at is not None]
    return DivideData(
        selection=selection,
        grid=grid,
        cells=cells,
        scores=scores,
        total=divide(scores.values(), cells),
        by_county=sorted(
            ((counties[number], measures) for number, measures in by_county.items()),
            key=lambda pair: norwegian_key(pair[0].name_nb),
        ),
        by_size=[(size, SIZE_CLASS_LABELS[size], by_size[size]) for size in SizeClass if size in by_size],
        behind=behind,
        fresh_since=fresh_since,
        latest_update=max(updates) if updates else None,
        generated_at=now,
    )


# --- Over time -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    month: date  # the first day of the month the figures are for (as they stood at its end)
    total: Divide
    by_size: dict[SizeClass, Divide]


def month_ends(now: datetime, months: int) -> list[tuple[date, datetime]]:
    """The last `months` months, oldest first: (first day of the month, the moment it ended or now)."""
    local = timezone.localtime(now)
    first = local.date().replace(day=1)
    result = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        start = date(year, month + 1, 1)
        next_year, next_month = divmod(year * 12 + month + 1, 12)
        end = timezone.make_aware(datetime(next_year, next_month + 1, 1)) if back else now
        result.append((start, min(end, now)))
    return result


def trend(data: DivideData, *, months: int = TREND_MONTHS) -> list[TrendPoint]:
    """The measures at the end of each of the last months, rebuilt from the records' history (one query)."""
    ends = month_ends(data.generated_at, months)
    grid = Grid(municipalities=data.grid.municipalities, solutions=data.selection.solutions, records=data.grid.records)
    snapshots = grid_phases_at(grid, [end for _start, end in ends])
    sizes = {m.number: size_class(m.population) for m in grid.municipalities}
    points = []
    for (start, _end), cells in zip(ends, grid.cells_over_time(snapshots), strict=True):
        scores = maturity(cells)
        points.append(
            TrendPoint(
                month=start, total=divide(scores.values(), cells), by_size=divide_by(scores, cells, group=sizes.get)
            )
        )
    return points


# --- The trend's charts (the page and the report draw the same) -------------------------------


@dataclass(frozen=True)
class TrendFigures:
    overall: charts.LineChart
    by_size: charts.LineChart
    sizes: list[tuple[str, str]]  # (size class, label) of the size classes the area has
    size_rows: list[tuple[date, list[float | None]]]  # per month, each size class's mean


def trend_figures(data: DivideData, points: list[TrendPoint]) -> TrendFigures:
    """The two line charts of the trend page, and the size classes' means per month."""
    month_labels = [f"{point.month:%m}.{point.month:%y}" for point in points]
    sizes = [(size, label) for size, label, _measures in data.by_size]
    overall = charts.line_chart(
        month_labels,
        [
            (_("Median maturity"), [p.total.quartiles.median if p.total.quartiles else None for p in points]),
            (_("Coverage, municipalities"), [p.total.coverage.by_municipalities for p in points]),
            (_("Coverage, inhabitants"), [p.total.coverage.by_inhabitants for p in points]),
        ],
    )
    by_size = charts.line_chart(
        month_labels,
        [(label, [p.by_size[size].mean if size in p.by_size else None for p in points]) for size, label in sizes],
    )
    size_rows = [
        (point.month, [point.by_size[size].mean if size in point.by_size else None for size, _label in sizes])
        for point in points
    ]
    return TrendFigures(overall, by_size, [(str(size), label) for size, label in sizes], size_rows)
