"""Property tests of the one aggregation every page uses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ehelsenord.rollout.aggregation import Cell, Summary, summarize, summarize_all
from ehelsenord.solutions.enums import IN_USE_STAGES, Stage

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)

cells_strategy = st.lists(
    st.builds(
        Cell,
        municipality=st.sampled_from(["1804", "1856", "5501", "5610", "0301"]),
        county=st.sampled_from(["18", "55", "56", "03"]),
        solution=st.sampled_from(["helsenettet", "pll", "dho", "e-las"]),
        phase=st.sampled_from(["a", "b", "c"]),
        stage=st.sampled_from(list(Stage)),
        population=st.integers(min_value=0, max_value=800_000),
        updated_at=st.one_of(st.none(), st.integers(0, 400).map(lambda days: NOW - timedelta(days=days))),
        documented=st.booleans(),
    ),
    max_size=60,
)


def _add(summaries: list[Summary]) -> tuple[int, int, int, int, int]:
    return (
        sum(s.total for s in summaries),
        sum(s.in_use for s in summaries),
        sum(s.started for s in summaries),
        sum(s.relevant for s in summaries),
        sum(s.population_in_use for s in summaries),
    )


@given(cells_strategy)
def test_summarize_groups_add_up_to_the_whole(cells: list[Cell]) -> None:
    whole = summarize_all(cells)
    for by in (lambda c: c.solution, lambda c: c.municipality, lambda c: c.county, lambda c: None):
        groups = list(summarize(cells, by=by).values())
        assert _add(groups) == (whole.total, whole.in_use, whole.started, whole.relevant, whole.population_in_use)


@given(cells_strategy)
def test_summarize_stage_and_phase_counts_cover_every_cell(cells: list[Cell]) -> None:
    whole = summarize_all(cells)
    assert sum(whole.by_stage.values()) == len(cells) == whole.total
    assert sum(whole.by_phase.values()) == len(cells)
    assert whole.in_use == sum(whole.stage_count(stage) for stage in IN_USE_STAGES)
    assert whole.relevant == len([c for c in cells if c.stage != Stage.NOT_RELEVANT])


@given(cells_strategy)
def test_summarize_shares_are_between_zero_and_one(cells: list[Cell]) -> None:
    for summary in [summarize_all(cells), *summarize(cells, by=lambda c: c.solution).values()]:
        assert 0.0 <= summary.share_in_use <= summary.share_started + 1e-12 <= 1.0 + 1e-12
        assert 0.0 <= summary.share_updated_recently <= 1.0


@given(cells_strategy, st.integers(0, 400))
def test_summarize_freshness_counts_updates_since_the_cutoff(cells: list[Cell], days: int) -> None:
    cutoff = NOW - timedelta(days=days)
    expected = len([c for c in cells if c.updated_at is not None and c.updated_at >= cutoff])
    assert summarize_all(cells, fresh_since=cutoff).updated_recently == expected


@given(cells_strategy)
def test_summarize_adding_a_cell_in_use_never_lowers_the_share_in_use(cells: list[Cell]) -> None:
    before = summarize_all(cells).share_in_use
    extra = Cell("1804", "18", "pll", "i_drift", Stage.IN_PRODUCTION, 53712)
    assert summarize_all([*cells, extra]).share_in_use >= before


def test_summarize_exact_counts_on_a_small_case() -> None:
    cells = [
        Cell("1804", "18", "pll", "i_drift", Stage.IN_PRODUCTION, 53712, NOW, True),
        Cell("1856", "18", "pll", "ikke_startet", Stage.NOT_STARTED, 460),
        Cell("5501", "55", "pll", "planlagt", Stage.PLANNED, 78745, NOW - timedelta(days=100)),
        Cell("5610", "56", "pll", "ikke_aktuell", Stage.NOT_RELEVANT, 2565),
    ]
    summary = summarize_all(cells, fresh_since=NOW - timedelta(days=90))
    assert (summary.total, summary.relevant, summary.in_use, summary.started) == (4, 3, 1, 2)
    assert (summary.updated_recently, summary.documented) == (1, 1)
    assert summary.share_in_use == 1 / 3
    assert summary.population_in_use == 53712
    assert summary.by_phase == {"i_drift": 1, "ikke_startet": 1, "planlagt": 1, "ikke_aktuell": 1}
    by_county = summarize(cells, by=lambda c: c.county)
    assert {county: s.total for county, s in by_county.items()} == {"18": 2, "55": 1, "56": 1}


def test_summarize_empty_input_gives_zero_shares() -> None:
    summary = summarize_all([])
    assert (summary.total, summary.share_in_use, summary.share_started, summary.share_updated_recently) == (0, 0, 0, 0)
