"""The municipality list, the municipality page and its history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from ehelsenord.accounts.enums import Role
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.services import implementation_update
from ehelsenord.rollout.tests.test_records import client_for, facts, main_of, make_changes, page, table
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_list

pytestmark = pytest.mark.django_db

LIST_QUERIES = 9
DETAIL_QUERIES = 12  # + the municipality's intent agreements
HISTORY_QUERIES = 10


@pytest.fixture
def pll() -> Solution:
    return Solution.objects.get(slug="pasientens-legemiddelliste")


def update(municipality: Any, slug: str, user: Any, **changes: Any) -> None:
    implementation_update(
        municipality=municipality, solution=Solution.objects.get(slug=slug), user=user, changes=changes
    )


# --- The list --------------------------------------------------------------------------------


def test_municipality_list_groups_the_region_by_county_in_norwegian_order(bodo: Any, reader: Any) -> None:
    response = client_for(reader).get("/kommuner/")
    main = main_of(response)
    assert main.find("h1").text() == "Kommuner"
    assert [h2.text() for h2 in main.find_all("h2")] == ["Finnmark", "Nordland", "Troms"]
    assert "80 kommuner i Nord-Norge." in main.text()
    nordland = table(response, "Kommuner i Nordland")
    assert len(nordland) == 41
    names = [row[0] for row in nordland]
    assert names[:3] == ["Aarborte - Hattfjelldal", "Alstahaug", "Andøy"]
    assert names[-3:] == ["Værøy", "Vågan", "Øksnes"]
    assert ["Bodø", "1804", "53 712", "0 av 22 aktuelle"] in nordland


def test_municipality_list_counts_solutions_in_use_of_the_relevant(bodo: Any, coordinator: Any, reader: Any) -> None:
    update(bodo, "pasientens-legemiddelliste", coordinator, phase="i_drift")
    update(bodo, "e-las", coordinator, phase="gevinstrealisering")
    update(bodo, "digihelsestasjon", coordinator, phase="ikke_aktuell")
    update(bodo, "helseid", coordinator, phase="utproving")
    response = client_for(reader).get("/kommuner/")
    assert ["Bodø", "1804", "53 712", "2 av 21 aktuelle"] in table(response, "Kommuner i Nordland")


def test_municipality_list_switches_to_a_county_or_norway(reader: Any) -> None:
    client = client_for(reader)
    troms = client.get("/kommuner/", {"omrade": "55"})
    assert [h2.text() for h2 in main_of(troms).find_all("h2")] == ["Troms"]
    assert "21 kommuner i Troms." in main_of(troms).text()
    assert main_of(troms).find("option", selected="").text() == "Troms"
    norway = client.get("/kommuner/", {"omrade": "norge"})
    assert "357 kommuner i hele landet." in main_of(norway).text()
    assert [h2.text() for h2 in main_of(norway).find_all("h2")][:3] == ["Agder", "Akershus", "Buskerud"]
    assert ["Oslo", "0301", "717 710", "0 av 22 aktuelle"] in table(norway, "Kommuner i Oslo")


def test_municipality_list_search_filters_by_name(reader: Any) -> None:
    client = client_for(reader)
    response = client.get("/kommuner/", {"q": "ráisa"})
    assert [h2.text() for h2 in main_of(response).find_all("h2")] == ["Troms"]
    assert [row[0] for row in table(response, "Kommuner i Troms")] == ["Nordreisa - Ráisa - Raisi"]
    assert page(response).find("input", id="id_q").attrs["value"] == "ráisa"
    nothing = client.get("/kommuner/", {"q": "Oslo"})
    assert "Ingen kommuner passer med søket." in main_of(nothing).text()
    assert "0 kommuner i Nord-Norge." in main_of(nothing).text()


@pytest.mark.parametrize("many", [False, True])
def test_municipality_list_query_count_does_not_grow(
    many: bool, bodo: Any, coordinator: Any, django_assert_num_queries: Any
) -> None:
    update(bodo, "helseid", coordinator, phase="i_drift")
    if many:
        for municipality in Municipality.objects.filter(county__in_region=True)[:40]:
            for solution in solution_list()[:5]:
                implementation_update(
                    municipality=municipality, solution=solution, user=coordinator, changes={"note": "Planlegger"}
                )
    client = client_for(coordinator)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/kommuner/")
    assert len(table(response, "Kommuner i Nordland")) == 41


def test_municipality_list_anonymous_is_sent_to_login(client: Any) -> None:
    assert client.get("/kommuner/")["Location"] == "/konto/logg-inn/?next=/kommuner/"


# --- The municipality page ---------------------------------------------------------------------


def test_municipality_page_shows_the_facts(reader: Any) -> None:
    response = client_for(reader).get("/kommuner/5540/")
    main = main_of(response)
    assert main.find("h1").text() == "Gáivuotna - Kåfjord - Kaivuono"
    assert facts(main.find("dl")) == {
        "Offisielt navn": "Gáivuotna - Kåfjord - Kaivuono",
        "Navn på nordsamisk": "Gáivuotna",
        "Navn på kvensk": "Kaivuono",
        "Kommunenummer": "5540",
        "Fylke": "Troms",
        "Innbyggere": "1 974 (per 1. januar 2024)",
        "Areal": "991 km²",
        "Organisasjonsnummer": "940363586",
        "Samisk språkområde": "Ja, i forvaltningsområdet for samisk språk",
    }
    assert main.find("dd", lang="se").text() == "Gáivuotna"
    assert main.find("dd", lang="fkv").text() == "Kaivuono"


def test_municipality_page_lists_contacts_with_a_mail_link(bodo: Any, rost: Any, make_user: Any, reader: Any) -> None:
    make_user(
        role=Role.MUNICIPALITY_CONTACT,
        full_name="Berit Bodø",
        title="Rådgiver e-helse",
        email="berit@bodo.example",
        municipalities=[bodo],
    )
    make_user(role=Role.MUNICIPALITY_CONTACT, full_name="Rolf Røst", municipalities=[rost])
    make_user(role=Role.MUNICIPALITY_CONTACT, full_name="Sluttet Før", is_active=False, municipalities=[bodo])
    response = client_for(reader).get("/kommuner/1804/")
    contacts = [item.text() for item in main_of(response).find("ul", class_="contact-list").find_all("li")]
    assert contacts == [f"Berit Bodø, Rådgiver e-helse {Role.MUNICIPALITY_CONTACT.label} berit@bodo.example"]
    assert main_of(response).find("a", href="mailto:berit@bodo.example").text() == "berit@bodo.example"


def test_municipality_page_without_contacts_says_so(reader: Any) -> None:
    response = client_for(reader).get("/kommuner/1856/")
    assert "Kommunen har ingen kontaktperson på plattformen ennå." in main_of(response).text()


def test_municipality_page_shows_every_record_and_the_summary(
    bodo: Any, rost: Any, bodo_contact: Any, coordinator: Any, reader: Any
) -> None:
    implementation_update(
        municipality=bodo,
        solution=Solution.objects.get(slug="pasientens-legemiddelliste"),
        user=bodo_contact,
        changes={
            "phase": "i_drift",
            "traffic_light": "delayed",
            "note": "Alle legekontor",
            "target_date": date(2026, 1, 1),
            "go_live_date": date(2026, 2, 1),
            "evidence": "documented",
        },
        at=timezone.make_aware(datetime(2026, 3, 2, 10, 0)),
    )
    update(bodo, "digihelsestasjon", bodo_contact, phase="ikke_aktuell")
    update(bodo, "helseid", bodo_contact, phase="utproving")
    update(rost, "e-las", coordinator, phase="i_drift")
    response = client_for(reader).get("/kommuner/1804/")
    rows = table(response, "Registreringene til Bodø")
    assert [row[0] for row in rows] == [solution.short_name for solution in solution_list()]
    assert rows[6] == [
        "PLL",
        "I drift",
        "Forsinket",
        "Alle legekontor",
        "01.01.2026",
        "01.02.2026",
        "Dokumentert",
        "02.03.2026, Berit Bodø",
        "Vis PLL",
    ]
    assert rows[-2] == ["E-lås", "Ikke startet", "I rute", "–", "–", "–", "Egenrapportert", "Aldri", "Vis E-lås"]
    summary = main_of(response).find("section", **{"aria-labelledby": "summary-heading"})
    assert summary.find("p").text() == (
        "1 av 21 aktuelle løsninger er i bruk (5 %). 2 løsninger er påbegynt. "
        "1 registrering er dokumentert, resten er egenrapportert."
    )
    assert [item.text() for item in summary.find_all("li")] == [
        "Ikke startet: 19",
        "Planlagt: 0",
        "Forberedelse: 0",
        "Utprøving: 1",
        "I drift: 1",
        "Gevinstrealisering: 0",
        "Ikke aktuell: 1",
    ]
    assert page(response).find("span", class_="stage--in_production").text() == "I drift"


def test_municipality_page_edit_links_only_for_those_who_may_change(
    bodo: Any, bodo_contact: Any, rost_contact: Any
) -> None:
    own = main_of(client_for(bodo_contact).get("/kommuner/1804/"))
    assert own.find("a", href="/registreringer/1804/pasientens-legemiddelliste/").text() == "Endre PLL"
    assert own.find("a", href="/min-kommune/?kommune=1804").text() == "Oppdater alle løsningene i ett skjema"
    other = main_of(client_for(rost_contact).get("/kommuner/1804/"))
    assert other.find("a", href="/registreringer/1804/pasientens-legemiddelliste/").text() == "Vis PLL"
    assert other.find_all("a", href="/min-kommune/?kommune=1804") == []


def test_municipality_page_shows_the_ten_latest_changes(
    bodo: Any, rost: Any, pll: Solution, coordinator: Any, reader: Any
) -> None:
    make_changes(bodo, pll, coordinator, 12)
    make_changes(rost, pll, coordinator, 3)
    response = client_for(reader).get("/kommuner/1804/")
    rows = table(response, "De siste endringene i Bodø")
    assert [row[4] for row in rows] == [f"Notat {n}" for n in range(12, 2, -1)]
    assert rows[0][1:] == ["PLL", "Notat", "Notat 11", "Notat 12", "Kari Koordinator", "Regnearkimport"]
    assert main_of(response).find("a", href="/kommuner/1804/historikk/").text() == "Se hele historikken"


def test_municipality_page_without_changes_says_so(reader: Any) -> None:
    response = client_for(reader).get("/kommuner/1804/")
    history = main_of(response).find("section", **{"aria-labelledby": "history-heading"})
    assert history.find("p").text() == "Ingen endringer ennå."


def test_municipality_page_unknown_number_is_404(reader: Any) -> None:
    assert client_for(reader).get("/kommuner/9999/").status_code == 404


@pytest.mark.parametrize("many", [False, True])
def test_municipality_page_query_count_does_not_grow(
    many: bool, bodo: Any, bodo_contact: Any, make_user: Any, django_assert_num_queries: Any
) -> None:
    update(bodo, "helseid", bodo_contact, phase="i_drift")
    if many:
        for solution in solution_list():
            implementation_update(municipality=bodo, solution=solution, user=bodo_contact, changes={"note": "Neste år"})
            implementation_update(
                municipality=bodo, solution=solution, user=bodo_contact, changes={"traffic_light": "at_risk"}
            )
        for index in range(5):
            make_user(role=Role.MUNICIPALITY_CONTACT, full_name=f"Kontakt {index}", municipalities=[bodo])
    client = client_for(bodo_contact)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get("/kommuner/1804/")
    assert len(table(response, "Registreringene til Bodø")) == 22


# --- History -----------------------------------------------------------------------------------


def test_municipality_history_is_paginated_and_filterable(
    bodo: Any, rost: Any, pll: Solution, coordinator: Any, reader: Any
) -> None:
    elas = Solution.objects.get(slug="e-las")
    make_changes(bodo, pll, coordinator, 60)
    make_changes(bodo, elas, coordinator, 5)
    make_changes(rost, pll, coordinator, 7)
    client = client_for(reader)
    first = client.get("/kommuner/1804/historikk/")
    assert main_of(first).find("h1").text() == "Historikk for Bodø"
    rows = table(first, "Endringer i Bodø, nyeste først")
    assert len(rows) == 50
    assert "Viser 1–50 av 65 endringer." in main_of(first).text()
    second = client.get("/kommuner/1804/historikk/", {"side": "2"})
    assert len(table(second, "Endringer i Bodø, nyeste først")) == 15
    nav = page(second).find("nav", class_="history-pagination")
    assert [(a.text(), a.attrs["href"]) for a in nav.find_all("a")] == [
        ("Forrige", "?side=1"),
        ("Side 1", "?side=1"),
        ("Side 2", "?side=2"),
    ]
    filtered = client.get("/kommuner/1804/historikk/", {"losning": "e-las"})
    rows = table(filtered, "Endringer for Elektroniske dørlåser (e-lås) i Bodø, nyeste først")
    assert [(row[1], row[4]) for row in rows] == [("E-lås", f"Notat {n}") for n in range(5, 0, -1)]
    assert main_of(filtered).find("option", selected="").text() == "Elektroniske dørlåser (e-lås)"
    assert page(filtered).find_all("nav", class_="history-pagination") == []


def test_municipality_history_page_links_keep_the_filter(
    bodo: Any, pll: Solution, coordinator: Any, reader: Any
) -> None:
    make_changes(bodo, pll, coordinator, 51)
    response = client_for(reader).get("/kommuner/1804/historikk/", {"losning": pll.slug})
    nav = page(response).find("nav", class_="history-pagination")
    assert nav.find("a", rel="next").attrs["href"] == "?losning=pasientens-legemiddelliste&side=2"


def test_municipality_history_out_of_range_page_shows_the_last(
    bodo: Any, pll: Solution, coordinator: Any, reader: Any
) -> None:
    make_changes(bodo, pll, coordinator, 3)
    response = client_for(reader).get("/kommuner/1804/historikk/", {"side": "99"})
    assert [row[4] for row in table(response, "Endringer i Bodø, nyeste først")] == ["Notat 3", "Notat 2", "Notat 1"]


@pytest.mark.parametrize("count", [1, 80])
def test_municipality_history_query_count_does_not_grow(
    count: int, bodo: Any, coordinator: Any, django_assert_num_queries: Any
) -> None:
    for solution in solution_list()[:2]:
        make_changes(bodo, solution, coordinator, count)
    client = client_for(coordinator)
    with django_assert_num_queries(HISTORY_QUERIES):
        response = client.get("/kommuner/1804/historikk/")
    assert len(table(response, "Endringer i Bodø, nyeste først")) == min(2 * count, 50)
