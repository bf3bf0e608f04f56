"""Maturity and the divide: one score per municipality, and how spread the scores are.

Pure module: plain data in, plain data out (the cells of rollout.aggregation). The formula is
the one written on the page (templates/divide/formula.html); change both together.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from ehelsenord.rollout.aggregation import Cell
from ehelsenord.solutions.enums import IN_USE_STAGES, Stage

K = TypeVar("K", bound=Hashable)

# Points per stage: one step of the common scale is one point. "Not relevant" has none: it is left out.
STAGE_POINTS: dict[Stage, int] = {
    Stage.NOT_STARTED: 0,
    Stage.PLANNED: 1,
    Stage.PREPARING: 2,
    Stage.PILOTING: 3,
    Stage.IN_PRODUCTION: 4,
    Stage.REALISING_BENEFITS: 5,
}
MAX_POINTS = max(STAGE_POINTS.values())


class SizeClass(StrEnum):
    """Municipalities by inhabitants; the value is the upper bound's key in the interface."""

    UNDER_2000 = "under-2000"
    FROM_2000 = "2000-4999"
    FROM_5000 = "5000-19999"
    FROM_20000 = "20000-"


SIZE_CLASS_LIMITS = ((2000, SizeClass.UNDER_2000), (5000, SizeClass.FROM_2000), (20000, SizeClass.FROM_5000))


def size_class(population: int) -> SizeClass:
    for limit, size in SIZE_CLASS_LIMITS:
        if population < limit:
            return size
    return SizeClass.FROM_20000


@dataclass(frozen=True)
class Maturity:
    """One municipality's score over the chosen solutions, with how much of it can be trusted."""

    municipality: str
    population: int
    relevant: int  # solutions that are relevant for the municipality
    points: int
    documented: int  # of the relevant, how many are documented rather than self-reported
    fresh: int  # of the relevant, how many were updated since the freshness limit
    last_updated: datetime | None

    @property
    def score(self) -> float | None:
        """Points over the most points possible: 0 (nothing started) to 1 (benefits realised everywhere)."""
        return self.points / (MAX_POINTS * self.relevant) if self.relevant else None

    @property
    def documented_share(self) -> float:
        return self.documented / self.relevant if self.relevant else 0.0

    @property
    def fresh_share(self) -> float:
        return self.fresh / self.relevant if self.relevant else 0.0


def maturity(cells: Iterable[Cell], *, fresh_since: datetime | None = None) -> dict[str, Maturity]:
    """Each municipality's maturity, in first-seen order. "Not relevant" cells are left out."""
    totals: dict[str, list[int]] = {}
    population: dict[str, int] = {}
    last: dict[str, datetime | None] = {}
    for cell in cells:
        total = totals.setdefault(cell.municipality, [0, 0, 0, 0])
        population[cell.municipality] = cell.population
        if cell.updated_at is not None:
            previous = last.get(cell.municipality)
            last[cell.municipality] = cell.updated_at if previous is None else max(previous, cell.updated_at)
        else:
            last.setdefault(cell.municipality, None)
        if cell.stage == Stage.NOT_RELEVANT:
            continue
        total[0] += 1
        total[1] += STAGE_POINTS[cell.stage]
        total[2] += cell.documented
        total[3] += fresh_since is not None and cell.updated_at is not None and cell.updated_at >= fresh_since
    return {
        number: Maturity(
            municipality=number,
            population=population[number],
            relevant=relevant,
            points=points,
            documented=documented,
            fresh=fresh,
            last_updated=last[number],
        )
        for number, (relevant, points, documented, fresh) in totals.items()
    }


# --- The divide --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quartiles:
    minimum: float
    lower: float
    median: float
    upper: float
    maximum: float


