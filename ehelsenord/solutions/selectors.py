"""Reads of the catalogue."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from ehelsenord.solutions.enums import SolutionStatus
from ehelsenord.solutions.models import Phase, PhaseTemplate, Solution


def solution_queryset(*, include_historical: bool = False) -> QuerySet[Solution]:
    """Solutions with their template's phases prefetched (ordered by position)."""
    solutions = Solution.objects.select_related("phase_template").prefetch_related(
        Prefetch("phase_template__phases", queryset=Phase.objects.order_by("position"))
    )
    if not include_historical:
        solutions = solutions.exclude(status=SolutionStatus.HISTORICAL)
    return solutions


def solution_list(*, include_historical: bool = False) -> list[Solution]:
    return list(solution_queryset(include_historical=include_historical))


def solution_get(slug: str) -> Solution:
    solution = (
        solution_queryset(include_historical=True)
        .prefetch_related("prerequisites", "required_by")
        .filter(slug=slug)
        .first()
    )
    if solution is None:
        raise Http404("Løsningen finnes ikke.")
    return solution


def phases_of(solution: Solution) -> list[Phase]:
    """The solution's phases in order; uses the prefetched template when available."""
    return list(solution.phase_template.phases.all())


def first_phase(template: PhaseTemplate) -> Phase:
    return template.phases.all()[0]
