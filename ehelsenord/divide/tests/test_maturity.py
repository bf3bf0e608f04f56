"""The maturity score and the divide measures: exact values on hand-made cases, and their properties."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehelsenord.divide.maturity import (
    BANDS,
    MAX_POINTS,
    STAGE_POINTS,
    Behind,
    Coverage,
    Maturity,
    Quartiles,
    SizeClass,
    band,
    behind_peers,
    coverage,
    divide,
    divide_by,
    gini,
    maturity,
    quartiles,
    size_class,
)
from ehelsenord.rollout.aggregation import Cell
from ehelsenord.solutions.enums import IN_USE_STAGES, Stage

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
PROPERTIES = settings(deadline=None, max_examples=100)

# Municipality → county, for hand-made and generated regions.
COUNTY_OF = {"1804": "18", "1856": "18", "1857": "18", "5501": "55", "5503": "55", "5601": "56", "5610": "56"}
SOLUTIONS = ["helsenettet", "pll", "e-resept", "dho", "e-las"]


def _cell(
    municipality: str,
    solution: str,
    stage: Stage,
    population: int = 1000,
    *,
    updated_at: datetime | None = None,
    documented: bool = False,
) -> Cell:
    return Cell(
        municipality=municipality,
        county=COUNTY_OF.get(municipality, "99"),
        solution=solution,
        phase=stage.value,
        stage=stage,
        population=population,
        updated_at=updated_at,
        documented=documented,
    )


def _scored(municipality: str, points: int, relevant: int, population: int = 1000) -> Maturity:
    return Maturity(
        municipality=municipality,
        population=population,
        relevant=relevant,
        points=points,
        documented=0,
        fresh=0,
        last_updated=None,
    )


# --- Points and size classes -------------------------------------------------------------------


def test_stage_points_are_one_per_step_and_not_relevant_has_none() -> None:
    assert STAGE_POINTS == {
        Stage.NOT_STARTED: 0,
        Stage.PLANNED: 1,
        Stage.PREPARING: 2,
        Stage.PILOTING: 3,
        Stage.IN_PRODUCTION: 4,
        Stage.REALISING_BENEFITS: 5,
    }
    assert MAX_POINTS == 5
    assert Stage.NOT_RELEVANT not in STAGE_POINTS


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (0, SizeClass.UNDER_2000),
        (460, SizeClass.UNDER_2000),
        (1999, SizeClass.UNDER_2000),
        (2000, SizeClass.FROM_2000),
        (4999, SizeClass.FROM_2000),
        (5000, SizeClass.FROM_5000),
        (19999, SizeClass.FROM_5000),
        (20000, SizeClass.FROM_20000),
        (53712, SizeClass.FROM_20000),
    ],
)
def test_size_class_boundaries(population: int, expected: SizeClass) -> None:
    assert size_class(population) is expected


def test_size_class_values_are_the_interface_keys() -> None:
    assert [size.value for size in SizeClass] == ["under-2000", "2000-4999", "5000-19999", "20000-"]


# --- Maturity ----------------------------------------------------------------------------------


def test_maturity_exact_values_on_a_small_case() -> None:
    fresh_since = NOW - timedelta(days=90)
    cells = [
        _cell("1804", "pll", Stage.IN_PRODUCTION, 53712, updated_at=NOW - timedelta(days=10), documented=True),
        _cell("1804", "e-resept", Stage.PLANNED, 53712, updated_at=NOW - timedelta(days=200)),
        # Not relevant: counts for none of relevant, points, documented or fresh, but it was an update.
        _cell("1804", "dho", Stage.NOT_RELEVANT, 53712, updated_at=NOW - timedelta(days=1), documented=True),
        _cell("1856", "pll", Stage.NOT_RELEVANT, 460),
        _cell("1856", "e-resept", Stage.NOT_RELEVANT, 460),
    ]
    result = maturity(cells, fresh_since=fresh_since)
    assert list(result) == ["1804", "1856"]
    bodo = result["1804"]
    assert bodo == Maturity(
        municipality="1804",
        population=53712,
        relevant=2,
        points=5,
        documented=1,
        fresh=1,
        last_updated=NOW - timedelta(days=1),
    )
    assert bodo.score == 0.5
    assert bodo.documented_share == 0.5
    assert bodo.fresh_share == 0.5
    rost = result["1856"]
    assert rost == Maturity(
        municipality="1856", population=460, relevant=0, points=0, documented=0, fresh=0, last_updated=None
    )
    assert rost.score is None
    assert (rost.documented_share, rost.fresh_share) == (0.0, 0.0)


def test_maturity_bounds_nothing_started_is_zero_benefits_everywhere_is_one() -> None:
    cells = [
        _cell("1804", "pll", Stage.NOT_STARTED),
        _cell("1804", "e-resept", Stage.NOT_STARTED),
        _cell("5501", "pll", Stage.REALISING_BENEFITS),
        _cell("5501", "e-resept", Stage.REALISING_BENEFITS),
        _cell("5501", "dho", Stage.NOT_RELEVANT),
    ]
    result = maturity(cells)
    assert result["1804"].score == 0.0
    assert result["5501"].score == 1.0
    assert (result["5501"].relevant, result["5501"].points) == (2, 10)


def test_maturity_one_cell_per_stage_gives_the_stage_points_over_five() -> None:
    for stage, points in STAGE_POINTS.items():
        assert maturity([_cell("1804", "pll", stage)])["1804"].score == points / 5


def test_maturity_counts_fresh_from_the_limit_inclusive_and_none_without_a_limit() -> None:
    limit = NOW - timedelta(days=90)
    cells = [
        _cell("1804", "pll", Stage.PLANNED, updated_at=limit),  # exactly at the limit: fresh
        _cell("1804", "e-resept", Stage.PLANNED, updated_at=limit - timedelta(microseconds=1)),
        _cell("1804", "dho", Stage.PLANNED, updated_at=None),
        _cell("1804", "e-las", Stage.PLANNED, updated_at=NOW),
    ]
    with_limit = maturity(cells, fresh_since=limit)["1804"]
    assert (with_limit.fresh, with_limit.relevant, with_limit.fresh_share) == (2, 4, 0.5)
    assert with_limit.last_updated == NOW
    without_limit = maturity(cells)["1804"]
    assert (without_limit.fresh, without_limit.fresh_share) == (0, 0.0)


def test_maturity_last_updated_skips_cells_never_updated() -> None:
    cells = [
        _cell("1804", "pll", Stage.PLANNED),
        _cell("1804", "e-resept", Stage.PLANNED, updated_at=NOW - timedelta(days=3)),
        _cell("1804", "dho", Stage.PLANNED),
        _cell("1804", "e-las", Stage.PLANNED, updated_at=NOW - timedelta(days=30)),
    ]
    assert maturity(cells)["1804"].last_updated == NOW - timedelta(days=3)


def test_maturity_of_no_cells_is_empty() -> None:
    assert maturity([]) == {}


# --- Quartiles, Gini and bands -----------------------------------------------------------------


def test_quartiles_by_hand_inclusive_method() -> None:
    # Positions p·(n − 1) = 0.75, 1.5, 2.25 over [0, 0.25, 0.5, 1]:
    # 0 + 0.75·0.25 = 0.1875; 0.25 + 0.5·0.25 = 0.375; 0.5 + 0.25·0.5 = 0.625.
    assert quartiles([1.0, 0.0, 0.5, 0.25]) == Quartiles(0.0, 0.1875, 0.375, 0.625, 1.0)


def test_quartiles_of_one_value_and_of_none() -> None:
    assert quartiles([0.4]) == Quartiles(0.4, 0.4, 0.4, 0.4, 0.4)
    assert quartiles([]) is None


def test_quartiles_of_two_values() -> None:
    # Positions 0.25, 0.5, 0.75 between 0.2 and 0.6.
    result = quartiles([0.6, 0.2])
    assert result is not None
    assert (result.minimum, result.maximum) == (0.2, 0.6)
    assert result.lower == pytest.approx(0.3, abs=1e-12)
    assert result.median == pytest.approx(0.4, abs=1e-12)
    assert result.upper == pytest.approx(0.5, abs=1e-12)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 1.0, 1.0], 0.0),
        ([0.0, 0.0, 1.0], 2 / 3),  # pairs |0−1| four times out of 9, over 2·9·(1/3)
        ([1.0, 2.0, 3.0, 4.0], 0.25),  # Σ|xi−xj| = 20 over 2·16·2.5 = 80
        ([4.0, 3.0, 2.0, 1.0], 0.25),  # order does not matter
        ([0.0, 1.0], 0.5),
        ([5.0], 0.0),
        ([], 0.0),
        ([0.0, 0.0, 0.0], 0.0),
    ],
)
def test_gini_by_hand(values: list[float], expected: float) -> None:
    assert gini(values) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("values", [[0.1] * 5, [0.1] * 7, [0.3] * 6, [0.7] * 9])
def test_gini_is_exactly_zero_when_every_value_is_the_same(values: list[float]) -> None:
    # The docstring's promise, and what the page shows: not a tiny negative or positive number.
    assert gini(values) == 0.0


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.0, 0),
        (0.199, 0),
        (0.2, 1),
        (0.39, 1),
        (0.4, 2),
        (0.6, 3),
        (0.79, 3),
        (0.8, 4),
        (1.0, 4),
    ],
)
def test_band_edges(score: float, expected: int) -> None:
    assert band(score) == expected


# --- Coverage ----------------------------------------------------------------------------------


def test_coverage_big_municipality_in_use_small_ones_not() -> None:
    cells = [
        _cell("1804", "pll", Stage.IN_PRODUCTION, 50000),
        _cell("1856", "pll", Stage.PILOTING, 500),
        _cell("1857", "pll", Stage.NOT_STARTED, 700),
        _cell("5501", "pll", Stage.NOT_RELEVANT, 90000),  # left out of both counts
    ]
    result = coverage(cells)
    assert result == Coverage(relevant=3, in_use=1, inhabitants=51200, inhabitants_in_use=50000)
    assert result.by_inhabitants == 0.9765625  # 50000 / 51200 = 125 / 128
    assert result.by_municipalities == 1 / 3
    assert result.gap == 0.9765625 - 1 / 3
    assert result.gap > 0


def test_coverage_small_municipalities_in_use_big_one_not_gives_a_negative_gap() -> None:
    cells = [
        _cell("1804", "pll", Stage.PLANNED, 50000),
        _cell("1856", "pll", Stage.REALISING_BENEFITS, 500),
        _cell("1857", "pll", Stage.IN_PRODUCTION, 1500),
        _cell("1857", "e-resept", Stage.IN_PRODUCTION, 1500),
    ]
    result = coverage(cells)
    assert result == Coverage(relevant=4, in_use=3, inhabitants=53500, inhabitants_in_use=3500)
    assert result.by_municipalities == 0.75
    assert result.by_inhabitants == 3500 / 53500
    assert result.gap == 3500 / 53500 - 0.75


def test_coverage_of_nothing_relevant_is_zero() -> None:
    result = coverage([_cell("1804", "pll", Stage.NOT_RELEVANT, 50000)])
    assert result == Coverage()
    assert (result.by_municipalities, result.by_inhabitants, result.gap) == (0.0, 0.0, 0.0)
    assert coverage([]) == Coverage()


# --- The divide --------------------------------------------------------------------------------


def test_divide_exact_measures_on_a_small_case() -> None:
    scores = [
        _scored("1804", 0, 4),  # 0
        _scored("1856", 5, 4),  # 0.25
        _scored("1857", 10, 4),  # 0.5
        _scored("5501", 20, 4),  # 1
        _scored("5503", 0, 0),  # no relevant solution: not scored
    ]
    cells = [_cell("1804", "pll", Stage.IN_PRODUCTION, 800), _cell("1856", "pll", Stage.PLANNED, 200)]
    result = divide(scores, cells)
    assert result.municipalities == 5
    assert result.scored == 4
    assert result.mean == 0.4375  # 1.75 / 4
    assert result.quartiles == Quartiles(0.0, 0.1875, 0.375, 0.625, 1.0)
    assert result.spread == 0.4375
    # Unordered pair differences 0.25, 0.5, 1, 0.25, 0.75, 0.5 = 3.25; 2·3.25 / (2·16·0.4375) = 13/28.
    assert result.gini == pytest.approx(13 / 28, abs=1e-12)
    assert result.distribution == (1, 1, 1, 0, 1)
    assert result.coverage == Coverage(relevant=2, in_use=1, inhabitants=1000, inhabitants_in_use=800)


def test_divide_of_nothing() -> None:
    result = divide([], [])
    assert (result.municipalities, result.scored, result.mean, result.quartiles) == (0, 0, None, None)
    assert (result.gini, result.spread, result.distribution) == (0.0, None, (0,) * BANDS)
    assert result.coverage == Coverage()


def test_divide_of_municipalities_none_scored() -> None:
    result = divide([_scored("1804", 0, 0), _scored("1856", 0, 0)], [_cell("1804", "pll", Stage.NOT_RELEVANT)])
    assert (result.municipalities, result.scored, result.mean, result.quartiles, result.spread) == (
        2,
        0,
        None,
        None,
        None,
    )
    assert result.distribution == (0, 0, 0, 0, 0)


def test_divide_by_groups_scores_and_cells_in_first_seen_order_leaving_out_none() -> None:
    cells = [
        _cell("5501", "pll", Stage.IN_PRODUCTION, 78745),
        _cell("5501", "e-resept", Stage.PLANNED, 78745),
        _cell("1804", "pll", Stage.REALISING_BENEFITS, 53712),
        _cell("1804", "e-resept", Stage.REALISING_BENEFITS, 53712),
        _cell("1856", "pll", Stage.NOT_STARTED, 460),
        _cell("1856", "e-resept", Stage.NOT_RELEVANT, 460),
        _cell("5601", "pll", Stage.IN_PRODUCTION, 20000),
        _cell("5601", "e-resept", Stage.IN_PRODUCTION, 20000),
    ]
    scores = maturity(cells)
    # 5601 is in no group: neither its score nor its cells count anywhere.
    groups = {"5501": "55", "1804": "18", "1856": "18"}
    result = divide_by(scores, cells, group=groups.get)
    assert list(result) == ["55", "18"]
    troms = result["55"]
    assert (troms.municipalities, troms.scored, troms.mean) == (1, 1, 0.5)  # (4 + 1) / 10
    assert troms.coverage == Coverage(relevant=2, in_use=1, inhabitants=157490, inhabitants_in_use=78745)
    nordland = result["18"]
    assert (nordland.municipalities, nordland.scored) == (2, 2)
    assert nordland.mean == 0.5  # Bodø 1.0, Røst 0.0
    assert nordland.distribution == (1, 0, 0, 0, 1)
    assert nordland.gini == 0.5
    assert nordland.coverage == Coverage(relevant=3, in_use=2, inhabitants=107884, inhabitants_in_use=107424)


def test_divide_by_with_every_municipality_left_out_is_empty() -> None:
    cells = [_cell("1804", "pll", Stage.IN_PRODUCTION)]
    assert divide_by(maturity(cells), cells, group=lambda number: None) == {}


# --- Behind peers ------------------------------------------------------------------------------


def test_behind_peers_exactly_the_limit_below_the_median_counts() -> None:
    scores = {
        "1804": _scored("1804", 3, 1),  # 0.6: the median
        "1856": _scored("1856", 2, 1),  # 0.4: 0.2 below (0.19999999999999996 in floating point)
        "1857": _scored("1857", 4, 1),  # 0.8
    }
    result = behind_peers(scores, {"18": ["1804", "1856", "1857"]})
    assert result == [Behind(municipality="1856", group="18", score=0.4, group_median=0.6)]
    assert result[0].distance == pytest.approx(0.2, abs=1e-12)


def test_behind_peers_just_under_the_limit_does_not_count() -> None:
    scores = {
        "1804": _scored("1804", 300, 100),  # 0.6
        "1856": _scored("1856", 205, 100),  # 0.41: 0.19 below
        "1857": _scored("1857", 400, 100),  # 0.8
    }
    assert behind_peers(scores, {"18": ["1804", "1856", "1857"]}) == []


def test_behind_peers_ignores_groups_of_fewer_than_three_scored() -> None:
    scores = {
        "1804": _scored("1804", 5, 1),  # 1.0
        "1856": _scored("1856", 0, 1),  # 0.0
        "1857": _scored("1857", 0, 0),  # no score: not a member
    }
    # Three listed, but only two with a score; one listed is not in the scores at all.
    assert behind_peers(scores, {"18": ["1804", "1856", "1857", "1865"]}) == []
    assert behind_peers(scores, {"18": ["1804", "1856"]}) == []


def test_behind_peers_the_median_is_over_members_with_a_score_only() -> None:
    scores = {
        "1804": _scored("1804", 5, 1),  # 1.0
        "1856": _scored("1856", 0, 1),  # 0.0
        "1857": _scored("1857", 4, 1),  # 0.8
        "1865": _scored("1865", 0, 0),  # no score: if it counted as 0 the median would be 0.4
    }
    result = behind_peers(scores, {"18": ["1804", "1856", "1857", "1865"]})
    assert result == [Behind(municipality="1856", group="18", score=0.0, group_median=0.8)]


def test_behind_peers_even_group_median_and_every_group() -> None:
    scores = {
        "1804": _scored("1804", 5, 1),  # 1.0
        "1856": _scored("1856", 4, 1),  # 0.8
        "1857": _scored("1857", 3, 1),  # 0.6
        "5501": _scored("5501", 1, 1),  # 0.2
        "5601": _scored("5601", 2, 1),  # 0.4
    }
    groups = {
        "small": ["1804", "1856", "1857", "5501"],  # median (0.8 + 0.6) / 2 = 0.7: 0.2 is behind, 0.6 not
        "all": ["1804", "1856", "1857", "5501", "5601"],  # median 0.6: 0.4 and 0.2 behind
    }
    result = behind_peers(scores, groups)
    assert [(b.group, b.municipality, b.score) for b in result] == [
        ("small", "5501", 0.2),
        ("all", "5501", 0.2),
        ("all", "5601", 0.4),
    ]
    assert result[0].group_median == pytest.approx(0.7, abs=1e-12)
    assert result[1].group_median == 0.6


def test_behind_peers_everyone_equal_nobody_behind() -> None:
    scores = {number: _scored(number, 1, 2) for number in ["1804", "1856", "1857"]}
    assert behind_peers(scores, {"18": list(scores)}) == []


# --- Properties --------------------------------------------------------------------------------

stages = st.sampled_from(list(Stage))
in_production = st.sampled_from(sorted(IN_USE_STAGES))
updated = st.one_of(st.none(), st.integers(0, 400).map(lambda days: NOW - timedelta(days=days)))


@st.composite
def regions(draw: st.DrawFn) -> list[Cell]:
    """Cells of distinct municipalities × the same solutions, each municipality with one population."""
    numbers = draw(st.lists(st.sampled_from(sorted(COUNTY_OF)), unique=True, max_size=len(COUNTY_OF)))
    solutions = draw(st.lists(st.sampled_from(SOLUTIONS), unique=True, min_size=1, max_size=len(SOLUTIONS)))
    cells = []
    for number in numbers:
        population = draw(st.integers(0, 700_000))
        for solution in solutions:
            cells.append(
                _cell(
                    number, solution, draw(stages), population, updated_at=draw(updated), documented=draw(st.booleans())
                )
            )
    return cells


scores_lists = st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), max_size=40)
# Scores as maturity gives them: points over 5 × relevant.
exact_score = st.integers(1, 20).flatmap(
    lambda relevant: st.integers(0, 5 * relevant).map(lambda p: p / (5 * relevant))
)
exact_scores = st.lists(exact_score, max_size=40)


@PROPERTIES
@given(regions(), st.integers(0, 400))
def test_every_score_and_share_is_between_zero_and_one(cells: list[Cell], days: int) -> None:
    result = maturity(cells, fresh_since=NOW - timedelta(days=days))
    assert set(result) == {cell.municipality for cell in cells}
    for number, item in result.items():
        own = [cell for cell in cells if cell.municipality == number]
        assert item.relevant == len([cell for cell in own if cell.stage != Stage.NOT_RELEVANT])
        if item.relevant:
            assert item.score is not None
            assert 0.0 <= item.score <= 1.0
        else:
            assert item.score is None
        assert 0.0 <= item.documented_share <= 1.0
        assert 0.0 <= item.fresh_share <= 1.0
        assert 0 <= item.fresh <= item.relevant
        assert 0 <= item.documented <= item.relevant


# Every municipality at the same score: the case the page calls "no divide".
equal_scores = st.tuples(exact_score, st.integers(1, 40)).map(lambda value_count: [value_count[0]] * value_count[1])


@PROPERTIES
@given(st.one_of(scores_lists, exact_scores, equal_scores))
def test_gini_is_between_zero_and_below_one(values: list[float]) -> None:
    result = gini(values)
    assert 0.0 <= result < 1.0


@PROPERTIES
@given(st.lists(st.integers(0, 1000), max_size=30))
def test_gini_of_counts_is_between_zero_and_below_one(values: list[int]) -> None:
    assert 0.0 <= gini([float(value) for value in values]) < 1.0


@PROPERTIES
@given(scores_lists, st.floats(min_value=0.001, max_value=1000))
def test_gini_is_scale_invariant(values: list[float], factor: float) -> None:
    assert gini([value * factor for value in values]) == pytest.approx(gini(values), abs=1e-9)


@PROPERTIES
@given(st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1, max_size=40))
def test_quartiles_are_ordered(values: list[float]) -> None:
    result = quartiles(values)
    assert result is not None
    assert result.minimum <= result.lower <= result.median <= result.upper <= result.maximum
    assert (result.minimum, result.maximum) == (min(values), max(values))


@PROPERTIES
@given(exact_scores)
def test_quartiles_of_scores_are_ordered(values: list[float]) -> None:
    result = quartiles(values)
    if not values:
        assert result is None
        return
    assert result is not None
    assert result.minimum <= result.lower <= result.median <= result.upper <= result.maximum


@PROPERTIES
@given(regions())
def test_divide_mean_and_distribution_agree_with_the_scores(cells: list[Cell]) -> None:
    scores = maturity(cells)
    values = [item.score for item in scores.values() if item.score is not None]
    result = divide(scores.values(), cells)
    assert result.municipalities == len(scores)
    assert result.scored == len(values) == sum(result.distribution)
    if values:
        assert result.mean == pytest.approx(sum(values) / len(values), abs=1e-12)
        assert result.mean == pytest.approx(statistics.mean(values), abs=1e-12)
    else:
        assert result.mean is None
    assert result.coverage == coverage(cells)


@PROPERTIES
@given(st.integers(1, 60).flatmap(lambda relevant: st.tuples(st.integers(0, 5 * relevant), st.just(relevant))))
def test_band_puts_each_score_where_its_exact_value_belongs(points_relevant: tuple[int, int]) -> None:
    points, relevant = points_relevant
    exact = Fraction(points, MAX_POINTS * relevant)
    assert band(_scored("1804", points, relevant).score or 0.0) == min(int(exact * BANDS), BANDS - 1)


def _extra_municipality(
    number: str, county: str, population: int, solutions: list[str], stages_: list[Stage]
) -> list[Cell]:
    return [
        Cell(number, county, solution, stage.value, stage, population)
        for solution, stage in zip(solutions, stages_, strict=False)
    ]


newcomer_stages = st.lists(st.one_of(in_production, st.just(Stage.NOT_RELEVANT)), min_size=1, max_size=5)


@PROPERTIES
@given(regions(), st.integers(0, 700_000), newcomer_stages)
def test_adding_a_municipality_in_production_never_lowers_the_regions_coverage(
    cells: list[Cell], population: int, newcomer: list[Stage]
) -> None:
    before = coverage(cells)
    after = coverage([*cells, *_extra_municipality("1865", "18", population, SOLUTIONS, newcomer)])
    assert after.by_municipalities >= before.by_municipalities
    assert after.by_inhabitants >= before.by_inhabitants


@PROPERTIES
@given(regions(), st.sampled_from(["18", "55", "56"]), st.integers(0, 700_000), newcomer_stages)
def test_adding_a_municipality_in_production_never_lowers_its_countys_coverage(
    cells: list[Cell], county: str, population: int, newcomer: list[Stage]
) -> None:
    extra = _extra_municipality("1865", county, population, SOLUTIONS, newcomer)
    county_of = {**COUNTY_OF, "1865": county}
    before = divide_by(maturity(cells), cells, group=county_of.get)
    after = divide_by(maturity([*cells, *extra]), [*cells, *extra], group=county_of.get)
    assert county in after
    assert after[county].municipalities == (before[county].municipalities if county in before else 0) + 1
    previous = before[county].coverage if county in before else Coverage()
    assert after[county].coverage.by_municipalities >= previous.by_municipalities
    assert after[county].coverage.by_inhabitants >= previous.by_inhabitants
    for other in before:
        if other != county:
            assert after[other] == before[other]


@PROPERTIES
@given(regions())
def test_divide_by_county_coverage_adds_up_to_the_region(cells: list[Cell]) -> None:
    groups = divide_by(maturity(cells), cells, group=COUNTY_OF.get)
    whole = coverage(cells)
    assert sum(d.coverage.relevant for d in groups.values()) == whole.relevant
    assert sum(d.coverage.in_use for d in groups.values()) == whole.in_use
    assert sum(d.coverage.inhabitants_in_use for d in groups.values()) == whole.inhabitants_in_use
    assert sum(d.municipalities for d in groups.values()) == len({cell.municipality for cell in cells})
