"""Municipality pages: the list, one municipality with its records, and its history."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ehelsenord.agreements.selectors import agreements_for_municipalities
from ehelsenord.core.http import AuthedRequest
from ehelsenord.core.text import norwegian_key
from ehelsenord.municipalities.models import County, Municipality
from ehelsenord.municipalities.selectors import (
    Area,
    Scope,
    area_from_param,
    area_param,
    county_list,
    municipality_get,
    municipality_list,
)
from ehelsenord.rollout.aggregation import Summary, summarize, summarize_all
from ehelsenord.rollout.selectors import change_list, change_rows, implementation_can_change, rollout_grid
from ehelsenord.rollout.views.records import history_page
from ehelsenord.solutions.enums import Stage
from ehelsenord.solutions.selectors import solution_list

LATEST_CHANGES = 10

# ISO 639 codes of the Sámi and Kven names in the reference data.
LANGUAGE_NAMES: dict[str, Promise] = {
    "sme": _("Northern Sámi"),
    "smj": _("Lule Sámi"),
    "sma": _("Southern Sámi"),
    "fkv": _("Kven"),
}


def area_label(area: Area) -> str:
    """The area as the captions name it: the region's name, the county or all of Norway."""
    if area.scope == Scope.COUNTY and area.county is not None:
        return area.county.name_nb
    if area.scope == Scope.NATIONAL:
        return gettext("all of Norway")
    return str(settings.REGION_NAME)


@dataclass(frozen=True)
class CountyGroup:
    county: County
    rows: list[tuple[Municipality, Summary]]


def municipality_list_view(request: AuthedRequest) -> HttpResponse:
    area = area_from_param(request.GET.get("omrade"))
    query = request.GET.get("q", "").strip()
    municipalities = municipality_list(area)
    if query:
        needle = query.casefold()
        municipalities = [
            m
            for m in municipalities
            if any(needle in name.casefold() for name in (m.name, m.name_nb, m.name_other, m.name_other2, m.number))
        ]
    grid = rollout_grid(municipalities=municipalities)
    summaries = summarize(grid.cells(), by=lambda cell: cell.municipality)
    counties = county_list()
    groups: dict[str, CountyGroup] = {county.number: CountyGroup(county, []) for county in counties}
    for municipality in municipalities:
        groups[municipality.county_id].rows.append((municipality, summaries.get(municipality.number, Summary())))
    return render(
        request,
        "municipalities/list.html",
        {
            "area": area,
            "area_value": area_param(area),
            "area_label": area_label(area),
            "counties": counties,
            "query": query,
            "groups": [group for group in groups.values() if group.rows],
            "count": len(municipalities),
            "solution_count": len(grid.solutions),
        },
    )


# BCP 47 wants the two-letter code where one exists (Northern Sámi is "se", not "sme").
LANGUAGE_TAGS = {"sme": "se"}


def _other_names(municipality: Municipality) -> list[tuple[str, Promise | str, str]]:
    """(name, language name, lang attribute) of the municipality's Sámi and Kven names."""
    pairs = [
        (municipality.name_other, municipality.name_other_language),
        (municipality.name_other2, municipality.name_other2_language),
    ]
    return [(name, LANGUAGE_NAMES.get(code, code), LANGUAGE_TAGS.get(code, code)) for name, code in pairs if name]


def municipality_detail(request: AuthedRequest, number: str) -> HttpResponse:
    municipality = municipality_get(number)
    grid = rollout_grid(municipalities=[municipality])
    records = [grid.record(municipality, solution) for solution in grid.solutions]
    summary = summarize_all(record.cell() for record in records)
    latest = change_list(municipality=municipality)[:LATEST_CHANGES]
    return render(
        request,
        "municipalities/detail.html",
        {
            "municipality": municipality,
            "other_names": _other_names(municipality),
            "contacts": sorted(municipality.contacts.filter(is_active=True), key=lambda u: norwegian_key(u.full_name)),
            "records": records,
            "summary": summary,
            "stages": [(stage, summary.stage_count(stage)) for stage in Stage],
            "can_change": implementation_can_change(request.user, municipality),
            "latest": change_rows(latest),
            "agreements": list(agreements_for_municipalities(frozenset({municipality.number}))),
        },
    )


def municipality_history(request: AuthedRequest, number: str) -> HttpResponse:
    municipality = municipality_get(number)
    solutions = sorted(solution_list(include_historical=True), key=lambda s: norwegian_key(s.name))
    wanted = request.GET.get("losning", "")
    chosen = next((s for s in solutions if s.slug == wanted), None)
    history = history_page(request, change_list(municipality=municipality, solution=chosen))
    return render(
        request,
        "municipalities/history.html",
        {"municipality": municipality, "solutions": solutions, "chosen": chosen, "history": history},
    )
