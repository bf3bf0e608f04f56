"""Tests of the buddy-network optimizer: pure, no database.

The property tests check every proposal against rules and an objective recomputed here from
scratch, and check optimality against a brute force over every possible division. Messages are
asserted in English (the msgids) under ``translation.override("en")``, so the tests do not depend
on the Norwegian translations.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ehelsenord.networks import optimizer
from ehelsenord.networks.optimizer import (
    Instance,
    Participant,
    Settings,
    Status,
    explain_infeasible,
    greedy,
    member_reason,
    solve,
    violations,
)

# --- An independent model of the rules -------------------------------------------------------


def haversine_km(a: Participant, b: Participant) -> float:
    phi1, phi2 = math.radians(a.latitude), math.radians(b.latitude)
    d_phi = phi2 - phi1
    d_lambda = math.radians(b.longitude - a.longitude)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * 6371.0088 * math.atan2(math.sqrt(h), math.sqrt(1 - h))


def can_lead(p: Participant, s: Settings) -> bool:
    return p.in_production or p.marked_eligible or p.population >= s.lead_population


def distance(instance: Instance, member: Participant, lead: Participant) -> float | None:
    if member.number == lead.number:
        return 0.0
    if instance.travel is None:
        return haversine_km(member, lead)
    forward = instance.travel.get((member.number, lead.number))
    return forward if forward is not None else instance.travel.get((lead.number, member.number))


def join_cost(instance: Instance, member: Participant, lead: Participant) -> float | None:
    """The cost of ``member`` in ``lead``'s network, None when the rules forbid it."""
    s = instance.settings
    d = distance(instance, member, lead)
    if d is None:
        return None
    other_county = member.county != lead.county
    other_community = member.community != "" and lead.community != "" and member.community != lead.community
    if (other_county and s.county_hard) or (other_community and s.community_hard):
        return None
    return d + s.county_penalty * other_county + s.community_penalty * other_community


def expected_objective(instance: Instance, assignment: Mapping[str, str]) -> float:
    people = {p.number: p for p in instance.participants}
    total = instance.settings.network_cost * len(set(assignment.values()))
    for member, lead in assignment.items():
        cost = join_cost(instance, people[member], people[lead])
        assert cost is not None, (member, lead)
        total += cost
    return total


def brute_force(instance: Instance) -> float | None:
    """The optimum over every set of leads and every way to send the others to them."""
    s = instance.settings
    people = list(instance.participants)
    n = len(people)
    best: float | None = None
    eligible = [i for i, p in enumerate(people) if can_lead(p, s)]
    for count in range(1, len(eligible) + 1):
        if count * s.min_size > n or count * s.max_size < n:
            continue
        for leads in itertools.combinations(eligible, count):
            others = [i for i in range(n) if i not in leads]
            options = []
            for i in others:
                costs = {j: join_cost(instance, people[i], people[j]) for j in leads}
                options.append([(j, c) for j, c in costs.items() if c is not None])
            if any(not option for option in options):
                continue
            for choice in itertools.product(*options):
                sizes = Counter(j for j, _c in choice)
                if all(s.min_size <= sizes[j] + 1 <= s.max_size for j in leads):
                    value = s.network_cost * count + sum(c for _j, c in choice)
                    if best is None or value < best:
                        best = value
    return best


def check_proposal(instance: Instance, assignment: Mapping[str, str]) -> None:
    """Every rule, checked here without the optimizer's own helpers."""
    s = instance.settings
    people = {p.number: p for p in instance.participants}
    assert sorted(assignment) == sorted(people)  # everyone exactly once
    sizes = Counter(assignment.values())
    for lead, size in sizes.items():
        assert assignment[lead] == lead
        assert can_lead(people[lead], s)
        assert s.min_size <= size <= s.max_size
    for member, lead in assignment.items():
        assert join_cost(instance, people[member], people[lead]) is not None  # hard rules and matrix


# --- Strategies ------------------------------------------------------------------------------

COUNTIES = ["Nordland", "Troms", "Finnmark"]
COMMUNITIES = ["", "Helgeland", "Troms og Ofoten"]


