"""The spreadsheet page: export of records (XLSX, CSV) and the all-or-nothing import."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ehelsenord.core.http import AuthedRequest
from ehelsenord.core.text import norwegian_key
from ehelsenord.municipalities.models import County, Municipality
from ehelsenord.municipalities.selectors import (
    Area,
    Scope,
    area_from_param,
    area_param,
    county_list,
    municipality_list,
    municipality_queryset,
)
from ehelsenord.rollout import spreadsheets
from ehelsenord.rollout.enums import Evidence, TrafficLight
from ehelsenord.rollout.forms import PATIENT_DATA_REMINDER
from ehelsenord.rollout.selectors import change_rights, rollout_grid
from ehelsenord.rollout.services import NOTE_MAX_LENGTH
from ehelsenord.solutions.enums import Stage
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_list

UPLOAD_FIELD = "fil"
# The error table shows this many rows; a wrong file can have thousands of errors.
SHOWN_ERRORS = 200


@dataclass(frozen=True)
class ExportQuery:
    """What ?omrade=, ?fylke=, ?kommune=, ?losning= and ?fase= ask for; anything unknown is dropped."""

    area: Area
    county: County | None
    municipality_numbers: tuple[str, ...]
    solution_slugs: tuple[str, ...]
    stage: Stage | None
    file_format: str


def _export_query(params: QueryDict, *, counties: list[County], solutions: list[Solution]) -> ExportQuery:
    slugs = set(params.getlist("losning"))
    stage = params.get("fase", "")
    file_format = params.get("format", "")
    return ExportQuery(
        area=area_from_param(params.get("omrade")),
        county={county.number: county for county in counties}.get(params.get("fylke", "")),
        municipality_numbers=tuple(number for number in params.getlist("kommune") if number.isdigit()),
        solution_slugs=tuple(solution.slug for solution in solutions if solution.slug in slugs),
        stage=Stage(stage) if stage in Stage.values else None,
        file_format=file_format if file_format in spreadsheets.FORMATS else "xlsx",
    )


def _export_municipalities(query: ExportQuery) -> list[Municipality]:
    if query.municipality_numbers:
        chosen = municipality_queryset(Area(Scope.NATIONAL)).filter(number__in=query.municipality_numbers)
        return sorted(chosen, key=lambda municipality: norwegian_key(municipality.name))
    municipalities = municipality_list(query.area)
    if query.county is not None:
        municipalities = [m for m in municipalities if m.county_id == query.county.number]
    return municipalities


@require_GET
def exchange(request: AuthedRequest) -> HttpResponse:
    counties = county_list()
    solutions = solution_list()
    query = _export_query(request.GET, counties=counties, solutions=solutions)
    rights = change_rights(request.user)
    own = sorted(request.user.municipalities.all(), key=lambda municipality: norwegian_key(municipality.name))
    context = {
        "query": query,
        "area_value": area_param(query.area),
        "counties": counties,
        "solutions": solutions,
        "stages": Stage.choices,
        "own": own,
        "can_import": bool(rights),
        "is_coordinator": request.user.is_coordinator,
        "max_size": filesizeformat(settings.IMPORT_MAX_BYTES),
        "max_rows": spreadsheets.MAX_ROWS,
        "note_max": NOTE_MAX_LENGTH,
        "lights": [str(label) for label in TrafficLight.labels],
        "evidence": [str(label) for label in Evidence.labels],
        "patient_data_reminder": PATIENT_DATA_REMINDER,
        "upload_field": UPLOAD_FIELD,
    }
    return render(request, "rollout/exchange.html", context)


@require_GET
def export_records(request: AuthedRequest) -> HttpResponse:
    solutions = solution_list()
    query = _export_query(request.GET, counties=county_list(), solutions=solutions)
    municipalities = _export_municipalities(query)
    national = query.area.scope == Scope.NATIONAL and query.county is None and not query.municipality_numbers
    grid = rollout_grid(
        # The national grid loads every record without a long IN list of municipalities.
        area=query.area if national else None,
        municipalities=municipalities,
        solutions=[s for s in solutions if s.slug in query.solution_slugs] or solutions,
    )
    records = spreadsheets.export_records(grid, stage=query.stage)
    if query.file_format == "csv":
        response = HttpResponse(spreadsheets.csv_bytes(records), content_type=spreadsheets.CSV_CONTENT_TYPE)
    else:
        content = spreadsheets.xlsx_bytes(records, solutions=grid.solutions)
        response = HttpResponse(content, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    filename = spreadsheets.export_filename(query.file_format, timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def import_records(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("rollout:exchange")
    if not change_rights(request.user):
        return render(
            request,
            "rollout/exchange_forbidden.html",
            {"message": _("You can read the records, but your role does not let you change them.")},
            status=403,
        )
    upload = request.FILES.get(UPLOAD_FIELD)
    if upload is None:
        result = spreadsheets.failed_import(_("Choose a file to import."))
    elif upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
        # Refused before reading it into memory.
        result = spreadsheets.failed_import(spreadsheets.too_large_message())
    else:
        result = spreadsheets.import_file(upload.read(), upload.name or "", user=request.user)
    row_errors = result.row_errors
    context = {
        "result": result,
        "filename": upload.name if upload is not None else "",
        "row_errors": row_errors[:SHOWN_ERRORS],
        "more_errors": len(row_errors) > SHOWN_ERRORS,
        "changed_rows": [(row, spreadsheets.changed_columns(row)) for row in result.changed[:SHOWN_ERRORS]],
        "more_changed": len(result.changed) > SHOWN_ERRORS,
        "shown": SHOWN_ERRORS,
        "max_size": filesizeformat(settings.IMPORT_MAX_BYTES),
        "upload_field": UPLOAD_FIELD,
        "own": sorted(request.user.municipalities.all(), key=lambda municipality: norwegian_key(municipality.name)),
        "is_coordinator": request.user.is_coordinator,
    }
    return render(request, "rollout/exchange_result.html", context, status=200 if result.ok else 400)
