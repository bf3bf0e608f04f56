"""Proposes buddy networks: which municipality leads, and who joins whom.

Pure module: plain data in, plain data out, no ORM.

The model is a capacitated facility location problem with lower bounds. Every participant
belongs to exactly one network; every network has one lead (vertskommune) that is eligible to
lead and belongs to its own network; a network has between ``min_size`` and ``max_size``
members, the lead included. The objective is

    sum over members of cost(member → its lead)  +  network_cost × number of networks

where cost is the distance (great-circle km, or minutes from an uploaded travel-time matrix)
plus a penalty for crossing a county or health-community boundary. A hard boundary removes the
pair instead.

It is solved as a mixed-integer program with HiGHS (through SciPy) in three steps:

1. The LP relaxation of the full model gives a lower bound and reduced costs.
2. A greedy solution gives an upper bound; every pair whose reduced cost shows it cannot be in
   any solution better than the greedy one is removed (reduced-cost fixing, which keeps
   optimality).
3. HiGHS solves the remaining model within the time limit.

The reported bound is the best of the LP bound and HiGHS's dual bound, and the gap is measured
against it, so "proven optimal" means HiGHS closed the gap to its own tolerance (0.01 %).
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_array, csr_array, vstack

EARTH_RADIUS_KM = 6371.0088
#: HiGHS's default relative MIP gap; a result within it is reported as proven optimal.
OPTIMALITY_GAP = 1e-4
#: How many of its cheapest leads each member may join in the first, restricted solve.
NEIGHBOURS = 8

Assignment = dict[str, str]
"""Participant number → number of its network's lead (a lead maps to itself)."""


@dataclass(frozen=True)
class Participant:
    number: str
    name: str
    latitude: float
    longitude: float
    population: int
    county: str
    community: str = ""  # health community (helsefellesskap); "" when unknown
    in_production: bool = False
    marked_eligible: bool = False
    # Short names of the solution's prerequisites it does not have in use yet; shown, not optimised.
    missing_prerequisites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    min_size: int = 3
    max_size: int = 8
    lead_population: int = 5000
    network_cost: float = 150.0
    county_penalty: float = 100.0
    county_hard: bool = False
    community_penalty: float = 50.0
    community_hard: bool = False
    time_limit: float = 20.0


@dataclass(frozen=True)
class Instance:
    participants: tuple[Participant, ...]
    settings: Settings = Settings()
    # Minutes from one municipality to another; replaces great-circle km when given.
    travel: Mapping[tuple[str, str], float] | None = None

    @property
    def by_number(self) -> dict[str, Participant]:
        return {p.number: p for p in self.participants}

    @property
    def unit(self) -> str:
        return "min" if self.travel is not None else "km"


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"  # proven: no division keeps the rules
    NO_SOLUTION = "no_solution"  # none found within the time limit, none proven impossible


@dataclass(frozen=True)
class Result:
    status: Status
    assignment: Assignment = field(default_factory=dict)
    objective: float | None = None
    bound: float | None = None
    seconds: float = 0.0
    problems: tuple[str, ...] = ()

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return (self.objective - self.bound) / max(abs(self.objective), 1e-9)

    @property
    def proven_optimal(self) -> bool:
        return self.status == Status.OPTIMAL


# --- Costs -------------------------------------------------------------------------------


def great_circle_km(a: Participant, b: Participant) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def is_eligible(participant: Participant, settings: Settings) -> bool:
    return (
        participant.in_production or participant.marked_eligible or participant.population >= settings.lead_population
    )


def travel(instance: Instance, member: Participant, lead: Participant) -> float | None:
    """Distance or minutes from a member to a lead; None when the matrix has no such pair."""
    if member.number == lead.number:
        return 0.0
    if instance.travel is None:
        return great_circle_km(member, lead)
    value = instance.travel.get((member.number, lead.number))
    if value is None:
        value = instance.travel.get((lead.number, member.number))
    return value


