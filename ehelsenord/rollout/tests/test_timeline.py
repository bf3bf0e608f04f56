"""Phases at earlier times: the pure rebuild from the history, and the grid's phases from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from ehelsenord.divide.maturity import maturity
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.aggregation import Cell
from ehelsenord.rollout.selectors import NATIONAL_FILTER_LIMIT, Grid, grid_phases_at, rollout_grid
from ehelsenord.rollout.services import implementation_update
from ehelsenord.rollout.timeline import PhaseChange, phases_at
from ehelsenord.solutions.enums import Stage
from ehelsenord.solutions.models import Phase, Solution
from ehelsenord.solutions.selectors import solution_get, solution_list

T = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _days_ago(days: float) -> datetime:
    return T - timedelta(days=days)


# --- phases_at: exact cases --------------------------------------------------------------------

CURRENT = {"1804": "i_drift", "1856": "planlagt"}
CHANGES = [
    PhaseChange("1804", _days_ago(60), "ikke_startet"),  # ikke_startet → planlagt
    PhaseChange("1804", _days_ago(40), "planlagt"),  # planlagt → utproving
    PhaseChange("1804", _days_ago(10), "utproving"),  # utproving → i_drift
    PhaseChange("1856", _days_ago(5), "ikke_startet"),  # ikke_startet → planlagt
]


def test_phases_at_rolls_back_the_changes_after_each_time() -> None:
    assert phases_at(CURRENT, CHANGES, [_days_ago(30)]) == [{"1804": "utproving", "1856": "ikke_startet"}]
    assert phases_at(CURRENT, CHANGES, [_days_ago(50)]) == [{"1804": "planlagt", "1856": "ikke_startet"}]
    assert phases_at(CURRENT, CHANGES, [_days_ago(70)]) == [{"1804": "ikke_startet", "1856": "ikke_startet"}]
    assert phases_at(CURRENT, CHANGES, [_days_ago(7)]) == [{"1804": "i_drift", "1856": "ikke_startet"}]
    assert phases_at(CURRENT, CHANGES, [T]) == [CURRENT]


def test_phases_at_a_change_made_exactly_at_the_time_is_in_effect() -> None:
    assert phases_at(CURRENT, CHANGES, [_days_ago(40)]) == [{"1804": "utproving", "1856": "ikke_startet"}]
    just_before = _days_ago(40) - timedelta(microseconds=1)
    assert phases_at(CURRENT, CHANGES, [just_before]) == [{"1804": "planlagt", "1856": "ikke_startet"}]
    assert phases_at(CURRENT, CHANGES, [_days_ago(5)]) == [CURRENT]


def test_phases_at_returns_the_times_in_the_order_given() -> None:
    times = [_days_ago(30), _days_ago(70), T, _days_ago(7), _days_ago(50), _days_ago(30)]
    assert phases_at(CURRENT, CHANGES, times) == [
        {"1804": "utproving", "1856": "ikke_startet"},
        {"1804": "ikke_startet", "1856": "ikke_startet"},
        {"1804": "i_drift", "1856": "planlagt"},
        {"1804": "i_drift", "1856": "ikke_startet"},
        {"1804": "planlagt", "1856": "ikke_startet"},
        {"1804": "utproving", "1856": "ikke_startet"},
    ]


def test_phases_at_does_not_depend_on_the_order_of_the_changes() -> None:
    times = [_days_ago(50), _days_ago(30), _days_ago(7)]
    expected = phases_at(CURRENT, CHANGES, times)
    assert phases_at(CURRENT, list(reversed(CHANGES)), times) == expected
    assert phases_at(CURRENT, [CHANGES[2], CHANGES[0], CHANGES[3], CHANGES[1]], times) == expected
    assert phases_at(CURRENT, iter(CHANGES), times) == expected  # any iterable, read once


def test_phases_at_ignores_keys_missing_from_current() -> None:
    changes = [*CHANGES, PhaseChange("1857", _days_ago(20), "planlagt")]
    assert phases_at(CURRENT, changes, [_days_ago(30), T]) == [{"1804": "utproving", "1856": "ikke_startet"}, CURRENT]


def test_phases_at_without_changes_is_the_current_phases_at_every_time() -> None:
    result = phases_at(CURRENT, [], [_days_ago(400), T, T + timedelta(days=1)])
    assert result == [CURRENT, CURRENT, CURRENT]
    # Each snapshot is its own dictionary: changing one changes neither the others nor the input.
    result[0]["1804"] = "planlagt"
    assert result[1] == CURRENT == {"1804": "i_drift", "1856": "planlagt"}


def test_phases_at_without_times_is_empty() -> None:
    assert phases_at(CURRENT, CHANGES, []) == []


def test_phases_at_of_nothing_is_empty_snapshots() -> None:
    assert phases_at({}, CHANGES, [T, _days_ago(30)]) == [{}, {}]


def test_phases_at_two_changes_at_the_same_moment_given_newest_first_as_the_history_lists_them() -> None:
    at = _days_ago(20)
    changes = [PhaseChange("1804", at, "planlagt"), PhaseChange("1804", at, "ikke_startet")]
    assert phases_at({"1804": "i_drift"}, changes, [at - timedelta(seconds=1), at]) == [
        {"1804": "ikke_startet"},
        {"1804": "i_drift"},
    ]


# --- phases_at: properties ---------------------------------------------------------------------

PHASE_KEYS = ["ikke_startet", "planlagt", "forberedelse", "utproving", "i_drift", "gevinstrealisering"]
KEYS = ["1804", "1856", "1857", "5501"]


@dataclass(frozen=True)
class History:
    """Every key's first phase and its changes (time, phase after) in time order."""

    first: dict[str, str]
    steps: dict[str, list[tuple[datetime, str]]]

    @property
    def current(self) -> dict[str, str]:
        return {key: (self.steps[key][-1][1] if self.steps[key] else self.first[key]) for key in self.first}

    def changes(self) -> list[PhaseChange[str]]:
        """As the database stores them: time and the phase before."""
        found = []
        for key, steps in self.steps.items():
            before = self.first[key]
            for at, after in steps:
                found.append(PhaseChange(key, at, before))
                before = after
        return found

    def phase_at(self, key: str, moment: datetime) -> str:
        phase = self.first[key]
        for at, after in self.steps[key]:
            if at <= moment:
                phase = after
        return phase


