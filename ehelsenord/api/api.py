"""The REST API (/api/v1): reference data for everyone, records for holders of a personal token.

Handlers are interfaces like the HTML views: parse input, call a selector or a service, shape the
answer. Access to change a record is decided by rollout.services.implementation_update, the same
rule the pages use; errors become one JSON shape in ehelsenord.api.errors.
"""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query
from ninja.renderers import JSONRenderer

from ehelsenord.api.auth import ApiRequest, ApiTokenAuth
from ehelsenord.api.errors import install_error_handlers
from ehelsenord.api.schemas import (
    ChangeOut,
    ErrorOut,
    MunicipalityOut,
    PhaseOut,
    RecordOut,
    RecordPatch,
    SolutionOut,
)
from ehelsenord.municipalities.models import County, Municipality
from ehelsenord.municipalities.selectors import (
    Area,
    Scope,
    county_list,
    municipality_get,
    municipality_list,
    municipality_queryset,
)
from ehelsenord.rollout.enums import ChangeSource, Evidence, TrafficLight
from ehelsenord.rollout.models import ImplementationChange
from ehelsenord.rollout.selectors import RecordView, change_list, record_get, rollout_grid
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.enums import SolutionKind, SolutionStatus, Stage, StatutoryStatus
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import phases_of, solution_get, solution_list, solution_queryset

DESCRIPTION = (
    "API for eHelse Nord: status for innføringen av nasjonale e-helseløsninger og velferdsteknologi "
    "i kommunene. Kommuner og løsninger er åpne referansedata. Registreringene leses og endres med en "
    "personlig API-nøkkel i headeren `Authorization: Bearer <nøkkel>`, med de samme rettighetene som "
    'på nettsidene. Alle feil har formen `{"detail": [{"field": ..., "message": ...}]}`.'
)
REFERENCE_TAG = "Referansedata"
RECORDS_TAG = "Registreringer"

# Errors each kind of operation can answer with (documented in the schema).
PUBLIC_ERRORS: dict[int, type[ErrorOut]] = {422: ErrorOut}
TOKEN_ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 422: ErrorOut}

# Path parameters, with the examples the documentation page puts into its curl commands.
Number = Annotated[str, Path(description="Kommunenummer.", examples=["1804"])]
Slug = Annotated[str, Path(description="Løsningens nøkkel.", examples=["kjernejournal"])]


class Utf8JSONRenderer(JSONRenderer):
    # Norwegian letters as themselves ("Bodø", not "Bod\u00f8"): the answer is UTF-8 anyway.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="eHelse Nord API",
    version="1",
    description=DESCRIPTION,
    # Nested in the "api" app namespace of ehelsenord/api/urls.py, so ninja can reverse its root.
    urls_namespace="api:api-v1",
    # ninja's Swagger page needs inline scripts, which our CSP forbids; /api/v1/dokumentasjon/ is ours.
    docs_url=None,
    auth=ApiTokenAuth(),
    renderer=Utf8JSONRenderer(),
)
install_error_handlers(api)


# --- Shaping answers ------------------------------------------------------------------------------


def municipality_out(municipality: Municipality) -> MunicipalityOut:
    return MunicipalityOut(
        number=municipality.number,
        name=municipality.name,
        name_nb=municipality.name_nb,
        county_number=municipality.county.number,
        county_name=municipality.county.name_nb,
        population=municipality.population,
        population_date=municipality.population_date,
        in_region=municipality.county.in_region,
        in_sami_language_area=municipality.in_sami_language_area,
    )


def solution_out(solution: Solution) -> SolutionOut:
    return SolutionOut(
        slug=solution.slug,
        name=solution.name,
        short_name=solution.short_name,
        kind=SolutionKind(solution.kind),
        status=SolutionStatus(solution.status),
        statutory=StatutoryStatus(solution.statutory),
        owner=solution.owner,
        prerequisites=sorted(prerequisite.slug for prerequisite in solution.prerequisites.all()),
        phases=[PhaseOut(key=phase.key, name=phase.name, stage=Stage(phase.stage)) for phase in phases_of(solution)],
        source_url=solution.source_url,
    )


