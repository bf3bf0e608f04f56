"""Reads of counties and municipalities."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import QuerySet
from django.http import Http404

from ehelsenord.core.text import norwegian_key
from ehelsenord.municipalities.models import County, Municipality


class Scope(StrEnum):
    """How much of the country a page shows."""

    REGION = "region"
    COUNTY = "county"
    NATIONAL = "norge"


@dataclass(frozen=True)
class Area:
    scope: Scope
    county: County | None = None


def county_list(*, region_only: bool = False) -> list[County]:
    counties = County.objects.all()
    if region_only:
        counties = counties.filter(in_region=True)
    return sorted(counties, key=lambda county: norwegian_key(county.name_nb))


def municipality_queryset(area: Area) -> QuerySet[Municipality]:
    municipalities = Municipality.objects.select_related("county", "health_community")
    if area.scope == Scope.REGION:
        return municipalities.filter(county__in_region=True)
    if area.scope == Scope.COUNTY and area.county is not None:
        return municipalities.filter(county=area.county)
    return municipalities


def municipality_list(area: Area) -> list[Municipality]:
    """The area's municipalities in Norwegian alphabetical order."""
    return sorted(municipality_queryset(area), key=lambda municipality: norwegian_key(municipality.name))


def municipality_get(number: str) -> Municipality:
    municipality = Municipality.objects.select_related("county").filter(number=number).first()
    if municipality is None:
        raise Http404("Kommunen finnes ikke.")
    return municipality


def area_from_param(value: str | None, counties: list[County] | None = None) -> Area:
    """Parse ?omrade=region|norge|<county number>; anything unknown means the region.

    With the counties already loaded (for the area choice), no query is needed.
    """
    if value == Scope.NATIONAL:
        return Area(Scope.NATIONAL)
    if value and value.isdigit():
        if counties is not None:
            county = next((county for county in counties if county.number == value), None)
        else:
            county = County.objects.filter(number=value).first()
        if county is not None:
            return Area(Scope.COUNTY, county)
    return Area(Scope.REGION)


def area_reaches_outside_region(area: Area) -> bool:
    """Does the area hold municipalities outside the network's region (which do not report here)?"""
    if area.scope == Scope.NATIONAL:
        return True
    return area.scope == Scope.COUNTY and area.county is not None and not area.county.in_region


def area_param(area: Area) -> str:
    """The ?omrade= value that area_from_param turns back into area."""
    if area.scope == Scope.COUNTY and area.county is not None:
        return area.county.number
    return str(area.scope)