@st.composite
def instances(draw: st.DrawFn, max_participants: int, min_participants: int = 3) -> Instance:
    n = draw(st.integers(min_participants, max_participants))
    counties = COUNTIES[: draw(st.integers(2, 3))]
    people = tuple(
        Participant(
            number=f"{1800 + k:04d}",
            name=f"Kommune {k}",
            latitude=draw(st.floats(65.0, 71.0)),
            longitude=draw(st.floats(11.0, 31.0)),
            population=draw(st.sampled_from([400, 1200, 4999, 5000, 12000, 80000])),
            county=draw(st.sampled_from(counties)),
            community=draw(st.sampled_from(COMMUNITIES)),
            in_production=draw(st.booleans()),
            marked_eligible=draw(st.booleans()),
        )
        for k in range(n)
    )
    settings = Settings(
        min_size=draw(st.integers(1, 3)),
        max_size=draw(st.integers(2, 5)),
        lead_population=draw(st.sampled_from([5000, 20000, 100000])),
        network_cost=draw(st.sampled_from([0.0, 40.0, 150.0, 600.0])),
        county_penalty=draw(st.sampled_from([0.0, 100.0])),
        county_hard=draw(st.booleans()),
        community_penalty=draw(st.sampled_from([0.0, 50.0])),
        community_hard=draw(st.booleans()),
        time_limit=20.0,
    )
    travel: dict[tuple[str, str], float] | None = None
    if draw(st.booleans()):
        # Minutes for most pairs in one direction or the other; some pairs have none.
        travel = {}
        for a, b in itertools.combinations([p.number for p in people], 2):
            kind = draw(st.sampled_from(["forward", "backward", "missing", "forward"]))
            if kind != "missing":
                travel[(a, b) if kind == "forward" else (b, a)] = float(draw(st.integers(5, 400)))
    return Instance(participants=people, settings=settings, travel=travel)


# --- Properties ------------------------------------------------------------------------------


@hypothesis_settings(max_examples=60)
@given(instances(max_participants=7))
def test_solve_is_feasible_and_optimal_against_brute_force(instance: Instance) -> None:
    result = solve(instance)
    optimum = brute_force(instance)
    if optimum is None:
        assert result.status == Status.INFEASIBLE
        assert result.problems
        assert result.assignment == {}
        return
    assert result.status == Status.OPTIMAL, result.problems
    assert result.objective is not None and result.bound is not None
    check_proposal(instance, result.assignment)
    assert violations(instance, result.assignment) == []
    assert result.objective == pytest.approx(expected_objective(instance, result.assignment), rel=1e-9, abs=1e-9)
    assert result.objective == pytest.approx(optimum, rel=1e-6, abs=1e-6)
    assert result.bound <= result.objective + 1e-6
    assert result.gap is not None and result.gap <= 1e-4


@hypothesis_settings(max_examples=40)
@given(instances(max_participants=9))
def test_every_proposal_keeps_the_rules(instance: Instance) -> None:
    result = solve(instance)
    if result.status == Status.INFEASIBLE:
        assert result.problems
        return
    check_proposal(instance, result.assignment)
    assert violations(instance, result.assignment) == []
    assert result.objective == pytest.approx(expected_objective(instance, result.assignment), rel=1e-9, abs=1e-9)


@hypothesis_settings(max_examples=60)
@given(instances(max_participants=9))
def test_greedy_keeps_the_rules_when_it_finds_a_division(instance: Instance) -> None:
    assignment = greedy(instance)
    if assignment is not None:
        check_proposal(instance, assignment)
        assert violations(instance, assignment) == []
        result = solve(instance)
        assert result.objective is not None
        assert result.objective <= expected_objective(instance, assignment) + 1e-6


@hypothesis_settings(max_examples=30)
@given(instances(max_participants=9), st.randoms(use_true_random=False))
def test_solve_is_deterministic_whatever_the_order(instance: Instance, rng: random.Random) -> None:
    shuffled = list(instance.participants)
    rng.shuffle(shuffled)
    first, second = solve(instance), solve(instance)
    reordered = solve(replace(instance, participants=tuple(shuffled)))
    assert first.assignment == second.assignment == reordered.assignment
    assert first.status == second.status == reordered.status
    assert first.objective == second.objective == reordered.objective