def crosses_county(a: Participant, b: Participant) -> bool:
    return a.county != b.county


def crosses_community(a: Participant, b: Participant) -> bool:
    return bool(a.community and b.community and a.community != b.community)


def pair_cost(instance: Instance, member: Participant, lead: Participant) -> float | None:
    """What it costs that ``member`` joins ``lead``'s network; None when a rule forbids it."""
    settings = instance.settings
    distance = travel(instance, member, lead)
    if distance is None:
        return None
    cost = distance
    if crosses_county(member, lead):
        if settings.county_hard:
            return None
        cost += settings.county_penalty
    if crosses_community(member, lead):
        if settings.community_hard:
            return None
        cost += settings.community_penalty
    return cost


def objective(instance: Instance, assignment: Assignment) -> float:
    """The objective of any assignment, also one that breaks rules (forbidden pairs count as their
    distance plus penalties, so a coordinator's change can still be compared). A pair the travel
    matrix lacks counts as 0 minutes; violations() names every such pair."""
    by_number = instance.by_number
    settings = instance.settings
    total = settings.network_cost * len(set(assignment.values()))
    for number, lead_number in assignment.items():
        member, lead = by_number[number], by_number[lead_number]
        distance = travel(instance, member, lead)
        total += distance if distance is not None else 0.0
        if crosses_county(member, lead):
            total += settings.county_penalty
        if crosses_community(member, lead):
            total += settings.community_penalty
    return total


def total_travel(instance: Instance, assignment: Assignment) -> float:
    by_number = instance.by_number
    return sum(travel(instance, by_number[number], by_number[lead]) or 0.0 for number, lead in assignment.items())


# --- Rules and explanations ------------------------------------------------------------------


def violations(instance: Instance, assignment: Assignment) -> list[str]:
    """Every rule the assignment breaks, in plain Norwegian; empty when it keeps them all."""
    settings = instance.settings
    by_number = instance.by_number
    found: list[str] = []
    missing = [p.name for p in instance.participants if p.number not in assignment]
    if missing:
        found.append(_("Not in any network: %(names)s.") % {"names": ", ".join(missing)})
    sizes = Counter(assignment.values())
    for lead_number, size in sorted(sizes.items(), key=lambda item: by_number[item[0]].name):
        lead = by_number[lead_number]
        if assignment.get(lead_number) != lead_number:
            found.append(_("%(lead)s leads a network but is not a member of it.") % {"lead": lead.name})
        if not is_eligible(lead, settings):
            found.append(
                _("%(lead)s cannot lead: not in production, fewer than %(threshold)s inhabitants and not marked.")
                % {"lead": lead.name, "threshold": _thousands(settings.lead_population)}
            )
        if size < settings.min_size:
            found.append(
                ngettext(
                    "The network led by %(lead)s has %(size)s member; the minimum is %(min)s.",
                    "The network led by %(lead)s has %(size)s members; the minimum is %(min)s.",
                    size,
                )
                % {"lead": lead.name, "size": size, "min": settings.min_size}
            )
        if size > settings.max_size:
            found.append(
                _("The network led by %(lead)s has %(size)s members; the maximum is %(max)s.")
                % {"lead": lead.name, "size": size, "max": settings.max_size}
            )
    for number, lead_number in sorted(assignment.items(), key=lambda item: by_number[item[0]].name):
        member, lead = by_number[number], by_number[lead_number]
        if settings.county_hard and crosses_county(member, lead):
            found.append(
                _("%(member)s and %(lead)s are in different counties.") % {"member": member.name, "lead": lead.name}
            )
        if settings.community_hard and crosses_community(member, lead):
            found.append(
                _("%(member)s and %(lead)s are in different health communities.")
                % {"member": member.name, "lead": lead.name}
            )
        if instance.travel is not None and travel(instance, member, lead) is None:
            found.append(
                _("The travel times have no time from %(member)s to %(lead)s; it counts as 0 in the totals.")
                % {"member": member.name, "lead": lead.name}
            )
    return found


