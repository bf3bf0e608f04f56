from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from ehelsenord.municipalities.models import County, Municipality
from ehelsenord.municipalities.services import geography_load

pytestmark = pytest.mark.django_db


def test_reference_data_has_357_municipalities_in_15_counties() -> None:
    assert Municipality.objects.count() == 357
    assert County.objects.count() == 15


def test_reference_data_counts_per_northern_county() -> None:
    counts = Counter(Municipality.objects.values_list("county__name_nb", flat=True))
    assert (counts["Nordland"], counts["Troms"], counts["Finnmark"]) == (41, 21, 18)


def test_reference_data_region_is_nordland_troms_finnmark() -> None:
    assert sorted(County.objects.filter(in_region=True).values_list("name_nb", flat=True)) == [
        "Finnmark",
        "Nordland",
        "Troms",
    ]
    assert Municipality.objects.filter(county__in_region=True).count() == 80


@pytest.mark.parametrize(
    ("number", "field", "expected"),
    [
        ("1804", "name", "Bodø"),
        ("1804", "population", 53712),
        ("1856", "name", "Røst"),
        ("1856", "population", 460),
        ("5501", "name", "Tromsø"),
        ("0301", "county_id", "03"),
        ("5610", "name", "Kárášjohka - Karasjok"),
        ("5610", "name_nb", "Karasjok"),
        ("5610", "name_other_language", "sme"),
        ("5610", "in_sami_language_area", True),
        ("1804", "in_sami_language_area", False),
        ("1515", "name", "Herøy (Møre og Romsdal)"),
        ("1804", "organization_number", "972418013"),
        ("1804", "population_date", date(2024, 1, 1)),
    ],
)
def test_reference_data_spot_values(number: str, field: str, expected: object) -> None:
    assert getattr(Municipality.objects.get(number=number), field) == expected


def test_reference_data_coordinates_and_area_of_bodo() -> None:
    bodo = Municipality.objects.get(number="1804")
    assert (bodo.latitude.quantize(Decimal("0.1")), bodo.longitude.quantize(Decimal("0.1"))) == (
        Decimal("67.1"),
        Decimal("14.9"),
    )
    assert bodo.area_km2 > 1000


def test_reference_data_load_twice_changes_nothing() -> None:
    before = list(Municipality.objects.order_by("number").values())
    result = geography_load()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 372)
    assert list(Municipality.objects.order_by("number").values()) == before


def test_reference_data_region_is_configurable() -> None:
    geography_load(region_counties=["03"])
    assert list(Municipality.objects.filter(county__in_region=True).values_list("number", flat=True)) == ["0301"]