@hypothesis_settings(max_examples=25)
@given(instances(max_participants=12, min_participants=8))
def test_reduced_cost_fixing_keeps_the_optimum_of_the_full_model(instance: Instance) -> None:
    """solve() prunes pairs by reduced cost and first solves a neighbourhood; the plain full
    model, solved without any of that, must reach the same optimum."""
    result = solve(instance)
    if explain_infeasible(instance):  # the model may have no columns at all
        assert result.status == Status.INFEASIBLE
        return
    model = optimizer._build(instance)
    x, status, _dual = optimizer._milp(model, np.ones(model.size), 60)
    if status == 2:  # HiGHS proved the full model infeasible
        assert result.status == Status.INFEASIBLE
        assert result.problems
        return
    assert status == 0 and x is not None
    assert result.status == Status.OPTIMAL, result.problems
    assert result.objective == pytest.approx(float(model.costs @ x), rel=1e-6)


# --- Hand-made cases -------------------------------------------------------------------------

LOFOTEN = "Helsefellesskap Lofoten, Vesterålen og Salten"
TROMS = "Helsefellesskapet Troms og Ofoten"


def municipality(
    number: str, name: str, lat: float, lon: float, population: int, county: str, community: str = ""
) -> Participant:
    return Participant(number, name, lat, lon, population, county, community)


VESTVAGOY = municipality("1860", "Vestvågøy", 68.21367, 13.77399, 11619, "Nordland", LOFOTEN)
FLAKSTAD = municipality("1859", "Flakstad", 68.06450, 13.23678, 1229, "Nordland", LOFOTEN)
MOSKENES = municipality("1874", "Moskenes", 67.93026, 12.97326, 954, "Nordland", LOFOTEN)
TROMSO = municipality("5501", "Tromsø", 69.63757, 19.08228, 78745, "Troms", TROMS)
KARLSOY = municipality("5534", "Karlsøy", 69.96807, 19.25822, 2237, "Troms", TROMS)
LYNGEN = municipality("5536", "Lyngen", 69.68358, 20.10624, 2743, "Troms", "")
SIX = (VESTVAGOY, FLAKSTAD, MOSKENES, TROMSO, KARLSOY, LYNGEN)


def test_two_clusters_far_apart_make_two_networks() -> None:
    instance = Instance(SIX)
    result = solve(instance)
    assert result.status == Status.OPTIMAL
    assert result.assignment == {
        "1860": "1860",
        "1859": "1860",
        "1874": "1860",
        "5501": "5501",
        "5534": "5501",
        "5536": "5501",
    }
    expected = 2 * 150 + haversine_km(FLAKSTAD, VESTVAGOY) + haversine_km(MOSKENES, VESTVAGOY)
    expected += haversine_km(KARLSOY, TROMSO) + haversine_km(LYNGEN, TROMSO)
    assert result.objective == pytest.approx(expected, rel=1e-9)
    assert result.objective == pytest.approx(450.8, abs=0.05)


def test_a_high_network_cost_makes_one_network() -> None:
    instance = Instance(SIX, Settings(network_cost=2000))
    result = solve(instance)
    assert result.status == Status.OPTIMAL
    assert result.assignment == dict.fromkeys(["1859", "1860", "1874", "5501", "5534", "5536"], "1860")
    # Tromsø, Karlsøy and Lyngen cross the county; Tromsø and Karlsøy also the health community
    # (Lyngen has none, so it crosses no health-community boundary).
    expected = 2000 + sum(haversine_km(p, VESTVAGOY) for p in SIX) + 3 * 100 + 2 * 50
    assert result.objective == pytest.approx(expected, rel=1e-9)


def test_a_hard_county_boundary_keeps_the_counties_apart_even_when_a_network_is_expensive() -> None:
    result = solve(Instance(SIX, Settings(network_cost=1000, county_hard=True)))
    assert result.status == Status.OPTIMAL
    assert set(result.assignment.values()) == {"1860", "5501"}


def test_a_travel_matrix_replaces_distances_and_a_missing_pair_forbids_it() -> None:
    a = municipality("0001", "Aa", 68.0, 14.0, 6000, "Nordland")
    b = municipality("0002", "Bb", 68.0, 14.0, 6000, "Nordland")
    c = municipality("0003", "Cc", 68.0, 14.0, 100, "Nordland")
    d = municipality("0004", "Dd", 68.0, 14.0, 100, "Nordland")
    # Minutes; only one direction of each pair is given. Dd has no time to Aa.
    travel = {("0001", "0003"): 30.0, ("0003", "0002"): 50.0, ("0004", "0002"): 40.0, ("0001", "0002"): 60.0}
    instance = Instance((a, b, c, d), Settings(min_size=1, max_size=3, network_cost=100), travel)
    result = solve(instance)
    assert result.status == Status.OPTIMAL
    # Were Dd → Aa free, {Aa, Cc, Dd} + {Bb} would cost 230; the missing pair forbids it.
    assert result.assignment == {"0001": "0001", "0003": "0001", "0002": "0002", "0004": "0002"}
    assert result.objective == pytest.approx(30 + 40 + 2 * 100)
    with translation.override("en"):
        assert member_reason(instance, c, a) == "Cc → Aa (lead): 30 min"
        assert member_reason(instance, d, a) == "Dd → Aa (lead): no travel time"
        assert violations(instance, {"0001": "0001", "0002": "0002", "0003": "0001", "0004": "0001"}) == [
            "The travel times have no time from Dd to Aa; it counts as 0 in the totals."
        ]