def quartiles(values: Sequence[float]) -> Quartiles | None:
    """Minimum, quartiles and maximum, interpolated between the values (None without values)."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        only = ordered[0]
        return Quartiles(only, only, only, only, only)
    lower, median, upper = statistics.quantiles(ordered, n=4, method="inclusive")
    return Quartiles(ordered[0], lower, median, upper, ordered[-1])


def gini(values: Sequence[float]) -> float:
    """The Gini coefficient: 0 when every value is the same, towards 1 when one has it all.

    Half the mean absolute difference between all pairs, over the mean. 0 for no values or all zero.
    """
    count = len(values)
    total = sum(values)
    ordered = sorted(values)
    if count == 0 or total == 0 or ordered[0] == ordered[-1]:
        return 0.0
    # Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − n + 1) x_(i), with i from 0 over the sorted values.
    weighted = sum((2 * index - count + 1) * value for index, value in enumerate(ordered))
    return max(0.0, weighted / (count * total))  # never below 0 by a rounding error


@dataclass(frozen=True)
class Coverage:
    """How much of the relevant ground is in use, counted by municipality and by inhabitant."""

    relevant: int = 0
    in_use: int = 0
    inhabitants: int = 0
    inhabitants_in_use: int = 0

    @property
    def by_municipalities(self) -> float:
        return self.in_use / self.relevant if self.relevant else 0.0

    @property
    def by_inhabitants(self) -> float:
        return self.inhabitants_in_use / self.inhabitants if self.inhabitants else 0.0

    @property
    def gap(self) -> float:
        """Positive when the inhabitants are covered but the municipalities are not: the small ones are behind."""
        return self.by_inhabitants - self.by_municipalities


def coverage(cells: Iterable[Cell]) -> Coverage:
    """Of the relevant municipality × solution pairs, the share in use, plain and weighted by inhabitants."""
    relevant = in_use = inhabitants = inhabitants_in_use = 0
    for cell in cells:
        if cell.stage == Stage.NOT_RELEVANT:
            continue
        relevant += 1
        inhabitants += cell.population
        if cell.stage in IN_USE_STAGES:
            in_use += 1
            inhabitants_in_use += cell.population
    return Coverage(relevant, in_use, inhabitants, inhabitants_in_use)


# Score bands for the distribution: 0–19 %, 20–39 %, …, 80–100 %.
BANDS = 5


def band(score: float) -> int:
    """The band (0 to BANDS − 1) a score falls in; 1.0 belongs to the top band."""
    return min(int(score * BANDS), BANDS - 1)


@dataclass(frozen=True)
class Divide:
    """The divide measures of one group of municipalities."""

    municipalities: int
    scored: int  # municipalities with at least one relevant solution
    mean: float | None
    quartiles: Quartiles | None
    gini: float
    coverage: Coverage
    distribution: tuple[int, ...]  # municipalities per score band

    @property
    def spread(self) -> float | None:
        """The interquartile range: how far apart the middle half of the municipalities are."""
        return self.quartiles.upper - self.quartiles.lower if self.quartiles else None


def divide(scores: Iterable[Maturity], cells: Iterable[Cell]) -> Divide:
    """The measures over the given municipalities' scores and the same municipalities' cells."""
    chosen = list(scores)
    values = [score for item in chosen if (score := item.score) is not None]
    distribution = [0] * BANDS
    for value in values:
        distribution[band(value)] += 1
    return Divide(
        municipalities=len(chosen),
        scored=len(values),
        mean=statistics.fmean(values) if values else None,
        quartiles=quartiles(values),
        gini=gini(values),
        coverage=coverage(cells),
        distribution=tuple(distribution),
    )


def divide_by(
    scores: Mapping[str, Maturity], cells: Sequence[Cell], *, group: Callable[[str], K | None]
) -> dict[K, Divide]:
    """The measures per group of municipalities (group(number) → key, None to leave one out), in first-seen order."""
    members: dict[K, list[Maturity]] = {}
    for number, item in scores.items():
        key = group(number)
        if key is not None:
            members.setdefault(key, []).append(item)
    cells_by: dict[K, list[Cell]] = {key: [] for key in members}
    for cell in cells:
        key = group(cell.municipality)
        if key is not None and key in cells_by:
            cells_by[key].append(cell)
    return {key: divide(items, cells_by[key]) for key, items in members.items()}


# --- Peers -------------------------------------------------------------------------------------

# A municipality is "behind" its peer group when its score is at least this far below the
# group's median, in a group of at least MIN_PEERS municipalities with a score.
BEHIND_BY = 0.2
MIN_PEERS = 3


@dataclass(frozen=True)
class Behind(Generic[K]):
    municipality: str
    group: K
    score: float
    group_median: float

    @property
    def distance(self) -> float:
        return self.group_median - self.score


def behind_peers(scores: Mapping[str, Maturity], groups: Mapping[K, Sequence[str]]) -> list[Behind[K]]:
    """Every (municipality, peer group) where the municipality is clearly behind the group's median."""
    found: list[Behind[K]] = []
    for key, numbers in groups.items():
        members = [
            (number, score) for number in numbers if (item := scores.get(number)) and (score := item.score) is not None
        ]
        if len(members) < MIN_PEERS:
            continue
        median = statistics.median(score for _number, score in members)
        for number, score in members:
            if median - score >= BEHIND_BY - 1e-9:
                found.append(Behind(municipality=number, group=key, score=score, group_median=median))
    return found
