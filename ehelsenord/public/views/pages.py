"""Public pages without login: about eHelse Nord, the public status, the accessibility statement."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ehelsenord.core.http import AnyRequest
from ehelsenord.core.text import norwegian_key
from ehelsenord.municipalities.models import County, Municipality
from ehelsenord.public.enums import Arena
from ehelsenord.public.selectors import (
    PublicRecord,
    public_municipality_get,
    public_solution_get,
    public_status,
)

# When the accessibility statement was last reviewed against the pages; update it with the text.
STATEMENT_REVIEWED = date(2026, 11, 27)


@dataclass(frozen=True)
class CountyGroup:
    county: County
    items: list[tuple[Municipality, int]]


@dataclass(frozen=True)
class CountyRecords:
    county: County
    records: list[PublicRecord]


def _counties_of(municipalities: list[Municipality]) -> list[County]:
    counties = {m.county_id: m.county for m in municipalities}
    return sorted(counties.values(), key=lambda county: norwegian_key(county.name_nb))


@login_not_required
@require_safe
def about(request: AnyRequest) -> HttpResponse:
    return render(request, "public/about.html", {"arenas": list(Arena)})


@login_not_required
@require_safe
def status_index(request: AnyRequest) -> HttpResponse:
    """The region's municipalities by county and the solutions, each a link, with how much is published."""
    status = public_status()
    published = status.published()
    by_municipality = Counter(record.municipality.number for record in published)
    by_solution = Counter(record.solution.pk for record in published)
    groups = [
        CountyGroup(
            county,
            [(m, by_municipality[m.number]) for m in status.municipalities if m.county_id == county.number],
        )
        for county in _counties_of(status.municipalities)
    ]
    solutions = [(solution, by_solution[solution.pk]) for solution in status.solutions]
    return render(
        request,
        "public/status_index.html",
        {
            "status": status,
            "groups": groups,
            "solutions": solutions,
            "solution_count": len(status.solutions),
            "embargo_days": settings.PUBLIC_EMBARGO_DAYS,
        },
    )


@login_not_required
@require_safe
def status_municipality(request: AnyRequest, number: str) -> HttpResponse:
    municipality = public_municipality_get(number)
    status = public_status(municipalities=[municipality])
    records = status.for_municipality(municipality)
    return render(
        request,
        "public/status_municipality.html",
        {
            "municipality": municipality,
            "status": status,
            "records": records,
            "published_count": sum(1 for record in records if record.published),
            "embargo_days": settings.PUBLIC_EMBARGO_DAYS,
        },
    )


@login_not_required
@require_safe
def status_solution(request: AnyRequest, slug: str) -> HttpResponse:
    solution = public_solution_get(slug)
    status = public_status(solutions=[solution])
    records = status.for_solution(solution)
    groups = [
        CountyRecords(county, [record for record in records if record.municipality.county_id == county.number])
        for county in _counties_of(status.municipalities)
    ]
    return render(
        request,
        "public/status_solution.html",
        {
            "solution": solution,
            "status": status,
            "groups": groups,
            "published_count": sum(1 for record in records if record.published),
            "municipality_count": len(records),
            "embargo_days": settings.PUBLIC_EMBARGO_DAYS,
        },
    )


@login_not_required
@require_safe
def accessibility(request: AnyRequest) -> HttpResponse:
    return render(
        request,
        "public/accessibility.html",
        {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL, "reviewed": STATEMENT_REVIEWED},
    )