def test_member_reason_names_distance_boundaries_and_why_a_lead_leads() -> None:
    marked = replace(MOSKENES, marked_eligible=True)
    in_production = replace(FLAKSTAD, in_production=True)
    instance = Instance(SIX)
    with translation.override("en"):
        assert (
            member_reason(instance, FLAKSTAD, VESTVAGOY) == "Flakstad → Vestvågøy (lead): 28 km, same health community"
        )
        assert (
            member_reason(instance, KARLSOY, VESTVAGOY)
            == "Karlsøy → Vestvågøy (lead): 292 km, other health community, other county"
        )
        assert member_reason(instance, LYNGEN, VESTVAGOY) == "Lyngen → Vestvågøy (lead): 301 km, other county"
        assert member_reason(instance, VESTVAGOY, VESTVAGOY) == "Vestvågøy (lead): 11\u00a0619 inhabitants"
        assert (
            member_reason(instance, in_production, in_production) == "Flakstad (lead): in production with the solution"
        )
        assert member_reason(instance, marked, marked) == "Moskenes (lead): marked as a possible lead"
        assert member_reason(instance, KARLSOY, KARLSOY) == "Karlsøy (lead): not eligible to lead"


def test_violations_lists_every_broken_rule() -> None:
    instance = Instance(SIX, Settings(min_size=3, max_size=4, county_hard=True, community_hard=True))
    assignment = {"1859": "1859", "1874": "1859", "1860": "5501", "5501": "5501", "5534": "5501", "5536": "5501"}
    with translation.override("en"):
        assert violations(instance, assignment) == [
            "Flakstad cannot lead: not in production, fewer than 5\u00a0000 inhabitants and not marked.",
            "The network led by Flakstad has 2 members; the minimum is 3.",
            "Vestvågøy and Tromsø are in different counties.",
            "Vestvågøy and Tromsø are in different health communities.",
        ]
        assert violations(instance, {"1860": "1860"}) == [
            "Not in any network: Flakstad, Moskenes, Tromsø, Karlsøy, Lyngen.",
            "The network led by Vestvågøy has 1 member; the minimum is 3.",
        ]
        assert violations(
            instance, {"1859": "1860", "1874": "1860", "1860": "5501"} | dict.fromkeys(["5501", "5534", "5536"], "5501")
        ) == [
            "Vestvågøy leads a network but is not a member of it.",
            "The network led by Vestvågøy has 2 members; the minimum is 3.",
            "Vestvågøy and Tromsø are in different counties.",
            "Vestvågøy and Tromsø are in different health communities.",
        ]


# --- Explanations of infeasible requests -----------------------------------------------------


def people(count: int, *, leads: int = 1, county: str = "Nordland") -> tuple[Participant, ...]:
    return tuple(
        municipality(f"{1800 + k:04d}", f"K{k:02d}", 67.0 + k / 10, 14.0, 6000 if k < leads else 500, county)
        for k in range(count)
    )


def infeasible(instance: Instance) -> list[str]:
    with translation.override("en"):
        explained = explain_infeasible(instance)
        result = solve(instance)
    assert result.status == Status.INFEASIBLE
    assert list(result.problems) == explained
    assert brute_force(instance) is None
    return explained


def test_too_few_participants() -> None:
    assert infeasible(Instance(people(2))) == ["There are 2 participants, but a network needs at least 3."]
    assert infeasible(Instance(people(1), Settings(min_size=2))) == [
        "There is 1 participant, but a network needs at least 2."
    ]


def test_no_eligible_lead() -> None:
    assert infeasible(Instance(people(4, leads=0))) == [
        "No one can lead a network: none is in production with the solution, none has "
        "5\u00a0000 inhabitants or more, and none is marked as a possible lead."
    ]