def record_out(record: RecordView) -> RecordOut:
    return RecordOut(
        municipality=record.municipality.number,
        solution=record.solution.slug,
        phase=record.phase.key,
        phase_name=record.phase.name,
        stage=record.stage,
        traffic_light=TrafficLight(record.traffic_light),
        note=record.note,
        target_date=record.target_date,
        go_live_date=record.go_live_date,
        evidence=Evidence(record.evidence),
        public=record.public,
        updated_at=record.updated_at,
        updated_by=record.updated_by_name or None,
        exists=record.exists,
    )


def change_out(change: ImplementationChange) -> ChangeOut:
    return ChangeOut(
        changed_at=change.changed_at,
        changed_by=change.changed_by.full_name if change.changed_by else None,
        source=ChangeSource(change.source),
        field=change.field,
        old_value=change.old_value,
        new_value=change.new_value,
        reason=change.reason,
    )


# --- Parsing parameters ---------------------------------------------------------------------------


def _county(number: str, field: str) -> County:
    for county in county_list():
        if county.number == number:
            return county
    raise ValidationError({field: _("There is no county with number %(number)s.") % {"number": number}})


def _area(value: str) -> Area:
    """?area=region|norge|<county number>; unlike the pages' ?omrade=, anything else is an error."""
    if value == Scope.REGION:
        return Area(Scope.REGION)
    if value == Scope.NATIONAL:
        return Area(Scope.NATIONAL)
    if value.isdigit():
        return Area(Scope.COUNTY, _county(value, "area"))
    raise ValidationError({"area": _("Choose region, norge or a county number.")})


# --- Reference data (public) ----------------------------------------------------------------------


@api.get(
    "/municipalities",
    auth=None,
    response={200: list[MunicipalityOut], **PUBLIC_ERRORS},
    operation_id="municipality_list",
    url_name="municipalities",
    tags=[REFERENCE_TAG],
    summary="Alle kommuner",
    description="Alle Norges 357 kommuner (kommunestrukturen fra 2024), sortert etter kommunenummer.",
)
def municipalities(
    request: HttpRequest,
    county: Annotated[
        str | None, Query(description="Bare kommunene i fylket med dette nummeret.", examples=["18"])
    ] = None,
    in_region: Annotated[
        bool | None, Query(description="true: bare kommunene i eHelse Nords region; false: bare de andre.")
    ] = None,
) -> list[MunicipalityOut]:
    area = Area(Scope.COUNTY, _county(county, "county")) if county is not None else Area(Scope.NATIONAL)
    return [
        municipality_out(municipality)
        for municipality in municipality_queryset(area)
        if in_region is None or municipality.county.in_region == in_region
    ]


@api.get(
    "/municipalities/{number}",
    auth=None,
    response={200: MunicipalityOut, 404: ErrorOut},
    operation_id="municipality_get",
    url_name="municipality",
    tags=[REFERENCE_TAG],
    summary="Én kommune",
    description="Én kommune, funnet med kommunenummeret.",
)
def municipality(request: HttpRequest, number: Number) -> MunicipalityOut:
    return municipality_out(municipality_get(number))


@api.get(
    "/solutions",
    auth=None,
    response={200: list[SolutionOut]},
    operation_id="solution_list",
    url_name="solutions",
    tags=[REFERENCE_TAG],
    summary="Alle løsninger",
    description=(
        "Katalogen over nasjonale e-helseløsninger og velferdsteknologi, med forutsetninger og faser, "
        "i katalogens rekkefølge. Historiske løsninger er med, med status historical."
    ),
)
def solutions(request: HttpRequest) -> list[SolutionOut]:
    catalogue = solution_queryset(include_historical=True).prefetch_related("prerequisites")
    return [solution_out(solution) for solution in catalogue]


# --- Records (token) ------------------------------------------------------------------------------


