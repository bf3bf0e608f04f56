"""Forskjeller: maturity, the divide measures, who is behind their peers, the map, the trend and the report."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from ehelsenord.core.http import AuthedRequest
from ehelsenord.divide import charts, reports
from ehelsenord.divide.map import band_labels, map_data
from ehelsenord.divide.maturity import BEHIND_BY, MAX_POINTS, MIN_PEERS, STAGE_POINTS
from ehelsenord.divide.selectors import Selection, divide_data, selection_from, trend, trend_figures
from ehelsenord.municipalities.selectors import area_param, area_reaches_outside_region
from ehelsenord.rollout.matrix import area_label


def _selection(request: AuthedRequest) -> Selection:
    return selection_from(area_value=request.GET.get("omrade"), slugs=request.GET.getlist("losning"))


def _query(selection: Selection, **extra: str) -> str:
    """The query string that asks for the same selection (the chosen solutions only when not the default)."""
    params: list[tuple[str, str]] = [("omrade", area_param(selection.area))]
    if not selection.is_default:
        params += [("losning", slug) for slug in selection.slugs]
    params += list(extra.items())
    return urlencode(params)


def _context(selection: Selection, **more: Any) -> dict[str, Any]:
    query = _query(selection)
    return {
        "selection": selection,
        "area_value": area_param(selection.area),
        "area_label": area_label(selection.area),
        "outside_region": area_reaches_outside_region(selection.area),
        "counties": selection.counties,
        "chosen": {solution.slug for solution in selection.solutions},
        "query": query,
        "stage_points": [(str(stage.label), points) for stage, points in STAGE_POINTS.items()],
        "max_points": MAX_POINTS,
        "freshness_days": settings.FRESHNESS_DAYS,
        "behind_by": round(BEHIND_BY * 100),
        "min_peers": MIN_PEERS,
        "links": {
            "overview": f"{reverse('divide:overview')}?{query}",
            "map": f"{reverse('divide:map')}?{query}",
            "trend": f"{reverse('divide:trend')}?{query}",
            "pdf": f"{reverse('divide:report_pdf')}?{query}",
            "xlsx": f"{reverse('divide:report_xlsx')}?{query}",
        },
        **more,
    }


@require_safe
def overview(request: AuthedRequest) -> HttpResponse:
    selection = _selection(request)
    data = divide_data(selection)
    labels = band_labels()
    return render(
        request,
        "divide/overview.html",
        _context(
            selection,
            data=data,
            quality=data.freshness,
            bands=list(zip(labels, data.total.distribution, strict=True)),
            distribution=charts.bar_chart(labels, data.total.distribution),
        ),
    )


@require_safe
def map_view(request: AuthedRequest) -> HttpResponse:
    selection = _selection(request)
    colour_by = request.GET.get("farge", "")
    also = [solution for solution in selection.catalogue if solution.slug == colour_by]
    data = divide_data(selection, also=also)
    colour = map_data(data, colour_by)
    return render(
        request,
        "divide/map.html",
        _context(selection, data=data, colour=colour, colour_query=_query(selection)),
    )


@require_safe
def trend_view(request: AuthedRequest) -> HttpResponse:
    selection = _selection(request)
    data = divide_data(selection)
    points = trend(data)
    figures = trend_figures(data, points)
    return render(
        request,
        "divide/trend.html",
        _context(
            selection,
            data=data,
            points=points,
            sizes=figures.sizes,
            size_rows=figures.size_rows,
            overall=figures.overall,
            by_size_chart=figures.by_size,
        ),
    )


@require_safe
def report_pdf(request: AuthedRequest) -> HttpResponse:
    selection = _selection(request)
    data = divide_data(selection)
    return reports.report_pdf_response(data, trend(data))


@require_safe
def report_xlsx(request: AuthedRequest) -> HttpResponse:
    selection = _selection(request)
    data = divide_data(selection)
    return reports.report_xlsx_response(data, trend(data))
