"""Oversikt: the area at a glance, composed from the rollout selectors and the one aggregation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ehelsenord.core.http import AuthedRequest
from ehelsenord.dashboards.selectors import recent_changes
from ehelsenord.municipalities.selectors import area_from_param, area_param, area_reaches_outside_region, county_list
from ehelsenord.rollout.aggregation import Summary, count_with_any_in_use, summarize, summarize_all
from ehelsenord.rollout.matrix import area_label, stage_legend
from ehelsenord.rollout.selectors import change_rows, rollout_grid
from ehelsenord.solutions.enums import Stage
from ehelsenord.solutions.models import Solution

RECENT_CHANGES = 15


# How the history names a record's fields (the same words as the record form).
@dataclass(frozen=True)
class SummaryRow:
    """One line of the stage table: a solution (or all of them) with its counts in stage order."""

    summary: Summary
    solution: Solution | None = None

    @property
    def stage_counts(self) -> list[int]:
        return [self.summary.stage_count(stage) for stage in Stage]


@require_GET
def overview(request: AuthedRequest) -> HttpResponse:
    area = area_from_param(request.GET.get("omrade"))
    grid = rollout_grid(area=area)
    fresh_since = timezone.now() - timedelta(days=settings.FRESHNESS_DAYS)
    cells = grid.cells()
    total = summarize_all(cells, fresh_since=fresh_since)
    by_solution = summarize(cells, by=lambda cell: cell.solution, fresh_since=fresh_since)
    by_municipality = summarize(cells, by=lambda cell: cell.municipality)
    changes = change_rows(recent_changes(area, limit=RECENT_CHANGES))
    context = {
        "area_value": area_param(area),
        "area_label": area_label(area),
        "outside_region": area_reaches_outside_region(area),
        "counties": county_list(),
        "municipality_count": len(grid.municipalities),
        "solution_count": len(grid.solutions),
        "total": total,
        "municipalities_in_use": count_with_any_in_use(by_municipality),
        "stages": stage_legend(),
        "solution_rows": [
            SummaryRow(by_solution.get(solution.slug, Summary()), solution) for solution in grid.solutions
        ],
        "total_row": SummaryRow(total),
        "freshness_days": settings.FRESHNESS_DAYS,
        "fresh_since": fresh_since,
        "changes": changes,
    }
    return render(request, "dashboards/overview.html", context)
