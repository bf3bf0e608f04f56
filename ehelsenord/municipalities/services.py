"""Loading the reference data of counties and municipalities from the files in data/, and their settings."""

from __future__ import annotations

import csv
from collections.abc import Sequence
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
HEALTH_COMMUNITY_NAME_MAX_LENGTH = 120  # as HealthCommunity.name


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
    """Load the default health communities, once: while there are none.

    After that they are the coordinators' (health_community_save), so a later load changes
    nothing, neither a renamed community, a moved municipality nor one taken out of every
    community. A municipality new in the reference data then gets its community in the admin.
    """
    if HealthCommunity.objects.exists():
        return
    for row in _read_csv("health_communities.csv"):
        community, _created = HealthCommunity.objects.get_or_create(name=row["health_community"])
        Municipality.objects.filter(pk=row["municipality_number"], health_community__isnull=True).update(
            health_community=community
        )


def _require_coordinator(by: User, message: str) -> None:
    if not (by.is_active and by.is_coordinator):
        raise PermissionDenied(message)


def health_community_name_error(name: str, community: HealthCommunity | None = None) -> str | None:
    """Why this name cannot be the community's, or None. Names differ in more than letter case."""
    name = " ".join(name.split())
    if not name:
        return _("Give the health community a name.")
    if len(name) > HEALTH_COMMUNITY_NAME_MAX_LENGTH:
        return _("The name can be at most %(max)d characters.") % {"max": HEALTH_COMMUNITY_NAME_MAX_LENGTH}
    others = HealthCommunity.objects.filter(name__iexact=name)
    if community is not None:
        others = others.exclude(pk=community.pk)
    if others.exists():
        return _("Another health community is called %(name)s.") % {"name": name}
    return None


@transaction.atomic
def health_community_save(
    *, by: User, community: HealthCommunity | None, name: str, municipalities: Sequence[Municipality]
) -> HealthCommunity:
    """Create a health community (community None) or change one: its name, and exactly these members.

    A municipality chosen here leaves the community it was in; one left out belongs to none.
    Audited on the community, and on every other community that lost a member.
    """
    _require_coordinator(by, _("Only coordinators can change health communities."))
    error = health_community_name_error(name, community)
    if error:
        raise ValidationError({"name": error})
    name = " ".join(name.split())
    before: dict[str, object] = {}
    if community is None:
        community = HealthCommunity.objects.create(name=name)
        action = "health_community.create"
    else:
        community = HealthCommunity.objects.select_for_update().get(pk=community.pk)
        action = "health_community.change"
        before = {"name": community.name, "municipalities": list(community.municipalities.all())}
    chosen = {m.number for m in municipalities}
    current = {m.number for m in community.municipalities.all()}
    # The other communities that lose a member, with their members before the change.
    losing = set(
        Municipality.objects.filter(number__in=chosen - current, health_community__isnull=False).values_list(
            "health_community_id", flat=True
        )
    )
    others_before: dict[int, list[Municipality]] = {pk: [] for pk in losing}
    for member in Municipality.objects.filter(health_community__in=losing):
        others_before[member.health_community_id].append(member)  # type: ignore[index]
    Municipality.objects.filter(number__in=current - chosen).update(health_community=None)
    Municipality.objects.filter(number__in=chosen - current).update(health_community=community)
    if community.name != name:
        community.name = name
        community.save(update_fields=["name"])
    audit_record(
        actor=by,
        action=action,
        obj=community,
        before=before,
        after={"name": name, "municipalities": list(community.municipalities.all())},
    )
    for other in HealthCommunity.objects.filter(pk__in=losing):
        audit_record(
            actor=by,
            action="health_community.change",
            obj=other,
            before={"municipalities": others_before[other.pk]},
            after={"municipalities": [m for m in others_before[other.pk] if m.number not in chosen]},
        )
    return community


@transaction.atomic
def health_community_delete(*, by: User, community: HealthCommunity) -> None:
    """Delete a health community; its municipalities then belong to none. Audited."""
    _require_coordinator(by, _("Only coordinators can change health communities."))
    community = HealthCommunity.objects.select_for_update().get(pk=community.pk)
    audit_record(
        actor=by,
        action="health_community.delete",
        obj=community,
        before={"name": community.name, "municipalities": list(community.municipalities.all())},
    )
    community.delete()


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