def test_sizes_that_cannot_add_up() -> None:
    assert infeasible(Instance(people(10, leads=10), Settings(min_size=6, max_size=8))) == [
        "10 participants cannot be split into networks of 6 to 8 members."
    ]


def test_too_few_leads() -> None:
    assert infeasible(Instance(people(10, leads=2), Settings(min_size=1, max_size=4))) == [
        "10 participants need at least 3 networks of at most 4, but only 2 can lead: K00, K01."
    ]


def test_a_municipality_a_hard_county_boundary_cuts_off() -> None:
    alone = municipality("5444", "Sør-Varanger", 69.7, 30.0, 9000, "Finnmark")
    alone_small = replace(alone, population=9000 - 8500)
    nordland = people(4, leads=1)
    hard = Settings(min_size=1, max_size=5, county_hard=True)
    assert infeasible(Instance((*nordland, alone_small), hard)) == [
        "County Finnmark: No one can lead a network: none is in production with the solution, none has "
        "5\u00a0000 inhabitants or more, and none is marked as a possible lead.",
        "Sør-Varanger cannot reach any possible lead under the rules chosen.",
    ]
    assert infeasible(Instance((*nordland, alone), replace(hard, min_size=2))) == [
        "County Finnmark: There is 1 participant, but a network needs at least 2."
    ]
    # A soft boundary lets Sør-Varanger join Nordland's network at a price.
    result = solve(Instance((*nordland, alone_small), replace(hard, county_hard=False)))
    assert result.status == Status.OPTIMAL
    assert set(result.assignment.values()) == {"1800"}


def test_minimum_larger_than_maximum() -> None:
    assert infeasible(Instance(people(6, leads=6), Settings(min_size=5, max_size=4))) == [
        "The minimum size is larger than the maximum size."
    ]


def test_participants_without_a_health_community_can_join_any_under_a_hard_boundary() -> None:
    # A municipality without a known health community crosses no health-community boundary,
    # so a hard boundary does not close it off in a group of its own.
    lead = municipality("1804", "Bodø", 67.28, 14.40, 53712, "Nordland", LOFOTEN)
    unknown = people(2, leads=0)
    instance = Instance((lead, *unknown), Settings(community_hard=True))
    with translation.override("en"):
        assert explain_infeasible(instance) == []
    result = solve(instance)
    assert result.status == Status.OPTIMAL
    assert result.assignment == {"1804": "1804", "1800": "1804", "1801": "1804"}


# --- The greedy baseline ---------------------------------------------------------------------


def test_greedy_finds_the_two_clusters() -> None:
    instance = Instance(SIX)
    assignment = greedy(instance)
    assert assignment == solve(instance).assignment
    assert violations(instance, assignment) == []


def test_greedy_closes_a_small_network_and_moves_its_members() -> None:
    # Vestvågøy and Lyngen can lead (Lyngen is marked); alone, Lyngen's network is too small
    # and Lyngen joins the nearest open network.
    lyngen = replace(LYNGEN, marked_eligible=True)
    instance = Instance((VESTVAGOY, FLAKSTAD, MOSKENES, lyngen))
    assert greedy(instance) == dict.fromkeys(["1860", "1859", "1874", "5536"], "1860")
    assert violations(instance, greedy(instance) or {}) == []


def test_greedy_gets_stuck_where_the_solver_does_not() -> None:
    # Both small municipalities are nearest to Aa; Bb's network is then too small, and Aa's
    # is full, so the greedy cannot move Bb anywhere. The solver pairs each lead with one.
    a = municipality("0001", "Aa", 68.0, 14.0, 6000, "Nordland")
    b = municipality("0002", "Bb", 68.5, 14.0, 6000, "Nordland")
    c = municipality("0003", "Cc", 68.1, 14.0, 100, "Nordland")
    d = municipality("0004", "Dd", 68.2, 14.0, 100, "Nordland")
    instance = Instance((a, b, c, d), Settings(min_size=2, max_size=3))
    assert greedy(instance) is None
    result = solve(instance)
    assert result.status == Status.OPTIMAL
    assert result.assignment == {"0001": "0001", "0003": "0001", "0002": "0002", "0004": "0002"}


def test_greedy_without_any_lead() -> None:
    assert greedy(Instance(people(4, leads=0))) is None
