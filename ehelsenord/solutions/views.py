"""Solution pages: the catalogue, one solution with every municipality's record, and its history."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ehelsenord.core.http import AuthedRequest
from ehelsenord.municipalities.selectors import Area, Scope, area_from_param, area_param, county_list
from ehelsenord.municipalities.views import area_label
from ehelsenord.rollout.aggregation import Summary, summarize, summarize_all
from ehelsenord.rollout.selectors import change_list, rollout_grid
from ehelsenord.rollout.views.records import history_page
from ehelsenord.solutions.enums import SolutionKind
from ehelsenord.solutions.selectors import solution_get, solution_list

# The catalogue's group headings (the kind's own label is singular).
KIND_HEADINGS: dict[str, Promise] = {
    SolutionKind.EHEALTH: _("National e-health solutions"),
    SolutionKind.WELFARE_TECHNOLOGY: _("Welfare technology"),
}


def solution_list_view(request: AuthedRequest) -> HttpResponse:
    solutions = solution_list(include_historical=True)
    grid = rollout_grid(area=Area(Scope.REGION), solutions=solutions)
    summaries = summarize(grid.cells(), by=lambda cell: cell.solution)
    groups = [
        (kind, KIND_HEADINGS[kind], [(s, summaries.get(s.slug, Summary())) for s in solutions if s.kind == kind])
        for kind in SolutionKind
    ]
    return render(
        request,
        "solutions/list.html",
        {"groups": [group for group in groups if group[2]]},
    )


def solution_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    solution = solution_get(slug)
    area = area_from_param(request.GET.get("omrade"))
    grid = rollout_grid(area=area, solutions=[solution])
    records = [grid.record(municipality, solution) for municipality in grid.municipalities]
    summary = summarize_all(record.cell() for record in records)
    phases = [
        (phase, summary.phase_count(phase.key), summary.phase_share(phase.key))
        for phase in solution.phase_template.phases.all()
    ]
    return render(
        request,
        "solutions/detail.html",
        {
            "solution": solution,
            "area": area,
            "area_value": area_param(area),
            "area_label": area_label(area),
            "counties": county_list(),
            "records": records,
            "summary": summary,
            "phases": phases,
        },
    )


def solution_history(request: AuthedRequest, slug: str) -> HttpResponse:
    solution = solution_get(slug)
    history = history_page(request, change_list(solution=solution))
    return render(request, "solutions/history.html", {"solution": solution, "history": history})