def lead_reason(instance: Instance, lead: Participant) -> str:
    settings = instance.settings
    if lead.in_production:
        return _("in production with the solution")
    if lead.population >= settings.lead_population:
        return _("%(population)s inhabitants") % {"population": _thousands(lead.population)}
    if lead.marked_eligible:
        return _("marked as a possible lead")
    return _("not eligible to lead")


def member_reason(instance: Instance, member: Participant, lead: Participant) -> str:
    """'Flakstad → Vestvågøy (leder): 28 km, samme helsefellesskap'; and what it lacks, if anything."""
    reason = _placement(instance, member, lead)
    if member.missing_prerequisites:
        reason += "; " + _("prerequisites not in use yet: %(names)s") % {
            "names": ", ".join(member.missing_prerequisites)
        }
    return reason


def _placement(instance: Instance, member: Participant, lead: Participant) -> str:
    if member.number == lead.number:
        return _("%(lead)s (lead): %(why)s") % {"lead": lead.name, "why": lead_reason(instance, lead)}
    distance = travel(instance, member, lead)
    parts = [
        _("no travel time") if distance is None else f"{_thousands(round(distance))} {instance.unit}",
    ]
    if member.community and lead.community:
        parts.append(_("other health community") if crosses_community(member, lead) else _("same health community"))
    if crosses_county(member, lead):
        parts.append(_("other county"))
    return _("%(member)s → %(lead)s (lead): %(details)s") % {
        "member": member.name,
        "lead": lead.name,
        "details": ", ".join(parts),
    }


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


def _explain_group(participants: Sequence[Participant], settings: Settings, where: str = "") -> list[str]:
    """Why this group cannot be divided; `where` names a group a hard boundary closes off."""
    count = len(participants)
    leads = [p for p in participants if is_eligible(p, settings)]
    fewest = math.ceil(count / settings.max_size)
    if count < settings.min_size:
        problem = ngettext(
            "There is %(count)s participant, but a network needs at least %(min)s.",
            "There are %(count)s participants, but a network needs at least %(min)s.",
            count,
        ) % {"count": count, "min": settings.min_size}
    elif not leads:
        problem = _(
            "No one can lead a network: none is in production with the solution, none has %(threshold)s "
            "inhabitants or more, and none is marked as a possible lead."
        ) % {"threshold": _thousands(settings.lead_population)}
    elif fewest > count // settings.min_size:
        problem = _("%(count)s participants cannot be split into networks of %(min)s to %(max)s members.") % {
            "count": count,
            "min": settings.min_size,
            "max": settings.max_size,
        }
    elif fewest > len(leads):
        problem = ngettext(
            "%(count)s participants need at least %(needed)s networks of at most %(max)s, but only %(leads)s "
            "can lead: %(names)s.",
            "%(count)s participants need at least %(needed)s networks of at most %(max)s, but only %(leads)s "
            "can lead: %(names)s.",
            len(leads),
        ) % {
            "count": count,
            "needed": fewest,
            "max": settings.max_size,
            "leads": len(leads),
            "names": ", ".join(p.name for p in leads),
        }
    else:
        return []
    return [f"{where}: {problem}" if where else problem]


def _closed_groups(participants: Sequence[Participant], settings: Settings) -> list[tuple[str, list[Participant]]]:
    """The groups hard boundaries close off, each with its name; no network can span two.

    A hard county boundary closes off each county. A hard health-community boundary splits a
    group further only when every member of it has a known health community: one without crosses
    no health-community boundary, so it can lead, or join, a network of any of them.
    """
    by_county: dict[str, list[Participant]] = defaultdict(list)
    for p in participants:
        by_county[p.county if settings.county_hard else ""].append(p)
    groups: list[tuple[str, list[Participant]]] = []
    for county, members in by_county.items():
        county_name = _("County %(county)s") % {"county": county} if county else ""
        if settings.community_hard and all(p.community for p in members):
            by_community: dict[str, list[Participant]] = defaultdict(list)
            for p in members:
                by_community[p.community].append(p)
            groups += [
                (", ".join(part for part in (county_name, community) if part), group)
                for community, group in by_community.items()
            ]
        else:
            groups.append((county_name, members))
    return groups


