"""The public reference data: municipalities and solutions, open to everyone without a token."""

from __future__ import annotations

from typing import Any

import pytest

from ehelsenord.api.tests.conftest import get
from ehelsenord.solutions.models import Solution

pytestmark = pytest.mark.django_db

BODO = {
    "number": "1804",
    "name": "Bodø",
    "name_nb": "Bodø",
    "county_number": "18",
    "county_name": "Nordland",
    "population": 53712,
    "population_date": "2024-01-01",
    "in_region": True,
    "in_sami_language_area": False,
}


def test_municipalities_lists_all_357_by_number_without_a_token() -> None:
    response = get("/api/v1/municipalities")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert len(body) == 357
    numbers = [row["number"] for row in body]
    assert numbers == sorted(numbers)
    assert numbers[0] == "0301"
    assert [row for row in body if row["number"] == "1804"] == [BODO]


def test_municipalities_writes_norwegian_letters_as_themselves() -> None:
    response = get("/api/v1/municipalities/1804")

    assert '"name": "Bodø"' in response.content.decode()


def test_municipalities_in_region_filter_gives_the_80_of_the_region() -> None:
    inside = get("/api/v1/municipalities?in_region=true").json()
    outside = get("/api/v1/municipalities?in_region=false").json()

    assert len(inside) == 80
    assert {row["county_number"] for row in inside} == {"18", "55", "56"}
    assert {row["in_region"] for row in inside} == {True}
    assert len(outside) == 277
    assert {row["in_region"] for row in outside} == {False}


def test_municipalities_county_filter_gives_the_county_only() -> None:
    body = get("/api/v1/municipalities?county=56").json()

    assert len(body) == 18
    assert {row["county_name"] for row in body} == {"Finnmark"}
    kautokeino = next(row for row in body if row["number"] == "5612")
    assert kautokeino["name"] == "Guovdageaidnu - Kautokeino"
    assert kautokeino["name_nb"] == "Kautokeino"
    assert kautokeino["in_sami_language_area"] is True


def test_municipalities_county_and_region_filters_combine() -> None:
    assert get("/api/v1/municipalities?county=03&in_region=true").json() == []


def test_municipalities_unknown_county_is_422_with_a_norwegian_message() -> None:
    response = get("/api/v1/municipalities?county=99")

    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": "county", "message": "Det finnes ikke noe fylke med nummer 99."}]}


def test_municipalities_in_region_must_be_true_or_false() -> None:
    response = get("/api/v1/municipalities?in_region=kanskje")

    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": "in_region", "message": "Oppgi true eller false."}]}


def test_municipalities_query_count_is_fixed(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        assert len(get("/api/v1/municipalities").json()) == 357
    with django_assert_num_queries(2):
        assert len(get("/api/v1/municipalities?county=18").json()) == 41


def test_municipality_detail_gives_the_fields() -> None:
    response = get("/api/v1/municipalities/1804")

    assert response.status_code == 200
    assert response.json() == BODO


def test_municipality_detail_unknown_is_404_json() -> None:
    response = get("/api/v1/municipalities/9999")

    assert response.status_code == 404
    assert response.json() == {"detail": [{"field": None, "message": "Kommunen finnes ikke."}]}


def test_solutions_lists_the_whole_catalogue_in_order() -> None:
    response = get("/api/v1/solutions")

    assert response.status_code == 200
    body = response.json()
    assert [row["slug"] for row in body] == list(
        Solution.objects.order_by("position", "slug").values_list("slug", flat=True)
    )
    assert [row["status"] for row in body if row["slug"] == "akson"] == ["historical"]
    assert [row for row in body if row["slug"] == "kjernejournal"] == [
        {
            "slug": "kjernejournal",
            "name": "Kjernejournal (fastlege og legevakt)",
            "short_name": "Kjernejournal",
            "kind": "ehelse",
            "status": "active",
            "statutory": "required_some",
            "owner": "Norsk helsenett SF",
            "prerequisites": ["helseid", "helsenettet"],
            "phases": [
                {"key": "ikke_startet", "name": "Ikke startet", "stage": "not_started"},
                {"key": "planlagt", "name": "Planlagt", "stage": "planned"},
                {"key": "forberedelse", "name": "Forberedelse", "stage": "preparing"},
                {"key": "utproving", "name": "Utprøving", "stage": "piloting"},
                {"key": "i_drift", "name": "I drift", "stage": "in_production"},
                {"key": "gevinstrealisering", "name": "Gevinstrealisering", "stage": "realising_benefits"},
                {"key": "ikke_aktuell", "name": "Ikke aktuell", "stage": "not_relevant"},
            ],
            "source_url": "https://ehelse.no/e-resept-kjernejournal-og-helsenorgeno/kjernejournal/innhold-og-funksjoner-i-kjernejournal",
        }
    ]


def test_solutions_query_count_is_fixed(django_assert_num_queries: Any) -> None:
    # Solutions, their templates' phases and their prerequisites: three queries for any catalogue.
    with django_assert_num_queries(3):
        get("/api/v1/solutions")