minutes = st.integers(-60 * 24 * 400, 60 * 24 * 30)


@st.composite
def histories(draw: st.DrawFn) -> History:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=len(KEYS)))
    first = {key: draw(st.sampled_from(PHASE_KEYS)) for key in keys}
    steps = {}
    for key in keys:
        # Distinct times per key: one record's changes never share a moment here (see the same-moment test).
        times = sorted(draw(st.lists(minutes, unique=True, max_size=6)))
        steps[key] = [(T + timedelta(minutes=m), draw(st.sampled_from(PHASE_KEYS))) for m in times]
    return History(first=first, steps=steps)


@settings(deadline=None, max_examples=100)
@given(histories(), st.lists(minutes, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_phases_at_is_each_keys_phase_after_its_last_change_until_then(
    history: History, offsets: list[int], random: Any
) -> None:
    times = [T + timedelta(minutes=m) for m in offsets]
    changes = history.changes()
    random.shuffle(changes)
    result = phases_at(history.current, changes, times)
    assert result == [{key: history.phase_at(key, moment) for key in history.first} for moment in times]


@settings(deadline=None, max_examples=100)
@given(histories(), st.lists(minutes, min_size=1, max_size=6))
def test_phases_at_applying_the_changes_forward_from_the_earliest_time_gives_the_current_phases(
    history: History, offsets: list[int]
) -> None:
    times = [T + timedelta(minutes=m) for m in offsets]
    earliest = min(times)
    # Only the changes after the earliest time are needed (the docstring allows leaving out the older ones).
    later = [change for change in history.changes() if change.changed_at > earliest]
    snapshot = phases_at(history.current, later, times)[times.index(earliest)]
    state = dict(snapshot)
    for key, steps in history.steps.items():
        for at, after in steps:  # in time order
            if at > earliest:
                assert state[key] == next(c.before for c in later if c.key == key and c.changed_at == at)
                state[key] = after
    assert state == history.current


# --- grid_phases_at and Grid.cells_over_time (database) -------------------------------------------


@pytest.fixture
def pll(reference_data: None) -> Solution:
    return solution_get("pasientens-legemiddelliste")


@pytest.fixture
def helsenettet(reference_data: None) -> Solution:
    return solution_get("helsenettet")


@pytest.fixture
def now() -> datetime:
    return timezone.now()


@pytest.fixture
def history(bodo: Any, rost: Any, pll: Solution, helsenettet: Solution, coordinator: Any, now: datetime) -> datetime:
    """Bodø × PLL: planlagt 60 days ago, utproving 40, i_drift 10 (and a note 5 days ago, which is no phase).
    Røst × Helsenettet: avtaler_signert 20 days ago. Bodø × Helsenettet and Røst × PLL: no record."""
    for days, phase in [(60, "planlagt"), (40, "utproving"), (10, "i_drift")]:
        implementation_update(
            municipality=bodo, solution=pll, user=coordinator, changes={"phase": phase}, at=now - timedelta(days=days)
        )
    implementation_update(
        municipality=bodo, solution=pll, user=coordinator, changes={"note": "i_drift"}, at=now - timedelta(days=5)
    )
    implementation_update(
        municipality=rost,
        solution=helsenettet,
        user=coordinator,
        changes={"phase": "avtaler_signert"},
        at=now - timedelta(days=20),
    )
    return now


def _keys(grid: Grid, snapshot: dict[tuple[str, int], Phase]) -> dict[tuple[str, str], str]:
    slugs = {solution.pk: solution.slug for solution in grid.solutions}
    return {(number, slugs[solution_id]): phase.key for (number, solution_id), phase in snapshot.items()}


@pytest.mark.django_db
def test_grid_phases_at_rebuilds_every_cell_at_each_time_in_one_query(
    bodo: Any,
    rost: Any,
    pll: Solution,
    helsenettet: Solution,
    history: datetime,
    django_assert_num_queries: Any,
) -> None:
    now = history
    grid = rollout_grid(municipalities=[bodo, rost], solutions=[pll, helsenettet])
    times = [now - timedelta(days=30), now - timedelta(days=70), now - timedelta(days=40), now]
    with django_assert_num_queries(1):
        snapshots = grid_phases_at(grid, times)
    assert [_keys(grid, snapshot) for snapshot in snapshots] == [
        {  # 30 days ago: after the 40-day change, before the 10-day one; Røst's record did not exist yet
            ("1804", "pasientens-legemiddelliste"): "utproving",
            ("1804", "helsenettet"): "ikke_medlem",
            ("1856", "pasientens-legemiddelliste"): "ikke_startet",
            ("1856", "helsenettet"): "ikke_medlem",
        },
        {  # 70 days ago: before everything
            ("1804", "pasientens-legemiddelliste"): "ikke_startet",
            ("1804", "helsenettet"): "ikke_medlem",
            ("1856", "pasientens-legemiddelliste"): "ikke_startet",
            ("1856", "helsenettet"): "ikke_medlem",
        },
        {  # exactly 40 days ago: that change is in effect
            ("1804", "pasientens-legemiddelliste"): "utproving",
            ("1804", "helsenettet"): "ikke_medlem",
            ("1856", "pasientens-legemiddelliste"): "ikke_startet",
            ("1856", "helsenettet"): "ikke_medlem",
        },
        {  # now: today's phases
            ("1804", "pasientens-legemiddelliste"): "i_drift",
            ("1804", "helsenettet"): "ikke_medlem",
            ("1856", "pasientens-legemiddelliste"): "ikke_startet",
            ("1856", "helsenettet"): "avtaler_signert",
        },
    ]
    # The phases are the solutions' own Phase objects, from the right template.
    for snapshot in snapshots:
        for (_number, solution_id), phase in snapshot.items():
            solution = next(s for s in grid.solutions if s.pk == solution_id)
            assert phase.template_id == solution.phase_template_id
            assert phase in solution.phase_template.phases.all()


@pytest.mark.django_db
def test_grid_phases_at_without_times_makes_no_query(
    bodo: Any, pll: Solution, history: datetime, django_assert_num_queries: Any
) -> None:
    grid = rollout_grid(municipalities=[bodo], solutions=[pll])
    with django_assert_num_queries(0):
        assert grid_phases_at(grid, []) == []


@pytest.mark.django_db
def test_grid_phases_at_a_municipality_without_records_is_at_the_first_phase_throughout(
    rost: Any, pll: Solution, history: datetime
) -> None:
    now = history
    grid = rollout_grid(municipalities=[rost], solutions=[pll])
    snapshots = grid_phases_at(grid, [now - timedelta(days=90), now - timedelta(days=30), now])
    assert [_keys(grid, snapshot) for snapshot in snapshots] == [
        {("1856", "pasientens-legemiddelliste"): "ikke_startet"}
    ] * 3


@pytest.mark.django_db
def test_grid_phases_at_two_changes_at_the_same_moment(
    bodo: Any, pll: Solution, coordinator: Any, now: datetime
) -> None:
    at = now - timedelta(days=20)
    for phase in ["planlagt", "i_drift"]:
        implementation_update(municipality=bodo, solution=pll, user=coordinator, changes={"phase": phase}, at=at)
    grid = rollout_grid(municipalities=[bodo], solutions=[pll])
    snapshots = grid_phases_at(grid, [at - timedelta(seconds=1), at, now])
    assert [_keys(grid, snapshot) for snapshot in snapshots] == [
        {("1804", "pasientens-legemiddelliste"): "ikke_startet"},
        {("1804", "pasientens-legemiddelliste"): "i_drift"},
        {("1804", "pasientens-legemiddelliste"): "i_drift"},
    ]


@pytest.mark.django_db
def test_grid_phases_at_stays_one_query_for_the_whole_country(
    bodo: Any, rost: Any, history: datetime, django_assert_num_queries: Any
) -> None:
    now = history
    # Every municipality but Røst: past the limit, the history is not filtered by municipality,
    # and Røst's changes must still not show up.
    municipalities = list(Municipality.objects.exclude(number=rost.number).order_by("number"))
    assert len(municipalities) >= NATIONAL_FILTER_LIMIT
    solutions = solution_list()
    grid = rollout_grid(municipalities=municipalities, solutions=solutions)
    with django_assert_num_queries(1):
        snapshots = grid_phases_at(grid, [now - timedelta(days=30), now - timedelta(days=50)])
    assert all(len(snapshot) == len(municipalities) * len(solutions) for snapshot in snapshots)
    assert all(number != rost.number for snapshot in snapshots for number, _solution in snapshot)
    pll = next(s for s in solutions if s.slug == "pasientens-legemiddelliste")
    assert [snapshot[(bodo.number, pll.pk)].key for snapshot in snapshots] == ["utproving", "planlagt"]
    # Every other cell is at its first phase at both times.
    moved = {
        key: phase.key
        for key, phase in snapshots[0].items()
        if phase.key != next(s for s in solutions if s.pk == key[1]).phase_template.phases.all()[0].key
    }
    assert moved == {(bodo.number, pll.pk): "utproving"}


@pytest.mark.django_db
def test_cells_over_time_gives_the_cells_with_the_earlier_phases_and_todays_other_fields(
    bodo: Any, rost: Any, pll: Solution, helsenettet: Solution, history: datetime
) -> None:
    now = history
    grid = rollout_grid(municipalities=[bodo, rost], solutions=[pll, helsenettet])
    (then,) = grid_phases_at(grid, [now - timedelta(days=30)])
    assert grid.cells_over_time([then])[0] == [
        Cell(
            "1804",
            bodo.county_id,
            "pasientens-legemiddelliste",
            "utproving",
            Stage.PILOTING,
            bodo.population,
            updated_at=now - timedelta(days=5),
        ),
        Cell("1804", bodo.county_id, "helsenettet", "ikke_medlem", Stage.NOT_STARTED, bodo.population),
        Cell("1856", rost.county_id, "pasientens-legemiddelliste", "ikke_startet", Stage.NOT_STARTED, rost.population),
        Cell(
            "1856",
            rost.county_id,
            "helsenettet",
            "ikke_medlem",
            Stage.NOT_STARTED,
            rost.population,
            updated_at=now - timedelta(days=20),
        ),
    ]
    # Today's cells for comparison, and the score then and now.
    assert [cell.phase for cell in grid.cells()] == ["i_drift", "ikke_medlem", "ikke_startet", "avtaler_signert"]
    assert maturity(grid.cells_over_time([then])[0])["1804"].score == pytest.approx(0.3)  # (3 + 0) / 10
    assert maturity(grid.cells())["1804"].score == pytest.approx(0.4)  # (4 + 0) / 10
    assert maturity(grid.cells())["1856"].score == pytest.approx(0.2)  # (0 + 2) / 10


@pytest.mark.django_db
def test_cells_over_time_without_earlier_phases_is_todays_cells(
    bodo: Any, rost: Any, pll: Solution, helsenettet: Solution, history: datetime
) -> None:
    grid = rollout_grid(municipalities=[bodo, rost], solutions=[pll, helsenettet])
    assert grid.cells_over_time([{}])[0] == grid.cells()
    (today,) = grid_phases_at(grid, [history])
    assert grid.cells_over_time([today])[0] == grid.cells()


def test_a_before_value_that_is_no_phase_counts_as_the_first_phase_never_as_today(
    bodo: Any, pll: Solution, coordinator: Any
) -> None:
    from ehelsenord.rollout.models import ImplementationChange

    now = timezone.now()
    implementation_update(
        municipality=bodo, solution=pll, user=coordinator, changes={"phase": "i_drift"}, at=now - timedelta(days=10)
    )
    # The template was changed since: the history's "before" names a phase that no longer exists.
    ImplementationChange.objects.filter(field="phase").update(old_value="fase-som-er-borte")
    grid = rollout_grid(municipalities=[bodo], solutions=[pll])

    (then,) = grid_phases_at(grid, [now - timedelta(days=30)])

    assert then[(bodo.number, pll.pk)] == pll.phase_template.phases.all()[0]
    assert grid.record(bodo, pll).phase.key == "i_drift"