def explain_infeasible(instance: Instance) -> list[str]:
    """Why no proposal can exist, in words a coordinator understands; empty when none is found.

    Checks the whole group, each group a hard boundary closes off, and every participant's
    reach. A request can pass these checks and still be infeasible (the groups interact); the
    solver then says so in general terms.
    """
    settings = instance.settings
    participants = instance.participants
    if settings.min_size > settings.max_size:
        return [_("The minimum size is larger than the maximum size.")]
    problems = _explain_group(participants, settings)
    if problems:
        return problems
    if settings.county_hard or settings.community_hard:
        groups = _closed_groups(participants, settings)
        if len(groups) > 1:
            for where, members in groups:
                problems += _explain_group(members, settings, where)
    leads = [p for p in participants if is_eligible(p, settings)]
    for member in participants:
        if not any(pair_cost(instance, member, lead) is not None for lead in leads):
            problems.append(
                _("%(member)s cannot reach any possible lead under the rules chosen.") % {"member": member.name}
            )
    return problems


# --- Greedy baseline -------------------------------------------------------------------------


def greedy(instance: Instance) -> Assignment | None:
    """A simple baseline: open every eligible lead, send each member to its cheapest lead with
    room, then close networks that are too small and move their members. None when it gets stuck.
    """
    settings = instance.settings
    participants = sorted(instance.participants, key=lambda p: p.number)
    leads = {p.number: p for p in participants if is_eligible(p, settings)}
    if not leads:
        return None
    assignment: Assignment = {number: number for number in leads}

    def cheapest(member: Participant, open_leads: set[str], sizes: Counter[str]) -> str | None:
        options = [
            (cost, number)
            for number in open_leads
            if sizes[number] < settings.max_size and (cost := pair_cost(instance, member, leads[number])) is not None
        ]
        return min(options)[1] if options else None

    open_leads = set(leads)
    sizes: Counter[str] = Counter(assignment.values())
    for member in participants:
        if member.number in assignment:
            continue
        target = cheapest(member, open_leads, sizes)
        if target is None:
            return None
        assignment[member.number] = target
        sizes[target] += 1
    while True:
        small = sorted((size, number) for number, size in sizes.items() if 0 < size < settings.min_size)
        if not small:
            break
        closing = small[0][1]
        open_leads.discard(closing)
        members = [p for p in participants if assignment[p.number] == closing]
        del sizes[closing]
        for member in members:
            target = cheapest(member, open_leads, sizes)
            if target is None:
                return None
            assignment[member.number] = target
            sizes[target] += 1
    return assignment


# --- The MIP ---------------------------------------------------------------------------------


@dataclass
class _Model:
    pairs: list[tuple[int, int]]  # (member index, lead index) for every allowed pair, member ≠ lead
    leads: list[int]
    costs: np.ndarray
    matrix: csr_array
    lower: np.ndarray
    upper: np.ndarray

    @property
    def size(self) -> int:
        return len(self.pairs) + len(self.leads)


