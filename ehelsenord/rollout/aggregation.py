"""The one aggregation every page uses: counts and shares of records, grouped any way.

Pure module: plain data in, plain data out. A "cell" is one municipality × solution, whether
or not a record exists (without a record the municipality is at the template's first phase).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from ehelsenord.solutions.enums import IN_USE_STAGES, Stage

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Cell:
    municipality: str
    county: str
    solution: str
    phase: str
    stage: Stage
    population: int
    updated_at: datetime | None = None
    documented: bool = False


@dataclass(frozen=True)
class Summary:
    """Counts over a group of cells. Shares are of the relevant cells (not 'not relevant')."""

    total: int = 0
    by_stage: Mapping[Stage, int] = field(default_factory=dict)
    by_phase: Mapping[str, int] = field(default_factory=dict)
    in_use: int = 0
    started: int = 0
    updated_recently: int = 0
    documented: int = 0
    population: int = 0
    population_in_use: int = 0

    @property
    def not_relevant(self) -> int:
        return self.by_stage.get(Stage.NOT_RELEVANT, 0)

    @property
    def relevant(self) -> int:
        return self.total - self.not_relevant

    @property
    def share_in_use(self) -> float:
        return self.in_use / self.relevant if self.relevant else 0.0

    @property
    def share_started(self) -> float:
        return self.started / self.relevant if self.relevant else 0.0

    @property
    def share_updated_recently(self) -> float:
        return self.updated_recently / self.total if self.total else 0.0

    def stage_count(self, stage: Stage | str) -> int:
        return self.by_stage.get(Stage(stage), 0)

    def phase_count(self, phase_key: str) -> int:
        return self.by_phase.get(phase_key, 0)

    def phase_share(self, phase_key: str) -> float:
        return self.phase_count(phase_key) / self.total if self.total else 0.0


def _summary(cells: list[Cell], fresh_since: datetime | None) -> Summary:
    by_stage = Counter(cell.stage for cell in cells)
    in_use = [cell for cell in cells if cell.stage in IN_USE_STAGES]
    return Summary(
        total=len(cells),
        by_stage=dict(by_stage),
        by_phase=dict(Counter(cell.phase for cell in cells)),
        in_use=len(in_use),
        started=sum(1 for cell in cells if cell.stage not in (Stage.NOT_STARTED, Stage.NOT_RELEVANT)),
        updated_recently=sum(
            1
            for cell in cells
            if fresh_since is not None and cell.updated_at is not None and cell.updated_at >= fresh_since
        ),
        documented=sum(1 for cell in cells if cell.documented),
        population=sum(cell.population for cell in cells),
        population_in_use=sum(cell.population for cell in in_use),
    )


def summarize(
    cells: Iterable[Cell],
    *,
    by: Callable[[Cell], K],
    fresh_since: datetime | None = None,
) -> dict[K, Summary]:
    """Group cells by `by(cell)` and summarise each group; groups come out in first-seen order."""
    groups: dict[K, list[Cell]] = {}
    for cell in cells:
        groups.setdefault(by(cell), []).append(cell)
    return {key: _summary(group, fresh_since) for key, group in groups.items()}


def count_with_any_in_use(summaries: Mapping[K, Summary]) -> int:
    """How many groups (say municipalities) have at least one cell in use."""
    return sum(1 for summary in summaries.values() if summary.in_use)


def summarize_all(cells: Iterable[Cell], *, fresh_since: datetime | None = None) -> Summary:
    """One summary over all cells (an empty input gives an all-zero summary)."""
    return _summary(list(cells), fresh_since)
