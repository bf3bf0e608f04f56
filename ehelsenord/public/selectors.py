"""Public reads: what the public status pages and the open data show, from one function; the join queue.

The rules, in one place so the pages and the open data can never differ:
- only the region's municipalities and the solutions in use (historical ones are left out);
- only records the municipality has marked public (the flag as it is now: unticking it hides the
  record from the pages at once, and from the open data within its cache time of five minutes);
- only the phase, never the traffic light, note, dates, evidence or people;
- the phase as it stood at the start of `data_per`, PUBLIC_EMBARGO_DAYS days before today, rebuilt
  from the history, so nothing newer than the embargo is ever shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ehelsenord.accounts.models import User
from ehelsenord.municipalities.models import Municipality
from ehelsenord.municipalities.selectors import Area, Scope, municipality_list
from ehelsenord.public.enums import JoinRequestStatus
from ehelsenord.public.models import JoinRequest
from ehelsenord.rollout.models import Implementation
from ehelsenord.rollout.selectors import Grid, RecordView, grid_phases_at
from ehelsenord.solutions.models import Phase, Solution
from ehelsenord.solutions.selectors import solution_list, solution_queryset


@dataclass(frozen=True)
class PublicRecord:
    """One municipality × solution as the public sees it: the phase, or None if not published."""

    municipality: Municipality
    solution: Solution
    phase: Phase | None

    @property
    def published(self) -> bool:
        return self.phase is not None


@dataclass(frozen=True)
class PublicStatus:
    """The public status of some municipalities × solutions at `cutoff` (the start of `data_per`)."""

    data_per: date
    cutoff: datetime
    municipalities: list[Municipality]
    solutions: list[Solution]
    records: list[PublicRecord]

    def published(self) -> list[PublicRecord]:
        return [record for record in self.records if record.phase is not None]

    def for_municipality(self, municipality: Municipality) -> list[PublicRecord]:
        return [record for record in self.records if record.municipality.number == municipality.number]

    def for_solution(self, solution: Solution) -> list[PublicRecord]:
        return [record for record in self.records if record.solution.pk == solution.pk]


def embargo_date(now: datetime | None = None) -> tuple[date, datetime]:
    """The date the public data is "per", and the moment it stands for (that day's start, local time).

    "Data per 28.10." means as the day began, the way Statistics Norway counts "per 1. januar":
    every change shown is at least PUBLIC_EMBARGO_DAYS days old.
    """
    today = timezone.localdate(now or timezone.now())
    data_per = today - timedelta(days=settings.PUBLIC_EMBARGO_DAYS)
    return data_per, timezone.make_aware(datetime.combine(data_per, time.min))


def public_municipalities() -> list[Municipality]:
    """The region's municipalities (with their county), in Norwegian alphabetical order."""
    return municipality_list(Area(Scope.REGION))


def public_municipality_get(number: str) -> Municipality:
    """A municipality of the region; any other number, even a real municipality elsewhere, is a 404."""
    municipality = Municipality.objects.select_related("county").filter(number=number, county__in_region=True).first()
    if municipality is None:
        raise Http404("Kommunen finnes ikke i regionen.")
    return municipality


def public_solutions() -> list[Solution]:
    """The solutions in use (including those being replaced); historical ones are not shown."""
    return solution_list()


def public_solution_get(slug: str) -> Solution:
    solution = solution_queryset().filter(slug=slug).first()
    if solution is None:
        raise Http404("Løsningen finnes ikke.")
    return solution


def public_status(
    *,
    municipalities: list[Municipality] | None = None,
    solutions: list[Solution] | None = None,
    now: datetime | None = None,
) -> PublicStatus:
    """The public status of the municipalities × solutions (default: the region × the solutions in use).

    Two queries beyond loading the municipalities and solutions, whatever the number of records:
    the public records, and the phase changes after the cutoff.
    """
    if municipalities is None:
        municipalities = public_municipalities()
    if solutions is None:
        solutions = public_solutions()
    municipalities = [m for m in municipalities if m.county.in_region]
    data_per, cutoff = embargo_date(now)
    by_number = {m.number: m for m in municipalities}
    by_pk = {s.pk: s for s in solutions}
    phases = {phase.pk: phase for s in solutions for phase in s.phase_template.phases.all()}
    # Only the public records are read at all, and of them only the phase: nothing else can leak.
    rows = Implementation.objects.filter(
        public=True, municipality__in=list(by_number), solution__in=list(by_pk)
    ).values_list("municipality_id", "solution_id", "phase_id")
    stored = {
        (number, solution_id): RecordView(
            municipality=by_number[number],
            solution=by_pk[solution_id],
            phase=phases[phase_id],
            public=True,
            exists=True,
        )
        for number, solution_id, phase_id in rows
    }
    grid = Grid(municipalities=municipalities, solutions=solutions, records=stored)
    (then,) = grid_phases_at(grid, [cutoff])
    records = [
        PublicRecord(
            municipality=municipality,
            solution=solution,
            phase=then[(municipality.number, solution.pk)] if (municipality.number, solution.pk) in stored else None,
        )
        for municipality in municipalities
        for solution in solutions
    ]
    return PublicStatus(
        data_per=data_per, cutoff=cutoff, municipalities=municipalities, solutions=solutions, records=records
    )


# --- Join requests (network administrators only; the views check access) ------------------------

# The queue shows every pending request and this many of the latest decisions.
DECIDED_SHOWN = 100


@dataclass(frozen=True)
class JoinQueue:
    pending: list[JoinRequest]  # oldest first: first come, first served
    decided: list[JoinRequest]  # latest decision first
    pending_count: int
    approved_count: int
    rejected_count: int

    @property
    def decided_count(self) -> int:
        return self.approved_count + self.rejected_count


def join_queue() -> JoinQueue:
    counts = JoinRequest.objects.aggregate(
        pending=Count("pk", filter=Q(status=JoinRequestStatus.PENDING)),
        approved=Count("pk", filter=Q(status=JoinRequestStatus.APPROVED)),
        rejected=Count("pk", filter=Q(status=JoinRequestStatus.REJECTED)),
    )
    pending = list(
        JoinRequest.objects.filter(status=JoinRequestStatus.PENDING)
        .select_related("municipality")
        .order_by("submitted_at", "pk")
    )
    decided = list(
        JoinRequest.objects.exclude(status=JoinRequestStatus.PENDING)
        .select_related("municipality", "decided_by")
        .order_by("-decided_at", "-pk")[:DECIDED_SHOWN]
    )
    return JoinQueue(
        pending=pending,
        decided=decided,
        pending_count=counts["pending"],
        approved_count=counts["approved"],
        rejected_count=counts["rejected"],
    )


def join_request_get(pk: int) -> JoinRequest:
    return get_object_or_404(
        JoinRequest.objects.select_related("municipality", "decided_by", "invitation"),
        pk=pk,
    )


def join_request_has_account(join_request: JoinRequest) -> bool:
    """Does the request's address have an account already? (Approving it would then be refused.)"""
    return bool(join_request.email) and User.objects.filter(email__iexact=join_request.email).exists()
