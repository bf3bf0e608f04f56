"""The status matrix (municipalities × solutions) and its quick update dialog."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from ehelsenord.core.http import AuthedRequest
from ehelsenord.municipalities.models import Municipality
from ehelsenord.municipalities.selectors import (
    Scope,
    area_from_param,
    area_param,
    area_reaches_outside_region,
    county_list,
    municipality_get,
    municipality_list,
)
from ehelsenord.rollout import matrix as presenter
from ehelsenord.rollout.enums import ChangeSource
from ehelsenord.rollout.forms import QuickUpdateForm
from ehelsenord.rollout.selectors import (
    change_rights,
    implementation_can_change,
    record_get,
    rollout_grid,
)
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_get, solution_list


@require_GET
def matrix(request: AuthedRequest) -> HttpResponse:
    area = area_from_param(request.GET.get("omrade"))
    counties = county_list()
    solutions = solution_list()
    filter_counties = presenter.counties_within(area, counties)
    query = presenter.parse_query(request.GET, counties=filter_counties, solutions=solutions)
    municipalities = presenter.filter_municipalities(municipality_list(area), query)
    grid = rollout_grid(
        # Without a county filter the national grid loads every record without a long IN list.
        area=area if query.county is None else None,
        municipalities=municipalities,
        solutions=query.shown_solutions(solutions),
    )
    rights = change_rights(request.user)
    table = presenter.build_matrix(grid, query=query, rights=rights, params=request.GET)
    context = {
        "may_change_any": bool(rights),
        "area": area,
        "area_value": area_param(area),
        "area_label": presenter.area_label(area),
        "outside_region": area_reaches_outside_region(area),
        "is_county": area.scope == Scope.COUNTY,
        "counties": counties,
        "filter_counties": filter_counties,
        "solutions": solutions,
        "query": query,
        "stages": presenter.stage_legend(),
        "lights": presenter.light_legend(),
        "matrix": table,
        "column_count": len(table.columns),
    }
    return render(request, "rollout/matrix.html", context)


def _forbidden(request: AuthedRequest, municipality: Municipality, solution: Solution) -> HttpResponse:
    message = gettext("You may not change the records of %(municipality)s.") % {"municipality": municipality}
    context = {
        "message": message,
        "return_focus": presenter.opener_id(municipality.number, solution.slug),
    }
    return render(request, "rollout/quick_update_forbidden.html", context, status=403)


@require_http_methods(["GET", "POST"])
def quick_update_hx(request: AuthedRequest, number: str, slug: str) -> HttpResponse:
    """Phase, traffic light and note of one cell in a dialog; saving swaps the cell in place.

    The dialog only exists with htmx: a plain request goes to the record page and its full form.
    """
    municipality = municipality_get(number)
    solution = solution_get(slug)
    if not request.htmx:
        return redirect("rollout:record", number=municipality.number, slug=solution.slug)
    if not implementation_can_change(request.user, municipality, solution):
        return _forbidden(request, municipality, solution)
    record = record_get(municipality, solution)
    if request.method == "POST":
        form = QuickUpdateForm(request.POST, record=record)
        if form.is_valid():
            try:
                result = implementation_update(
                    municipality=municipality,
                    solution=solution,
                    user=request.user,
                    changes=form.changes(),
                    source=ChangeSource.WEB,
                )
            except PermissionDenied:
                return _forbidden(request, municipality, solution)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _saved(request, municipality, solution, changed=bool(result.changed_fields))
    else:
        form = QuickUpdateForm(record=record)
    phases = form.phases
    context = {
        "form": form,
        "record": record,
        "phase_options": [(radio, phases[str(radio.data["value"])]) for radio in form["phase"]],
        "action": request.path,
        "record_url": reverse("rollout:record", args=[municipality.number, solution.slug]),
        "return_focus": presenter.opener_id(municipality.number, solution.slug),
    }
    return render(request, "rollout/quick_update.html", context)


def _saved(request: AuthedRequest, municipality: Municipality, solution: Solution, *, changed: bool) -> HttpResponse:
    """Empty the dialog host, swap the changed cell into the table and tell what happened."""
    record = record_get(municipality, solution)
    render_cell = presenter.CellRenderer(rights=change_rights(request.user), solutions=[solution], oob=True)
    if changed:
        message = gettext("Saved %(solution)s for %(municipality)s: %(phase)s, %(traffic_light)s.") % {
            "solution": solution.short_name,
            "municipality": municipality,
            "phase": record.phase.name,
            "traffic_light": record.traffic_light_label.lower(),
        }
    else:
        message = gettext("Nothing changed for %(solution)s in %(municipality)s.") % {
            "solution": solution.short_name,
            "municipality": municipality,
        }
    response = render(request, "rollout/quick_update_saved.html", {"cell": render_cell(record), "message": message})
    opener = presenter.opener_id(municipality.number, solution.slug)
    response["HX-Trigger-After-Settle"] = json.dumps({"matrixSaved": {"focus": opener}})
    return response