def _build(instance: Instance) -> _Model:
    settings = instance.settings
    people = instance.participants
    leads = [j for j, p in enumerate(people) if is_eligible(p, settings)]
    pairs: list[tuple[int, int]] = []
    costs: list[float] = []
    for j in leads:
        for i, member in enumerate(people):
            if i != j and (cost := pair_cost(instance, member, people[j])) is not None:
                pairs.append((i, j))
                costs.append(cost)
    n_pairs = len(pairs)
    lead_column = {j: n_pairs + k for k, j in enumerate(leads)}
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(row: int, col: int, value: float) -> None:
        rows.append(row)
        cols.append(col)
        values.append(value)

    # Every participant is in exactly one network: as a member of one lead, or as a lead.
    for k, (i, _j) in enumerate(pairs):
        add(i, k, 1)
    for j in leads:
        add(j, lead_column[j], 1)
    row = len(people)
    lower += [1] * row
    upper += [1] * row
    # A member can join only an open network (x_ij ≤ y_j; the disaggregated form is much tighter).
    for k, (_i, j) in enumerate(pairs):
        add(row, k, 1)
        add(row, lead_column[j], -1)
        lower.append(-np.inf)
        upper.append(0)
        row += 1
    # Sizes: (min − 1)·y_j ≤ members of j ≤ (max − 1)·y_j; the lead is the remaining one.
    members_of: dict[int, list[int]] = defaultdict(list)
    for k, (_i, j) in enumerate(pairs):
        members_of[j].append(k)
    for j in leads:
        for k in members_of[j]:
            add(row, k, 1)
            add(row + 1, k, 1)
        add(row, lead_column[j], -(settings.min_size - 1))
        add(row + 1, lead_column[j], -(settings.max_size - 1))
        lower += [0, -np.inf]
        upper += [np.inf, 0]
        row += 2
    matrix = coo_array((values, (rows, cols)), shape=(row, n_pairs + len(leads))).tocsr()
    all_costs = np.array(costs + [settings.network_cost] * len(leads), dtype=float)
    return _Model(pairs, leads, all_costs, matrix, np.array(lower, float), np.array(upper, float))


def _lp_relaxation(model: _Model) -> tuple[int, float, np.ndarray]:
    """SciPy's status for the LP relaxation (0 solved, 2 infeasible), its bound and each column's
    reduced cost. When the LP is not solved the bound is −∞ and nothing can be pruned."""
    equal = model.lower == model.upper
    has_upper = ~equal & np.isfinite(model.upper)
    has_lower = ~equal & np.isfinite(model.lower)
    result = linprog(
        model.costs,
        A_ub=vstack([model.matrix[has_upper], -model.matrix[has_lower]]),
        b_ub=np.concatenate([model.upper[has_upper], -model.lower[has_lower]]),
        A_eq=model.matrix[equal],
        b_eq=model.upper[equal],
        bounds=(0, 1),
        method="highs",
    )
    if result.status != 0:
        return int(result.status), -math.inf, np.zeros(model.size)
    return 0, float(result.fun), np.asarray(result.lower.marginals, dtype=float)


def _decode(instance: Instance, model: _Model, x: np.ndarray) -> Assignment:
    people = instance.participants
    assignment: Assignment = {}
    for k, (i, j) in enumerate(model.pairs):
        if x[k] > 0.5:
            assignment[people[i].number] = people[j].number
    for k, j in enumerate(model.leads):
        if x[len(model.pairs) + k] > 0.5:
            assignment[people[j].number] = people[j].number
    return assignment


