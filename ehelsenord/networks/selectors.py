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
from ehelsenord.networks.models import BuddyNetwork, NetworkMembership, NetworkProposal, TravelTime
from ehelsenord.rollout.selectors import own_municipality_numbers, rollout_grid
from ehelsenord.solutions.enums import IN_USE_STAGES
from ehelsenord.solutions.models import Solution

# --- Access ------------------------------------------------------------------------------------


def network_can_manage(user: User | AnonymousUser) -> bool:
    """Coordinators run proposals, upload travel times and create networks."""
    return user.is_authenticated and user.is_active and isinstance(user, User) and user.is_coordinator


def network_can_edit(user: User | AnonymousUser, network: BuddyNetwork) -> bool:
    """Coordinators and the contacts of the network's members edit its plan and meetings.

    Everyone signed in reads every network (LoginRequiredMiddleware keeps the public out).
    """
    if network_can_manage(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    members = {m.municipality_id for m in network.memberships.all()}
    return bool(members & own_municipality_numbers(user))


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


def proposal_get(pk: int) -> NetworkProposal:
    proposal = NetworkProposal.objects.select_related("solution", "round", "created_by").filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


def round_participants(agreement_round: AgreementRound, solution: Solution) -> list[str]:
    """The municipalities whose signed agreement in the round commits them to the solution."""
    return sorted(
        AgreementCommitment.objects.filter(
            agreement__round=agreement_round,
            agreement__status=AgreementStatus.SIGNED,
            solution=solution,
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
    prerequisites = list(solution.prerequisites.all())
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
        )
        for row in rows
    )
    return optimizer.Instance(
        participants=participants,
        settings=settings,
        travel=travel_times(numbers) if uses_travel_times else None,
    )
