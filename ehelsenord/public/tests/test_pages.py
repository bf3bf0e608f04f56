"""The public pages without login: about eHelse Nord, the status index, a municipality, a solution and
the accessibility statement."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ehelsenord.municipalities.models import Municipality
from ehelsenord.public.tests.public_fixtures import (
    PublicWorld,
    public_change,
    public_data_per,
    public_days_ago,
    public_nb_date,
    public_world,
)
from ehelsenord.public.views.pages import STATEMENT_REVIEWED
from ehelsenord.rollout.tests.test_records import client_for, main_of, page, table

pytestmark = pytest.mark.django_db
__all__ = ["public_world"]  # a fixture: pytest finds it by the argument name

# Queries per page, whatever the number of records: the demo banner's check, the municipalities,
# the solutions and their phases, the public records, the phase changes after the cutoff.
INDEX_QUERIES = 6
MUNICIPALITY_QUERIES = 6  # the municipality instead of the region's list
SOLUTION_QUERIES = 6  # the solution with its phases instead of the catalogue
SOLUTION_COUNT = 22  # the catalogue's solutions in use (Akson is historical)
PLL = "Pasientens legemiddelliste (PLL)"


def headings(response: Any, level: str) -> list[str]:
    return [heading.text() for heading in main_of(response).find_all(level)]


def data_note(response: Any) -> str:
    return main_of(response).find("div", class_="public-data-note").text()


# --- Access ----------------------------------------------------------------------------------------

PUBLIC_URLS = [
    ("public:about", []),
    ("public:status", []),
    ("public:status_municipality", ["1804"]),
    ("public:status_solution", ["pasientens-legemiddelliste"]),
    ("public:open_data", []),
    ("public:open_data_csv", []),
    ("public:open_data_json", []),
    ("public:accessibility", []),
]


@pytest.mark.parametrize(("name", "args"), PUBLIC_URLS)
def test_every_public_page_opens_without_login(name: str, args: list[str]) -> None:
    response = Client().get(reverse(name, args=args))
    assert response.status_code == 200
    assert "Location" not in response


@pytest.mark.parametrize(("name", "args"), PUBLIC_URLS)
def test_every_public_page_also_opens_for_a_logged_in_user(name: str, args: list[str], reader: Any) -> None:
    assert client_for(reader).get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize(("name", "args"), PUBLIC_URLS)
def test_public_pages_only_answer_get(name: str, args: list[str]) -> None:
    response = Client().post(reverse(name, args=args))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"  # HEAD for link checkers and data harvesters


@pytest.mark.parametrize(
    "number",
    [
        "0301",  # Oslo: a real municipality, outside the region
        "4601",  # Bergen
        "9999",  # no municipality
        "18",  # a county number
    ],
)
def test_a_municipality_outside_the_region_is_not_found(public_world: PublicWorld, number: str) -> None:
    response = Client().get(reverse("public:status_municipality", args=[number]))
    assert response.status_code == 404


@pytest.mark.parametrize("slug", ["akson", "finnes-ikke"])
def test_a_historical_or_unknown_solution_is_not_found(public_world: PublicWorld, slug: str) -> None:
    assert Client().get(reverse("public:status_solution", args=[slug])).status_code == 404


# --- About ---------------------------------------------------------------------------------------


def test_about_tells_the_mandate_the_plan_the_goals_and_how_to_take_part() -> None:
    response = Client().get(reverse("public:about"))
    main = main_of(response)
    assert main.find("h1").text() == "Om eHelse Nord"
    assert headings(response, "h2") == ["Mandat", "Planen", "Mål", "Slik kan du delta"]
    assert headings(response, "h3") == ["E-helsepersonell", "Kommuner", "Alle"]
    steps, goals = main.find_all("ol")
    assert [step.text().split(":")[0] for step in steps.find_all("li")] == [
        "Organisering",
        "Finansiering",
        "Intensjonsavtaler",
        "Kompisnettverk",
        "En paraply",
    ]
    assert [goal.text() for goal in goals.find_all("li")] == [
        "Samordne innføringen av nasjonale e-helseløsninger",
        "Erfaringsdeling og beste praksis",
        "Sertifisering og standardisering",
        "Vurdere innovasjonsområder og ny teknologi",
        "Vurdere gevinster og konsekvenser av teknologi",
        "Fremtidsbilder for endrede arbeidsprosesser",
    ]
    links = {link.text(): link.attrs["href"] for link in main.find_all("a")}
    assert links["Er du e-helsepersonell og ønsker å delta?"] == reverse("public:join")
    assert links["Logg inn for å svare på kommunens intensjonsavtale"] == reverse("accounts:login")
    assert links["Kontroller at en signert avtale er ekte"] == reverse("agreements:check")
    assert links["Status i kommunene"] == reverse("public:status")
    assert links["Åpne data"] == reverse("public:open_data")
    assert "«A- og B-kommuner»" in main.text()


def test_the_public_menu_marks_the_current_page() -> None:
    response = Client().get(reverse("public:about"))
    menu = page(response).find("nav", class_="site-nav")
    current = [link.text() for link in menu.find_all("a") if link.attrs.get("aria-current") == "page"]
    assert current == ["Om eHelse Nord"]


# --- The status index ------------------------------------------------------------------------------


def test_status_index_lists_the_region_by_county_and_the_solutions_with_links(public_world: PublicWorld) -> None:
    response = Client().get(reverse("public:status"))
    main = main_of(response)
    assert main.find("h1").text() == "Status i kommunene"
    assert headings(response, "h2") == ["Kommuner", "Løsninger"]
    assert headings(response, "h3") == ["Finnmark", "Nordland", "Troms"]
    nordland = table(response, "Kommuner i Nordland")
    assert len(nordland) == 41
    assert ["Bodø", "1804", f"2 av {SOLUTION_COUNT} løsninger"] in nordland
    assert ["Røst", "1856", f"2 av {SOLUTION_COUNT} løsninger"] in nordland
    assert ["Værøy", "1857", f"0 av {SOLUTION_COUNT} løsninger"] in nordland
    assert [row[0] for row in nordland][:3] == ["Aarborte - Hattfjelldal", "Alstahaug", "Andøy"]
    assert len(table(response, "Kommuner i Troms")) + len(table(response, "Kommuner i Finnmark")) == 39
    solutions = table(response, "Løsninger")
    assert len(solutions) == SOLUTION_COUNT
    assert solutions[0] == ["Helsenettet (medlemskap)", "1 av 80 kommuner"]
    assert [PLL, "2 av 80 kommuner"] in solutions
    assert ["HelseID", "1 av 80 kommuner"] in solutions
    assert ["E-resept og Sentral forskrivningsmodul (SFM)", "0 av 80 kommuner"] in solutions
    assert "Akson / Felles kommunal journal" not in main.text()
    links = {link.text(): link.attrs["href"] for link in main.find_all("a")}
    assert links["Bodø"] == reverse("public:status_municipality", args=["1804"])
    assert links[PLL] == reverse("public:status_solution", args=["pasientens-legemiddelliste"])
    assert links["åpne data"] == reverse("public:open_data")
    jump = main.find("nav")
    assert jump.attrs["aria-label"] == "På denne siden"
    assert [(link.text(), link.attrs["href"]) for link in jump.find_all("a")] == [
        ("Finnmark", "#county-56"),
        ("Nordland", "#county-18"),
        ("Troms", "#county-55"),
        ("Løsninger", "#solutions-heading"),
    ]


def test_status_pages_say_the_date_of_the_data_and_what_is_shown(public_world: PublicWorld) -> None:
    for url in (
        reverse("public:status"),
        reverse("public:status_municipality", args=["1804"]),
        reverse("public:status_solution", args=["helseid"]),
        reverse("public:open_data"),
    ):
        note = data_note(Client().get(url))
        assert note.startswith(f"Data per {public_nb_date(public_data_per())} "), url
        assert "for 30 dager siden" in note
        assert "merket «Ikke publisert»" in note
        assert "Løsninger som ikke lenger er i bruk, vises ikke." in note


# --- A municipality ------------------------------------------------------------------------------


def test_municipality_page_shows_the_public_phase_of_every_solution(public_world: PublicWorld) -> None:
    response = Client().get(reverse("public:status_municipality", args=["1804"]))
    main = main_of(response)
    assert main.find("h1").text() == "Status i Bodø"
    assert page(response).find("title").text() == "Status i Bodø – eHelse Nord"
    assert main.find("nav").find("a").attrs["href"] == reverse("public:status")
    assert f"Bodø i Nordland har gjort fasen for 2 av {SOLUTION_COUNT} løsninger offentlig." in main.text()
    rows = table(response, f"Fase for hver løsning i Bodø per {public_nb_date(public_data_per())}")
    assert len(rows) == SOLUTION_COUNT
    assert rows[0] == ["Helsenettet (medlemskap)", "Avtaler signert", "Forberedelse"]
    assert [PLL, "I drift", "I drift"] in rows
    assert [row for row in rows if row[1] != "Ikke publisert"] == [rows[0], [PLL, "I drift", "I drift"]]
    # The phase has its pattern, so colour is not alone; each solution links to its page.
    assert main.find("span", class_="stage--in_production").text() == "I drift"
    links = {link.text(): link.attrs["href"] for link in main.find("table").find_all("a")}
    assert links[PLL] == reverse("public:status_solution", args=["pasientens-legemiddelliste"])


def test_a_sami_name_is_shown_as_the_official_name() -> None:
    response = Client().get(reverse("public:status_municipality", args=["5610"]))
    assert main_of(response).find("h1").text() == "Status i Kárášjohka - Karasjok"
    assert "Kárášjohka - Karasjok i Finnmark" in main_of(response).text()


# --- A solution ----------------------------------------------------------------------------------


def test_solution_page_shows_every_municipality_of_the_region_by_county(public_world: PublicWorld) -> None:
    response = Client().get(reverse("public:status_solution", args=["pasientens-legemiddelliste"]))
    main = main_of(response)
    assert main.find("h1").text() == f"Status for {PLL}"
    assert headings(response, "h2") == ["Finnmark", "Nordland", "Troms"]
    assert "2 av 80 kommuner har gjort fasen for denne løsningen offentlig." in main.text()
    nordland = table(response, f"Fase for {PLL} i Nordland")
    assert len(nordland) == 41
    assert ["Bodø", "I drift", "I drift"] in nordland
    assert ["Røst", "Utprøving", "Utprøving"] in nordland
    assert [row for row in nordland if row[1] != "Ikke publisert"] == [
        ["Bodø", "I drift", "I drift"],
        ["Røst", "Utprøving", "Utprøving"],
    ]
    troms = table(response, f"Fase for {PLL} i Troms")
    assert {row[1] for row in troms} == {"Ikke publisert"}
    links = {link.text(): link.attrs["href"] for link in main.find_all("a")}
    assert links["Røst"] == reverse("public:status_municipality", args=["1856"])


def test_a_solution_being_replaced_is_still_shown() -> None:
    response = Client().get(reverse("public:status_solution", args=["velferdsteknologisk-knutepunkt"]))
    assert main_of(response).find("h1").text() == "Status for Velferdsteknologisk knutepunkt (VKP)"


# --- Accessibility statement ---------------------------------------------------------------------


def test_accessibility_statement_names_the_standard_the_deviations_feedback_and_complaints(settings: Any) -> None:
    settings.ACCESSIBILITY_CONTACT_EMAIL = "uu@ehelsenord.example.no"
    response = Client().get(reverse("public:accessibility"))
    main = main_of(response)
    assert main.find("h1").text() == "Tilgjengelighetserklæring"
    assert headings(response, "h2") == ["Standard", "Status", "Tilbakemelding", "Klage"]
    text = main.text()
    assert "likestillings- og diskrimineringsloven § 18" in text
    assert "forskrift om universell utforming av informasjons- og kommunikasjonsteknologiske (IKT)-løsninger" in text
    assert "(WCAG) 2.1 på nivå A og AA" in text
    assert "Plattformen oppfyller kravene delvis." in text
    deviations = [item.text() for item in main.find("ul").find_all("li")]
    assert len(deviations) == 4
    assert deviations[0].startswith("Automatisk testing finner bare noen typer barrierer.")
    assert "PDF/UA" in deviations[1]
    assert deviations[2].startswith("Kartet over kommunene har små etiketter")
    links = {link.text(): link.attrs["href"] for link in main.find_all("a")}
    assert links["uu@ehelsenord.example.no"] == "mailto:uu@ehelsenord.example.no"
    assert links["uutilsynet.no"] == "https://www.uutilsynet.no/"
    assert links["diskrimineringsnemnda.no"] == "https://www.diskrimineringsnemnda.no/"
    assert f"Erklæringen ble sist gjennomgått {public_nb_date(STATEMENT_REVIEWED)}." in text


# --- Query counts ----------------------------------------------------------------------------------


@pytest.fixture(params=[1, 25], ids=["one-record", "many-records"])
def public_records(request: Any, coordinator: Any) -> int:
    """Public records with history on both sides of the cutoff, in `request.param` municipalities."""
    municipalities = list(Municipality.objects.filter(county__in_region=True).order_by("number")[: request.param])
    for municipality in municipalities:
        for slug in ("pasientens-legemiddelliste", "helseid", "kjernejournal"):
            public_change(municipality, slug, coordinator, public_days_ago(60), phase="planlagt", public=True)
            public_change(municipality, slug, coordinator, public_days_ago(45), phase="forberedelse")
            public_change(municipality, slug, coordinator, public_days_ago(2), phase="i_drift")
    return len(municipalities)


def test_status_pages_cost_a_fixed_number_of_queries(public_records: int, django_assert_num_queries: Any) -> None:
    client = Client()
    with django_assert_num_queries(INDEX_QUERIES):
        index = client.get(reverse("public:status"))
    with django_assert_num_queries(MUNICIPALITY_QUERIES):
        municipality = client.get(reverse("public:status_municipality", args=["1804"]))
    with django_assert_num_queries(SOLUTION_QUERIES):
        solution = client.get(reverse("public:status_solution", args=["helseid"]))
    assert [row[1] for row in table(index, "Løsninger") if row[0] == "HelseID"] == [f"{public_records} av 80 kommuner"]
    assert ["HelseID", "Forberedelse", "Forberedelse"] in table(
        municipality, f"Fase for hver løsning i Bodø per {public_nb_date(public_data_per())}"
    )
    assert ["Bodø", "Forberedelse", "Forberedelse"] in table(solution, "Fase for HelseID i Nordland")


def test_about_and_accessibility_cost_one_query(django_assert_num_queries: Any) -> None:
    client = Client()
    with django_assert_num_queries(1):  # the demo banner's check
        client.get(reverse("public:about"))
    with django_assert_num_queries(1):
        client.get(reverse("public:accessibility"))
