"""Open data: the public status as CSV and JSON under NLOD 2.0, and the page that describes it.

Both files come from public.selectors.public_status, the same function as the public pages. One row
per published record (a record not marked public is left out), ordered by municipality number and
the catalogue's order of solutions. CSV: UTF-8 without byte order mark, comma, CRLF line ends
(RFC 4180), a header row with the field names.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from ehelsenord.core.http import AnyRequest
from ehelsenord.public.selectors import PublicStatus, public_status
from ehelsenord.solutions.enums import Stage

LICENCE_NAME = "Norsk lisens for offentlige data (NLOD) 2.0"
LICENCE_URL = "https://data.norge.no/nlod/no/2.0"
PUBLISHER = "eHelse Nord"
# The files change when a day passes or a municipality changes what it publishes: a short cache.
CACHE_SECONDS = 300


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # JSON Schema type of the value
    format: str  # JSON Schema format ("" when none)
    type_label: Promise
    description: Promise


TEXT = _("Text")
FIELDS = (
    Field(
        "kommunenummer",
        "string",
        "",
        _("Text, four digits"),
        _("The municipality's number from Statistics Norway (SSB), as text so that leading zeros are kept."),
    ),
    Field("kommune", "string", "", TEXT, _("The municipality's official name.")),
    Field("fylkesnummer", "string", "", _("Text, two digits"), _("The county's number from Statistics Norway.")),
    Field("fylke", "string", "", TEXT, _("The county's name.")),
    Field(
        "losning",
        "string",
        "",
        TEXT,
        _("The solution's key: stable, lower case, also used in the address of the solution's status page."),
    ),
    Field("losning_navn", "string", "", TEXT, _("The solution's name.")),
    Field(
        "fase",
        "string",
        "",
        TEXT,
        _(
            "The phase's key. Phases belong to the solution's rollout path, "
            "so different solutions may have different phases."
        ),
    ),
    Field("fase_navn", "string", "", TEXT, _("The phase's name.")),
    Field(
        "trinn",
        "string",
        "",
        _("Text, one of the stage codes"),
        _("The stage on the common scale every phase maps to, so that solutions can be compared and added up."),
    ),
    Field("trinn_navn", "string", "", TEXT, _("The stage's name.")),
    Field(
        "data_per",
        "string",
        "date",
        _("Date, YYYY-MM-DD"),
        _("The date the phase applies to: as the day began, %(days)s days before the file was made."),
    ),
)


def field_list() -> list[dict[str, str]]:
    """The fields with their meaning and type, as the description page and the JSON list them."""
    return [
        {
            "name": field.name,
            "type_label": str(field.type_label),
            "description": str(field.description) % {"days": settings.PUBLIC_EMBARGO_DAYS},
        }
        for field in FIELDS
    ]


def open_data_rows(status: PublicStatus) -> list[dict[str, str]]:
    """One row per published record, by municipality number and then the catalogue's order of solutions."""
    order = {solution.pk: index for index, solution in enumerate(status.solutions)}
    records = sorted(status.published(), key=lambda r: (r.municipality.number, order[r.solution.pk]))
    rows = []
    for record in records:
        assert record.phase is not None
        rows.append(
            {
                "kommunenummer": record.municipality.number,
                "kommune": record.municipality.name,
                "fylkesnummer": record.municipality.county_id,
                "fylke": record.municipality.county.name_nb,
                "losning": record.solution.slug,
                "losning_navn": record.solution.name,
                "fase": record.phase.key,
                "fase_navn": record.phase.name,
                "trinn": record.phase.stage,
                "trinn_navn": str(Stage(record.phase.stage).label),
                "data_per": status.data_per.isoformat(),
            }
        )
    return rows


def _licence() -> dict[str, str]:
    return {
        "navn": LICENCE_NAME,
        "url": LICENCE_URL,
        # The attribution NLOD asks of those who use the data.
        "kildehenvisning": gettext(
            "Contains data under the Norwegian licence for Open Government data (NLOD) made available by %(publisher)s."
        )
        % {"publisher": PUBLISHER},
    }


def _open_data_headers(response: HttpResponse) -> HttpResponse:
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    # Public data: any web page may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_safe
def description(request: AnyRequest) -> HttpResponse:
    status = public_status()
    return render(
        request,
        "public/open_data.html",
        {
            "status": status,
            "row_count": len(status.published()),
            "fields": field_list(),
            "stages": list(Stage),
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "attribution": _licence()["kildehenvisning"],
            "embargo_days": settings.PUBLIC_EMBARGO_DAYS,
        },
    )


@login_not_required
@require_safe
def status_csv(request: AnyRequest) -> HttpResponse:
    status = public_status()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[field.name for field in FIELDS], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(open_data_rows(status))
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8; header=present")
    response["Content-Disposition"] = f'attachment; filename="ehelse-nord-status-{status.data_per.isoformat()}.csv"'
    return _open_data_headers(response)


@login_not_required
@require_safe
def status_json(request: AnyRequest) -> HttpResponse:
    status = public_status()
    fields: dict[str, dict[str, Any]] = {}
    for field, listed in zip(FIELDS, field_list(), strict=True):
        fields[field.name] = {"type": field.type, "beskrivelse": listed["description"]}
        if field.format:
            fields[field.name]["format"] = field.format
    document = {
        "tittel": gettext("Public status of the national e-health solutions in the municipalities of %(region)s")
        % {"region": settings.REGION_NAME},
        "utgiver": PUBLISHER,
        "dokumentasjon": settings.SITE_URL + reverse("public:open_data"),
        "lisens": _licence(),
        "data_per": status.data_per.isoformat(),
        "generert": timezone.localtime().isoformat(timespec="seconds"),
        "felter": fields,
        "trinn": {stage.value: str(stage.label) for stage in Stage},
        "rader": open_data_rows(status),
    }
    content = json.dumps(document, ensure_ascii=False, indent=2)
    response = HttpResponse(content.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="ehelse-nord-status-{status.data_per.isoformat()}.json"'
    return _open_data_headers(response)