def solve(instance: Instance) -> Result:
    """The best proposal the solver can prove or find within the time limit."""
    started = time.perf_counter()
    instance = Instance(
        participants=tuple(sorted(instance.participants, key=lambda p: p.number)),
        settings=instance.settings,
        travel=instance.travel,
    )

    def elapsed() -> float:
        return time.perf_counter() - started

    problems = explain_infeasible(instance)
    if problems:
        return Result(Status.INFEASIBLE, seconds=elapsed(), problems=tuple(problems))
    model = _build(instance)
    relaxation = _lp_relaxation(model)
    lp_status, lp_bound, reduced_costs = relaxation
    if lp_status == 2:  # even the relaxation is infeasible, so the model is
        return Result(Status.INFEASIBLE, seconds=elapsed(), problems=(_no_solution_message(),))

    # Upper bounds: the greedy baseline, then the best division where each member may only join
    # one of its nearest leads. Each one found lets reduced-cost fixing remove more pairs.
    best = greedy(instance)
    if best is not None and violations(instance, best):
        best = None
    upper_bound = objective(instance, best) if best is not None else math.inf
    neighbourhood = _nearest_pairs(model, NEIGHBOURS) * _prunable(model, lp_bound, reduced_costs, upper_bound)
    found, _status, _dual = _milp(model, neighbourhood, (instance.settings.time_limit - elapsed()) * 0.4)
    if found is not None and (value := objective(instance, _decode(instance, model, found))) < upper_bound:
        best, upper_bound = _decode(instance, model, found), value

    keep = _prunable(model, lp_bound, reduced_costs, upper_bound)
    remaining = instance.settings.time_limit - elapsed()
    found, status, dual_bound = _milp(model, keep, remaining)
    if found is not None and (value := objective(instance, _decode(instance, model, found))) <= upper_bound:
        best, upper_bound = _decode(instance, model, found), value
    if best is None:
        if status == 2:  # HiGHS proved the model infeasible
            return Result(Status.INFEASIBLE, seconds=elapsed(), problems=(_no_solution_message(),))
        return Result(
            Status.NO_SOLUTION,
            seconds=elapsed(),
            problems=(
                _("No proposal was found within %(seconds)s seconds.")
                % {"seconds": round(instance.settings.time_limit)},
            ),
        )
    bound = min(upper_bound, max(lp_bound, dual_bound))
    proven = status == 0 or upper_bound - bound <= OPTIMALITY_GAP * abs(upper_bound)
    return Result(
        Status.OPTIMAL if proven else Status.FEASIBLE,
        assignment=best,
        objective=upper_bound,
        bound=bound,
        seconds=elapsed(),
    )


def _prunable(model: _Model, lp_bound: float, reduced_costs: np.ndarray, upper_bound: float) -> np.ndarray:
    """1 for every column that can be in a solution no worse than ``upper_bound``, else 0.

    Reduced-cost fixing: a solution using column k costs at least lp_bound + reduced cost of k.
    """
    if not math.isfinite(upper_bound):
        return np.ones(model.size)
    slack = 1e-6 * max(1.0, abs(upper_bound))
    return (lp_bound + reduced_costs <= upper_bound + slack).astype(float)


def _nearest_pairs(model: _Model, count: int) -> np.ndarray:
    """1 for each member's ``count`` cheapest pairs and for every lead column, else 0."""
    keep = np.zeros(model.size)
    keep[len(model.pairs) :] = 1
    by_member: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for k, (i, _j) in enumerate(model.pairs):
        by_member[i].append((float(model.costs[k]), k))
    for options in by_member.values():
        for _cost, k in sorted(options)[:count]:
            keep[k] = 1
    return keep


def _milp(model: _Model, keep: np.ndarray, time_limit: float) -> tuple[np.ndarray | None, int, float]:
    """HiGHS on the columns in ``keep``: (solution or None, SciPy status, dual bound)."""
    result = milp(
        model.costs,
        constraints=LinearConstraint(model.matrix, model.lower, model.upper),
        integrality=np.ones(model.size),
        bounds=Bounds(0, keep),
        options={"time_limit": max(0.5, time_limit), "mip_rel_gap": OPTIMALITY_GAP},
    )
    dual_bound = getattr(result, "mip_dual_bound", None)
    if dual_bound is None or not math.isfinite(dual_bound):
        dual_bound = -math.inf
    return result.x, int(result.status), float(dual_bound)


def _no_solution_message() -> str:
    return _(
        "No division into networks keeps all the rules. Try a smaller minimum size, a larger maximum "
        "size, a lower population threshold, or soft boundaries instead of hard ones."
    )