@api.get(
    "/records",
    response={200: list[RecordOut], **TOKEN_ERRORS},
    operation_id="record_list",
    url_name="records",
    tags=[RECORDS_TAG],
    summary="Registreringer for et område",
    description=(
        "Hver kombinasjon av kommune og løsning i området, også de som ikke har noen registrering ennå "
        "(exists er da false, og kommunen står i løsningens første fase). Sortert etter kommunenavn og "
        "løsningenes rekkefølge i katalogen. Historiske løsninger er med bare når du ber om dem med solution."
    ),
)
def records(
    request: ApiRequest,
    area: Annotated[str, Query(description="region (standard), norge, eller et fylkesnummer.", examples=["18"])] = (
        "region"
    ),
    municipality: Annotated[
        str | None, Query(description="Bare denne kommunen (kommunenummer).", examples=["1804"])
    ] = None,
    solution: Annotated[
        str | None, Query(description="Bare denne løsningen (nøkkel).", examples=["kjernejournal"])
    ] = None,
    stage: Annotated[Stage | None, Query(description="Bare registreringene på dette trinnet.")] = None,
) -> list[RecordOut]:
    chosen_area = _area(area)
    places = municipality_list(chosen_area)
    if municipality is not None:
        places = [place for place in places if place.number == municipality]
        if not places:
            raise ValidationError(
                {"municipality": _("%(number)s is not a municipality in the chosen area.") % {"number": municipality}}
            )
    catalogue = solution_list(include_historical=solution is not None)
    if solution is not None:
        catalogue = [entry for entry in catalogue if entry.slug == solution]
        if not catalogue:
            raise ValidationError({"solution": _("There is no solution with the key %(slug)s.") % {"slug": solution}})
    # A whole country needs no list of numbers in the query; a filtered one does.
    grid_area = chosen_area if municipality is None else None
    grid = rollout_grid(area=grid_area, municipalities=places, solutions=catalogue)
    return [
        record_out(record) for _place, row in grid.rows() for record in row if stage is None or record.stage == stage
    ]


@api.get(
    "/records/{number}/{slug}",
    response={200: RecordOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="record_get",
    url_name="record",
    tags=[RECORDS_TAG],
    summary="Én registrering",
    description="Hvor én kommune står med én løsning.",
)
def record(request: ApiRequest, number: Number, slug: Slug) -> RecordOut:
    return record_out(record_get(municipality_get(number), solution_get(slug)))


@api.patch(
    "/records/{number}/{slug}",
    response={200: RecordOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="record_update",
    url_name="record",
    tags=[RECORDS_TAG],
    summary="Endre en registrering",
    description=(
        "Endrer feltene du sender, og bare dem; hver endring havner i historikken med kilde api. "
        "Kontaktpersoner for en kommune kan endre sin egen kommune, koordinatorene alle kommunene i "
        "regionen, lesere ingen (403). Ugyldige verdier gir 422 med en melding per felt, og da endres "
        "ingenting. Svarer med registreringen slik den er etter endringen."
    ),
)
def record_update(request: ApiRequest, payload: RecordPatch, number: Number, slug: Slug) -> RecordOut:
    place = municipality_get(number)
    entry = solution_get(slug)
    implementation_update(
        municipality=place,
        solution=entry,
        user=request.auth,
        changes=payload.model_dump(exclude_unset=True),
        source=ChangeSource.API,
    )
    return record_out(record_get(place, entry))


@api.get(
    "/records/{number}/{slug}/history",
    response={200: list[ChangeOut], 401: ErrorOut, 404: ErrorOut},
    operation_id="record_history",
    url_name="record_history",
    tags=[RECORDS_TAG],
    summary="Historikken til en registrering",
    description="Alle endringer av registreringen, nyeste først, ett element per felt som ble endret.",
)
def record_history(request: ApiRequest, number: Number, slug: Slug) -> list[ChangeOut]:
    changes = change_list(municipality=municipality_get(number), solution=solution_get(slug))
    return [change_out(change) for change in changes]
