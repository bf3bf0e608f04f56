"""Forskjeller: maturity, the divide measures, who is behind their peers, the map, the trend and the report."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ehelsenord.core.http import AuthedRequest
from ehelsenord.divide import charts, reports
from ehelsenord.divide.maturity import BANDS, BEHIND_BY, MAX_POINTS, MIN_PEERS, STAGE_POINTS
from ehelsenord.divide.selectors import (
    DivideData,
    Selection,
    band_label,
    divide_data,
    map_data,
    selection_from,
    trend,
)
from ehelsenord.municipalities.selectors import area_param, area_reaches_outside_region, county_list
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


def band_labels() -> list[str]:
    return [band_label(index) for index in range(BANDS)]


def _context(selection: Selection, **more: Any) -> dict[str, Any]:
    query = _query(selection)
    return {
        "selection": selection,
        "area_value": area_param(selection.area),
        "area_label": area_label(selection.area),
        "outside_region": area_reaches_outside_region(selection.area),
        "counties": county_list(),
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


def _quality(data: DivideData) -> dict[str, int]:
    relevant = sum(score.relevant for score in data.scores.values())
    return {
        "relevant": relevant,
        "documented": sum(score.documented for score in data.scores.values()),
        "fresh": sum(score.fresh for score in data.scores.values()),
    }


@require_GET
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
            quality=_quality(data),
            bands=list(zip(labels, data.total.distribution, strict=True)),
            distribution=charts.bar_chart(labels, data.total.distribution),
        ),
    )


@require_GET
def map_view(request: AuthedRequest) -> HttpResponse:
    selection = _selection(request)
    data = divide_data(selection)
    colour = map_data(data, request.GET.get("farge", ""))
    return render(
        request,
        "divide/map.html",
        _context(selection, data=data, colour=colour, colour_query=_query(selection)),
    )


@require_GET
def trend_view(request: AuthedRequest) -> HttpResponse:
    selection = _selection(request)
    data = divide_data(selection)
    points = trend(data)
    months = [point.month for point in points]
    month_labels = [f"{month:%m}.{month:%y}" for month in months]
    sizes = [(size, label) for size, label, _measures in data.by_size]
    overall = charts.line_chart(
        month_labels,
        [
            (_("Median maturity"), [p.total.quartiles.median if p.total.quartiles else None for p in points]),
            (_("Coverage, municipalities"), [p.total.coverage.by_municipalities for p in points]),
            (_("Coverage, inhabitants"), [p.total.coverage.by_inhabitants for p in points]),
        ],
    )
    by_size = charts.line_chart(
        month_labels,
        [(label, [p.by_size[size].mean if size in p.by_size else None for p in points]) for size, label in sizes],
    )
    size_rows = [
        (point.month, [point.by_size[size].mean if size in point.by_size else None for size, _label in sizes])
        for point in points
    ]
    return render(
        request,
        "divide/trend.html",
        _context(
            selection,
            data=data,
            points=points,
            sizes=sizes,
            size_rows=size_rows,
            overall=overall,
            by_size_chart=by_size,
        ),
    )


@require_GET
def report_pdf(request: AuthedRequest) -> HttpResponse:
    selection = _selection(request)
    data = divide_data(selection)
    return reports.report_pdf_response(data, trend(data))


@require_GET
def report_xlsx(request: AuthedRequest) -> HttpResponse:
    selection = _selection(request)
    data = divide_data(selection)
    return reports.report_xlsx_response(data, trend(data))
