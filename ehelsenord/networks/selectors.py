"""Reads of buddy networks and proposals, the access rules for them, and the optimizer's input."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from ehelsenord.accounts.models import User
from ehelsenord.agreements.enums import AgreementStatus
from ehelsenord.agreements.models import AgreementCommitment, AgreementRound
from ehelsenord.municipalities.models import Municipality
from ehelsenord.networks import optimizer
from ehelsenord.networks.geo import project
from ehelsenord.networks.models import BuddyNetwork, NetworkMembership, NetworkProposal, TravelTime
from ehelsenord.rollout.selectors import change_rights, rollout_grid
from ehelsenord.solutions.enums import IN_USE_STAGES
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_queryset

# --- Access ------------------------------------------------------------------------------------


def network_can_manage(user: User | AnonymousUser) -> bool:
    """Coordinators run proposals, upload travel times and create networks."""
    return user.is_authenticated and user.is_active and isinstance(user, User) and user.is_coordinator


def network_can_edit(user: User | AnonymousUser, network: BuddyNetwork) -> bool:
    """Coordinators and the contacts of the network's members edit its plan and meetings: the
    same rule as for records (rollout.selectors.change_rights), applied to the members.

    Everyone signed in reads every network (LoginRequiredMiddleware keeps the public out).
    """
    members = {m.municipality_id for m in network.memberships.all()}
    return bool(members & change_rights(user))


# --- Networks ----------------------------------------------------------------------------------


def network_queryset() -> QuerySet[BuddyNetwork]:
    return BuddyNetwork.objects.select_related("solution", "lead", "round").prefetch_related(
        Prefetch("memberships", queryset=NetworkMembership.objects.select_related("municipality"))
    )


def network_list(*, solution: Solution | None = None) -> list[BuddyNetwork]:
    networks = network_queryset()
    if solution is not None:
        networks = networks.filter(solution=solution)
    return list(networks)


def network_get(pk: int) -> BuddyNetwork:
    network = network_queryset().filter(pk=pk).first()
    if network is None:
        raise Http404
    return network


def network_members(network: BuddyNetwork) -> list[Municipality]:
    """The members, lead first, then by name (memberships prefetched by network_queryset)."""
    members = [m.municipality for m in network.memberships.all()]
    return sorted(members, key=lambda m: (m.number != network.lead_id, m.name))


def memberships_for_solution(solution: Solution) -> dict[str, BuddyNetwork]:
    """Municipality number → the network it is already in for this solution."""
    rows = NetworkMembership.objects.filter(solution=solution).select_related("network")
    return {row.municipality_id: row.network for row in rows}


# --- Proposals ---------------------------------------------------------------------------------


def default_network_name(solution: Solution, lead_name: str) -> str:
    return f"{solution.short_name} – {lead_name}"


def proposal_get(pk: int) -> NetworkProposal:
    proposal = NetworkProposal.objects.select_related("solution", "round", "created_by").filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


def open_proposals(limit: int = 10) -> list[NetworkProposal]:
    """The newest proposals not yet confirmed, for coordinators to come back to."""
    return list(
        NetworkProposal.objects.filter(confirmed_at__isnull=True)
        .exclude(assignment={})
        .select_related("solution", "round", "created_by")[:limit]
    )


def round_participants(agreement_round: AgreementRound, solution: Solution) -> list[str]:
    """The municipalities whose signed agreement in the round commits them to the solution."""
    return sorted(
        AgreementCommitment.objects.filter(
            agreement__round=agreement_round,
            agreement__status=AgreementStatus.SIGNED,
            offer__solution=solution,
        ).values_list("agreement__municipality_id", flat=True)
    )


def travel_time_count() -> int:
    return TravelTime.objects.count()


def travel_times(numbers: list[str]) -> dict[tuple[str, str], float]:
    rows = TravelTime.objects.filter(origin__in=numbers, destination__in=numbers)
    return {
        (origin, destination): float(minutes)
        for origin, destination, minutes in rows.values_list("origin_id", "destination_id", "minutes")
    }


@dataclass(frozen=True)
class ParticipantRow:
    """A municipality in the proposal form: where it stands with the solution and its prerequisites."""

    municipality: Municipality
    phase_name: str
    in_production: bool
    missing_prerequisites: list[str]


def participant_rows(solution: Solution, municipalities: list[Municipality]) -> list[ParticipantRow]:
    """Each municipality's phase for the solution and the prerequisites it has not in use yet."""
    # The grid needs every solution's phases: fetched here, a fixed number of queries however many rows.
    solutions = solution_queryset(include_historical=True)
    solution = solutions.get(pk=solution.pk)
    prerequisites = list(solutions.filter(required_by=solution))
    grid = rollout_grid(municipalities=municipalities, solutions=[solution, *prerequisites])
    rows = []
    for municipality in municipalities:
        record = grid.record(municipality, solution)
        missing = [p.short_name for p in prerequisites if grid.record(municipality, p).stage not in IN_USE_STAGES]
        rows.append(ParticipantRow(municipality, record.phase.name, record.stage in IN_USE_STAGES, missing))
    return rows


