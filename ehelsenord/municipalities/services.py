"""Loading the reference data of counties and municipalities from the files in data/, and their settings."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ehelsenord.core.audit import audit_record
from ehelsenord.municipalities.enums import WrittenLanguage
from ehelsenord.municipalities.models import County, HealthCommunity, Municipality

if TYPE_CHECKING:
    from ehelsenord.accounts.models import User

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(model: type[County] | type[Municipality], pk: str, values: dict[str, object]) -> str:
    """Create or update one row; returns 'created', 'updated' or 'unchanged'."""
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        model.objects.create(pk=pk, **values)
        return "created"
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if not changed:
        return "unchanged"
    for field in changed:
        setattr(obj, field, values[field])
    obj.save(update_fields=changed)
    return "updated"


@transaction.atomic
def geography_load(*, region_counties: list[str] | None = None) -> LoadResult:
    """Load the 15 counties and 357 municipalities (2024 structure) and mark the region.

    Idempotent: a second run changes nothing. The region is the set of counties in
    settings.REGION_COUNTIES unless given.
    """
    region = set(region_counties if region_counties is not None else settings.REGION_COUNTIES)
    outcomes: list[str] = []
    for row in _read_csv("counties.csv"):
        outcomes.append(
            _upsert(
                County,
                row["number"],
                {"name": row["name"], "name_nb": row["name_nb"], "in_region": row["number"] in region},
            )
        )
    for row in _read_csv("municipalities.csv"):
        values: dict[str, object] = {
            "name": row["name"],
            "name_nb": row["name_nb"],
            "name_other": row["name_other"],
            "name_other_language": row["name_other_language"],
            "name_other2": row["name_other2"],
            "name_other2_language": row["name_other2_language"],
            "county_id": row["county_number"],
            "population": int(row["population"]),
            "population_date": date.fromisoformat(row["population_date"]),
            "latitude": Decimal(row["latitude"]),
            "longitude": Decimal(row["longitude"]),
            "area_km2": Decimal(row["area_km2"]),
            "organization_number": row["organization_number"],
            "in_sami_language_area": row["in_sami_language_area"] == "true",
        }
        outcomes.append(_upsert(Municipality, row["number"], values))
    _health_communities_load()
    return LoadResult(
        created=outcomes.count("created"), updated=outcomes.count("updated"), unchanged=outcomes.count("unchanged")
    )


def _health_communities_load() -> None:
    """Give municipalities without one their default health community; a coordinator's choice stays."""
    for row in _read_csv("health_communities.csv"):
        community, _created = HealthCommunity.objects.get_or_create(name=row["health_community"])
        Municipality.objects.filter(pk=row["municipality_number"], health_community__isnull=True).update(
            health_community=community
        )


def municipality_set_written_language(*, by: User, municipality: Municipality, language: str) -> Municipality:
    """Set which written language (bokmål or nynorsk) the municipality's letters come in. Audited."""
    if not (by.is_active and by.is_coordinator):
        raise PermissionDenied(_("Only coordinators can change a municipality's written language."))
    if language not in WrittenLanguage.values:
        raise ValidationError({"language": _("Choose bokmål or nynorsk.")})
    before = municipality.written_language
    if before != language:
        municipality.written_language = language
        municipality.save(update_fields=["written_language"])
        audit_record(
            actor=by,
            action="municipality.written_language",
            obj=municipality,
            before={"written_language": before},
            after={"written_language": language},
        )
    return municipality
