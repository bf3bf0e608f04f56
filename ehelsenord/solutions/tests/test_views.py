"""The catalogue, the solution page and its history."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.models import Implementation
from ehelsenord.rollout.services import implementation_update
from ehelsenord.rollout.tests.test_records import client_for, facts, main_of, make_changes, page, table
from ehelsenord.solutions.models import Solution

pytestmark = pytest.mark.django_db

LIST_QUERIES = 8
DETAIL_QUERIES = 11
DETAIL_COUNTY_QUERIES = 12
HISTORY_QUERIES = 11


@pytest.fixture
def pll() -> Solution:
    return Solution.objects.get(slug="pasientens-legemiddelliste")


def update(number: str, slug: str, user: Any, **changes: Any) -> None:
    implementation_update(
        municipality=Municipality.objects.get(number=number),
        solution=Solution.objects.get(slug=slug),
        user=user,
        changes=changes,
    )


# --- The catalogue -----------------------------------------------------------------------------


def test_solution_list_groups_by_kind_with_status_and_the_regions_count(coordinator: Any, reader: Any) -> None:
    update("1804", "helsenettet", coordinator, phase="tilkoblet")
    update("1856", "helsenettet", coordinator, phase="alle_tjenester_tilkoblet")
    update("1804", "e-las", coordinator, phase="ikke_aktuell")
    # Outside the region nobody changes records through the services; the row only proves Oslo is not counted.
    helsenettet = Solution.objects.get(slug="helsenettet")
    Implementation.objects.create(
        municipality=Municipality.objects.get(number="0301"),
        solution=helsenettet,
        phase=helsenettet.phase_template.phases.get(key="tilkoblet"),
        updated_at=timezone.now(),
    )
    response = client_for(reader).get("/losninger/")
    main = main_of(response)
    assert main.find("h1").text() == "Løsninger"
    assert [h2.text() for h2 in main.find_all("h2")] == ["Nasjonale e-helseløsninger", "Velferdsteknologi"]
    ehealth = table(response, "Nasjonale e-helseløsninger")
    assert ehealth[0] == [
        "Helsenettet (medlemskap)",
        "Aktiv",
        "Påbudt for alle kommunale helse- og omsorgstjenester",
        "2 av 80 kommuner",
    ]
    assert [
        "Velferdsteknologisk knutepunkt (VKP)",
        "Skal erstattes",
        "Kommunene må betale",
        "0 av 80 kommuner",
    ] in ehealth
    assert ehealth[-1] == ["Akson / Felles kommunal journal", "Historisk", "Ikke påbudt", "0 av 80 kommuner"]
    welfare = table(response, "Velferdsteknologi")
    assert [row[0] for row in welfare] == [
        "Digital trygghetsalarm",
        "Lokaliseringsteknologi (GPS)",
        "Digitalt tilsyn",
        "Elektronisk medisineringsstøtte",
        "Elektroniske dørlåser (e-lås)",
        "Responssenter",
    ]
    assert welfare[4][3] == "0 av 79 kommuner"


@pytest.mark.parametrize("many", [False, True])
def test_solution_list_query_count_does_not_grow(many: bool, coordinator: Any, django_assert_num_queries: Any) -> None:
    update("1804", "helseid", coordinator, phase="i_drift")
    if many:
        for municipality in Municipality.objects.filter(county__in_region=True)[:60]:
            for slug in ("helseid", "e-las", "digihelse"):
                update(municipality.number, slug, coordinator, note="Planlegger")
    client = client_for(coordinator)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/losninger/")
    assert len(table(response, "Velferdsteknologi")) == 6


# --- The solution page -------------------------------------------------------------------------


def test_solution_page_describes_the_solution(pll: Solution, reader: Any) -> None:
    response = client_for(reader).get("/losninger/pasientens-legemiddelliste/")
    main = main_of(response)
    assert main.find("h1").text() == "Pasientens legemiddelliste (PLL)"
    assert main.find("div", class_="solution-description").text() == pll.description
    about = facts(main.find("dl"))
    assert about == {
        "Eier": "Helsedirektoratet og Norsk helsenett SF",
        "Brukes av": "Fastlege, legevakt, sykehjem, hjemmetjeneste",
        "Lovkrav": f"Ikke avklart {pll.statutory_note}",
        "Kilde": pll.source_url if len(pll.source_url) <= 60 else pll.source_url[:59] + "…",
    }
    assert main.find("a", href=pll.source_url).attrs["rel"] == "noopener noreferrer"
    prerequisites = main.find("h2", id="prerequisites-heading")
    assert prerequisites.text() == "Forutsetninger"
    links = [(a.text(), a.attrs["href"]) for a in main.find_all("a") if a.attrs["href"].startswith("/losninger/")]
    assert links[1:] == [
        ("Helsenettet (medlemskap)", "/losninger/helsenettet/"),
        ("HelseID", "/losninger/helseid/"),
        ("Kjernejournal (fastlege og legevakt)", "/losninger/kjernejournal/"),
        ("E-resept og Sentral forskrivningsmodul (SFM)", "/losninger/e-resept/"),
        ("Elektronisk multidose", "/losninger/elektronisk-multidose/"),
        ("Se hele historikken", "/losninger/pasientens-legemiddelliste/historikk/"),
    ]
    assert "Ingen andre løsninger bygger på denne." in main.text()
    assert pll.status_note in [alert.text() for alert in main.find_all("div", class_="ds-alert")]


def test_solution_page_shows_what_requires_it_and_the_status_note(reader: Any) -> None:
    client = client_for(reader)
    helsenettet = main_of(client.get("/losninger/helsenettet/"))
    required_by = [
        a.text()
        for a in helsenettet.find_all("a")
        if a.attrs["href"].startswith("/losninger/") and a.text() != "Løsninger"
    ]
    assert "Pasientens legemiddelliste (PLL)" in required_by
    assert "Responssenter" in required_by
    vkp = main_of(client.get("/losninger/velferdsteknologisk-knutepunkt/"))
    assert [tag.text() for tag in vkp.find_all("span", class_="ds-tag")] == [
        "Skal erstattes",
        "Nasjonal e-helseløsning",
    ]
    assert (
        vkp.find("div", class_="ds-alert").text() == "Skal erstattes av egne API-baserte informasjonstjenester i 2026."
    )


def test_solution_page_shows_the_phase_distribution_and_every_record(
    pll: Solution, coordinator: Any, bodo_contact: Any, reader: Any
) -> None:
    implementation_update(
        municipality=Municipality.objects.get(number="1804"),
        solution=pll,
        user=bodo_contact,
        changes={"phase": "i_drift", "traffic_light": "at_risk", "note": "Alle sykehjem", "evidence": "documented"},
    )
    update("1856", pll.slug, coordinator, phase="ikke_aktuell")
    update("5501", pll.slug, coordinator, phase="utproving")
    update("5601", pll.slug, coordinator, phase="gevinstrealisering")
    response = client_for(reader).get("/losninger/pasientens-legemiddelliste/")
    phases = main_of(response).find("section", **{"aria-labelledby": "phases-heading"})
    assert phases.find("p").text() == ("Innføringen følger fasemalen «Standard innføringsløp».")
    assert table(response, "Kommuner per fase i Nord-Norge") == [
        ["Ikke startet", "76", "95 %"],
        ["Planlagt", "0", "0 %"],
        ["Forberedelse", "0", "0 %"],
        ["Utprøving", "1", "1 %"],
        ["I drift", "1", "1 %"],
        ["Gevinstrealisering", "1", "1 %"],
        ["Ikke aktuell", "1", "1 %"],
    ]
    tfoot = page(response).find("table", class_="phase-table").find("tfoot")
    assert tfoot.text() == "I bruk 2 3 % av de aktuelle"
    rows = table(response, "Registreringer for PLL i Nord-Norge")
    assert len(rows) == 80
    bodo_row = next(row for row in rows if row[0] == "Bodø")
    assert bodo_row[:7] == ["Bodø", "I drift", "Risiko", "Alle sykehjem", "–", "–", "Dokumentert"]
    assert next(row for row in rows if row[0] == "Røst")[1] == "Ikke aktuell"
    assert next(row for row in rows if row[0] == "Andøy") == [
        "Andøy",
        "Ikke startet",
        "I rute",
        "–",
        "–",
        "–",
        "Egenrapportert",
        "Aldri",
    ]
    assert main_of(response).find("a", href="/registreringer/1804/pasientens-legemiddelliste/").text() == "Bodø"


def test_solution_page_switches_to_a_county_or_norway(pll: Solution, coordinator: Any, reader: Any) -> None:
    update("1804", pll.slug, coordinator, phase="i_drift")
    client = client_for(reader)
    nordland = client.get("/losninger/pasientens-legemiddelliste/", {"omrade": "18"})
    assert len(table(nordland, "Registreringer for PLL i Nordland")) == 41
    assert table(nordland, "Kommuner per fase i Nordland")[4] == ["I drift", "1", "2 %"]
    norway = client.get("/losninger/pasientens-legemiddelliste/", {"omrade": "norge"})
    rows = table(norway, "Registreringer for PLL i hele landet")
    assert len(rows) == 357
    assert next(row for row in rows if row[0] == "Oslo")[:2] == ["Oslo", "Ikke startet"]
    assert main_of(norway).find("option", selected="").text() == "Hele landet"


def test_solution_page_unknown_slug_is_404(reader: Any) -> None:
    assert client_for(reader).get("/losninger/finnes-ikke/").status_code == 404


@pytest.mark.parametrize("many", [False, True])
def test_solution_page_query_count_does_not_grow(
    many: bool, pll: Solution, coordinator: Any, django_assert_num_queries: Any
) -> None:
    update("1804", pll.slug, coordinator, phase="i_drift")
    if many:
        for municipality in Municipality.objects.filter(county__in_region=True):
            update(municipality.number, pll.slug, coordinator, phase="planlagt", note="Starter snart")
    client = client_for(coordinator)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get("/losninger/pasientens-legemiddelliste/")
    assert len(table(response, "Registreringer for PLL i Nord-Norge")) == 80
    with django_assert_num_queries(DETAIL_COUNTY_QUERIES):
        response = client.get("/losninger/pasientens-legemiddelliste/", {"omrade": "55"})
    assert len(table(response, "Registreringer for PLL i Troms")) == 21


# --- History -----------------------------------------------------------------------------------


def test_solution_history_is_paginated_across_municipalities(
    pll: Solution, bodo: Any, rost: Any, coordinator: Any, reader: Any
) -> None:
    make_changes(bodo, pll, coordinator, 40)
    make_changes(rost, pll, coordinator, 30)
    make_changes(bodo, Solution.objects.get(slug="e-las"), coordinator, 5)
    client = client_for(reader)
    first = client.get("/losninger/pasientens-legemiddelliste/historikk/")
    assert main_of(first).find("h1").text() == "Historikk for Pasientens legemiddelliste (PLL)"
    caption = "Endringer for Pasientens legemiddelliste (PLL) i alle kommuner, nyeste først"
    rows = table(first, caption)
    assert len(rows) == 50
    assert rows[0][1:] == ["Bodø", "Notat", "Notat 39", "Notat 40", "Kari Koordinator", "Regnearkimport"]
    # Same minute: the later entry (Røst's) comes first.
    assert [(row[1], row[4]) for row in rows[9:12]] == [
        ("Bodø", "Notat 31"),
        ("Røst", "Notat 30"),
        ("Bodø", "Notat 30"),
    ]
    assert "Viser 1–50 av 70 endringer." in main_of(first).text()
    second = client.get("/losninger/pasientens-legemiddelliste/historikk/", {"side": "2"})
    assert len(table(second, caption)) == 20
    assert "Viser 51–70 av 70 endringer." in main_of(second).text()


@pytest.mark.parametrize("count", [1, 60])
def test_solution_history_query_count_does_not_grow(
    count: int, pll: Solution, bodo: Any, rost: Any, coordinator: Any, django_assert_num_queries: Any
) -> None:
    make_changes(bodo, pll, coordinator, count)
    make_changes(rost, pll, coordinator, count)
    client = client_for(coordinator)
    with django_assert_num_queries(HISTORY_QUERIES):
        response = client.get("/losninger/pasientens-legemiddelliste/historikk/")
    caption = "Endringer for Pasientens legemiddelliste (PLL) i alle kommuner, nyeste først"
    assert len(table(response, caption)) == min(2 * count, 50)


def test_solution_pages_anonymous_are_sent_to_login(client: Any) -> None:
    assert client.get("/losninger/")["Location"] == "/konto/logg-inn/?next=/losninger/"
    assert client.get("/losninger/helseid/")["Location"] == "/konto/logg-inn/?next=/losninger/helseid/"