def optimizer_instance(
    *,
    solution: Solution,
    numbers: list[str],
    marked_eligible: list[str],
    settings: optimizer.Settings,
    uses_travel_times: bool,
) -> optimizer.Instance:
    """The optimizer's plain-data input for these municipalities and this solution."""
    municipalities = list(
        Municipality.objects.filter(number__in=numbers).select_related("county", "health_community").order_by("number")
    )
    rows = participant_rows(solution, municipalities)
    participants = tuple(
        optimizer.Participant(
            number=row.municipality.number,
            name=row.municipality.name_nb,
            latitude=float(row.municipality.latitude),
            longitude=float(row.municipality.longitude),
            population=row.municipality.population,
            county=row.municipality.county.name_nb,
            community=row.municipality.health_community.name if row.municipality.health_community else "",
            in_production=row.in_production,
            marked_eligible=row.municipality.number in marked_eligible,
            missing_prerequisites=tuple(row.missing_prerequisites),
        )
        for row in rows
    )
    return optimizer.Instance(
        participants=participants,
        settings=settings,
        travel=travel_times(numbers) if uses_travel_times else None,
    )


# --- The proposal page -------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    participant: optimizer.Participant
    is_lead: bool
    reason: str
    x: float
    y: float


@dataclass(frozen=True)
class NetworkRow:
    number: int
    lead: optimizer.Participant
    members: list[MemberRow]  # lead first, then by name
    travel: float
    default_name: str

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class ProposalOverview:
    instance: optimizer.Instance
    networks: list[NetworkRow]
    objective: float | None
    proposed_objective: float | None
    travel: float
    proposed_travel: float
    warnings: list[str]
    background: list[tuple[str, float, float]]  # (name, x, y) of the region's other municipalities
    width: float
    height: float

    @property
    def objective_change(self) -> float:
        if self.objective is None or self.proposed_objective is None:
            return 0.0
        return self.objective - self.proposed_objective

    @property
    def travel_change(self) -> float:
        return self.travel - self.proposed_travel

    @property
    def travel_saved(self) -> float:
        return -self.travel_change

    @property
    def is_adjusted(self) -> bool:
        return abs(self.objective_change) > 1e-9 or abs(self.travel_change) > 1e-9


def proposal_overview(proposal: NetworkProposal, instance: optimizer.Instance) -> ProposalOverview:
    """The adjusted proposal as networks with reasons, its cost against the solver's, the rules it
    breaks, and map coordinates for it and the region's other municipalities."""
    by_number = instance.by_number
    assignment = {k: v for k, v in proposal.assignment.items() if k in by_number and v in by_number}
    proposed = {k: v for k, v in proposal.proposed.items() if k in by_number and v in by_number}
    region = list(
        Municipality.objects.filter(county__in_region=True).values_list("number", "name_nb", "latitude", "longitude")
    )
    # The map shows the participants' part of the region, with the other municipalities there as dots.
    own = {p.number: (p.latitude, p.longitude) for p in instance.participants}
    latitudes = [lat for lat, _lon in own.values()] or [0.0]
    longitudes = [lon for _lat, lon in own.values()] or [0.0]
    region = [
        row
        for row in region
        if min(latitudes) - 0.2 <= float(row[2]) <= max(latitudes) + 0.2
        and min(longitudes) - 0.5 <= float(row[3]) <= max(longitudes) + 0.5
    ]
    coordinates = {number: (float(lat), float(lon)) for number, _name, lat, lon in region} | own
    projection = project(coordinates)
    groups: dict[str, list[str]] = {}
    for member, lead in assignment.items():
        groups.setdefault(lead, []).append(member)
    networks = []
    for number, lead_number in enumerate(sorted(groups, key=lambda n: by_number[n].name), start=1):
        lead = by_number[lead_number]
        members = sorted(groups[lead_number], key=lambda n: (n != lead_number, by_number[n].name))
        rows = [
            MemberRow(
                participant=by_number[m],
                is_lead=m == lead_number,
                reason=optimizer.member_reason(instance, by_number[m], lead),
                x=projection.points[m][0],
                y=projection.points[m][1],
            )
            for m in members
        ]
        travel = sum(optimizer.travel(instance, by_number[m], lead) or 0.0 for m in members)
        networks.append(NetworkRow(number, lead, rows, travel, default_network_name(proposal.solution, lead.name)))
    in_proposal = set(by_number)
    return ProposalOverview(
        instance=instance,
        networks=networks,
        objective=optimizer.objective(instance, assignment) if assignment else None,
        proposed_objective=optimizer.objective(instance, proposed) if proposed else None,
        travel=optimizer.total_travel(instance, assignment),
        proposed_travel=optimizer.total_travel(instance, proposed),
        warnings=optimizer.violations(instance, assignment) if assignment else [],
        background=[
            (name, *projection.points[number]) for number, name, _lat, _lon in region if number not in in_proposal
        ],
        width=projection.width,
        height=projection.height,
    )
