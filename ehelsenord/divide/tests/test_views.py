"""The divide pages (Forskjeller): access, what they show against the selectors, the choice of area,
solutions and colouring, and query counts that do not grow with the data.

The figures are worked out by hand in test_selectors.py for the same setups; here the pages must show
exactly them, formatted the way every page formats shares.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ehelsenord.core.templatetags.numbers import decimal2, gap_whole, percent, signed
from ehelsenord.divide.map import map_data
from ehelsenord.divide.maturity import Divide, SizeClass
from ehelsenord.divide.selectors import divide_data, trend
from ehelsenord.divide.tests.test_selectors import (
    BODO,
    CHOSEN,
    ERESEPT,
    HELSEID,
    KJERNEJOURNAL,
    NOW,
    ROST,
    YESTERDAY,
    chosen_selection,
    make_network,
    make_round,
    peers_setup,
    set_phases,
    trend_setup,
)
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.tests.test_records import Node, client_for, main_of, table

pytestmark = pytest.mark.django_db

OVERVIEW, MAP, TREND = "/forskjeller/", "/forskjeller/kart/", "/forskjeller/utvikling/"
PAGES = (OVERVIEW, MAP, TREND)
CHOICE = "losning=helseid&losning=kjernejournal&losning=e-resept"
# The overview and the map of the region, a county or Norway, whatever the amount of data: session,
# user, solutions and phases, the round's offers, counties, municipalities, prerequisites,
# records, networks, the demo marker and the user's own municipalities (for the menu).
QUERIES = 12
MAX_QUERIES = 12  # the budget of the issue
SIZE_ORDER = list(SizeClass)
SIZE_CAPTION = "Forskjellsmål etter antall innbyggere"
COUNTY_CAPTION = "Forskjellsmål etter fylke"
BANDS_CAPTION = "Kommuner per modenhetsintervall"


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def get(client: Client, url: str, query: str = "") -> Any:
    response = client.get(f"{url}?{query}" if query else url)
    assert response.status_code == 200
    return response


def measures_row(label: str, measures: Divide) -> list[str]:
    """A row of the measures tables as the page should show it, from the selectors' figures."""
    quartiles = measures.quartiles
    return [
        label,
        str(measures.municipalities),
        percent(quartiles.median) if quartiles else "–",
        f"{percent(quartiles.lower)}–{percent(quartiles.upper)}" if quartiles else "–",
        decimal2(measures.gini),
        percent(measures.coverage.by_municipalities),
        percent(measures.coverage.by_inhabitants),
        signed(gap_whole(measures.coverage)),
    ]


def share(value: float | None) -> str:
    return "–" if value is None else percent(value)


def text(value: str) -> str:
    """A figure as Node.text() reads it: every run of white space (the no-break space too) as one space."""
    return " ".join(value.split())


def rows_as_text(rows: list[list[str]]) -> list[list[str]]:
    return [[text(cell) for cell in row] for row in rows]


def cards(response: Any) -> dict[str, str]:
    """The key figures: {heading: figure}."""
    return {
        card.find("h3").text(): card.find("p", class_="overview-card__figure").text()
        for card in main_of(response).find_all("li", class_="overview-card")
    }


def behind_items(response: Any) -> list[Node]:
    return main_of(response).find_all("li", class_="divide-behind__item")


def hexagons(response: Any) -> dict[str, tuple[str, str]]:
    """The map's links: {href: (accessible name from the link's <title>, short label)}."""
    svg = main_of(response).find("svg", class_="hexmap__svg")
    return {link.attrs["href"]: (link.find("title").text(), link.find("text").text()) for link in svg.find_all("a")}


def checked_solutions(response: Any) -> list[str]:
    return [
        box.attrs["value"] for box in main_of(response).find_all("input", type="checkbox") if "checked" in box.attrs
    ]


# --- Access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_every_divide_page_needs_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"/konto/logg-inn/?next={url}")


@pytest.mark.parametrize("who", ["reader", "bodo_contact", "coordinator"])
@pytest.mark.parametrize(
    ("url", "heading"),
    [
        (OVERVIEW, "Forskjeller mellom kommunene: Nord-Norge"),
        (MAP, "Kart over kommunene: Nord-Norge"),
        (TREND, "Forskjellene over tid: Nord-Norge"),
    ],
)
def test_readers_contacts_and_coordinators_see_every_page(
    who: str, url: str, heading: str, request: pytest.FixtureRequest
) -> None:
    response = get(client_for(request.getfixturevalue(who)), url)
    assert main_of(response).find("h1").text() == heading


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_only_answer_get(url: str, coordinator: Any) -> None:
    client = client_for(coordinator)
    assert client.post(url, {"losning": HELSEID}).status_code == 405
    assert client.put(url).status_code == 405


# --- The overview --------------------------------------------------------------------------------


def test_overview_shows_the_selectors_figures(coordinator: Any, reader: Any) -> None:
    peers_setup(coordinator)
    response = get(client_for(reader), OVERVIEW, CHOICE)
    data = divide_data(chosen_selection(), now=NOW)
    main = main_of(response)
    assert "Målt for: HelseID, Kjernejournal (fastlege og legevakt), E-resept og Sentral forskrivningsmodul (SFM)." in (
        main.text()
    )
    assert "Siste endring i dataene: 14. september 2026." in main.text()
    # Region: median 0; Gini 2989/3120 = 0.958; 9 of 240 pairs (3.75 %) against 3 · 158 451 of 3 · 487 744
    # inhabitants (32.5 %): 28.7 points apart.
    assert cards(response) == {
        "Median modenhet": "0 %",
        "Spredning": "0 %–0 %",
        "Gini-koeffisient": "0,96",
        "Dekning: kommuner mot innbyggere": "4 % / 32 %",
    }
    assert (
        "+28 prosentpoeng mer dekning regnet etter innbyggere enn etter kommuner: de små kommunene henger etter."
        in main.text()
    )
    assert "Halvparten av de 80 kommunene med en aktuell løsning ligger over, halvparten under." in main.text()

    size_rows = table(response, SIZE_CAPTION)
    assert size_rows == [
        ["under 2 000", "35", "0 %", "0 %–0 %", "0,00", "0 %", "0 %", "0"],
        ["2 000–4 999", "24", "0 %", "0 %–0 %", "0,00", "0 %", "0 %", "0"],
        ["5 000–19 999", "15", "0 %", "0 %–0 %", "0,00", "0 %", "0 %", "0"],
        # 0, 1, 2, 12, 12, 12 fifteenths: median 7/15, quartiles 1.25/15 and 12/15, Gini 103/234;
        # 9 of 18 pairs; 158 451 of 226 795 inhabitants (69.9 %): 19.9 points.
        ["20 000 +", "6", "47 %", "8 %–80 %", "0,44", "50 %", "70 %", "+20"],
    ]
    assert size_rows == rows_as_text([measures_row(label, measures) for _size, label, measures in data.by_size])
    county_rows = table(response, COUNTY_CAPTION)
    assert county_rows == [
        # Finnmark: Gini 17/18. Nordland: 1008/1066; 6 of 123 pairs; 79 706 of 243 081 inhabitants.
        # Troms: 20/21; 3 of 63 pairs; 78 745 of 169 610 inhabitants.
        ["Finnmark", "18", "0 %", "0 %–0 %", "0,94", "0 %", "0 %", "0"],
        ["Nordland", "41", "0 %", "0 %–0 %", "0,95", "5 %", "33 %", "+28"],
        ["Troms", "21", "0 %", "0 %–0 %", "0,95", "5 %", "46 %", "+41"],
    ]
    assert county_rows == rows_as_text([measures_row(county.name_nb, measures) for county, measures in data.by_county])
    assert table(response, BANDS_CAPTION) == [
        ["0–19 %", "77"],
        ["20–39 %", "0"],
        ["40–59 %", "0"],
        ["60–79 %", "0"],
        ["80–100 %", "3"],
    ]
    assert (
        "Av 240 aktuelle par av kommune og løsning er 0 dokumentert (resten er egenrapportert), og 12 er oppdatert "
        "de siste 90 dagene." in main.text()
    )


def test_overview_lists_who_is_behind_with_lacks_and_helpers(coordinator: Any, reader: Any) -> None:
    peers_setup(coordinator)
    items = behind_items(get(client_for(reader), OVERVIEW, CHOICE))
    assert [item.find("h3").text() for item in items] == ["Alta", "Harstad - Hárstták", "Narvik"]
    assert [item.find("h3").find("a").attrs["href"] for item in items] == [
        "/kommuner/5601/",
        "/kommuner/5503/",
        "/kommuner/1806/",
    ]
    assert items[0].find("p").text() == "Modenhet 7 %. Median i størrelsesklassen 20 000 +: 47 %."
    same = "(samme størrelsesklasse: 20 000 +)"
    assert [lack.text() for lack in items[0].find("ul", class_="divide-behind__lacks").find_all("li")] == [
        f"HelseID. Kan hjelpe: Tromsø {same}, Bodø {same}.",
        "Kjernejournal (fastlege og legevakt); mangler forutsetningene HelseID. "
        f"Kan hjelpe: Tromsø {same}, Bodø {same}.",
    ]
    harstad = [lack.text() for lack in items[1].find("ul", class_="divide-behind__lacks").find_all("li")]
    assert items[1].find("p").text() == "Modenhet 0 %. Median i størrelsesklassen 20 000 +: 47 %."
    assert len(harstad) == 3
    assert (
        harstad[0]
        == f"HelseID; mangler forutsetningene Helsenettet (medlemskap). Kan hjelpe: Tromsø {same}, Bodø {same}."
    )
    assert harstad[1].startswith("Kjernejournal (fastlege og legevakt); mangler forutsetningene ")
    assert harstad[1].endswith(
        ". Kan hjelpe: Tromsø (leder kompisnettverket kommunen er med i), Bodø (samme størrelsesklasse: 20 000 +)."
    )
    assert {"Helsenettet (medlemskap)", "HelseID"} == set(
        harstad[1].split("mangler forutsetningene ")[1].split(". Kan hjelpe")[0].split(", ")
    )
    assert items[2].find("p").text() == "Modenhet 13 %. Median i størrelsesklassen 20 000 +: 47 %."
    assert [lack.text() for lack in items[2].find_all("li")] == [
        "E-resept og Sentral forskrivningsmodul (SFM); mangler forutsetningene Helsenettet (medlemskap). "
        f"Kan hjelpe: Bodø {same}, Tromsø {same}."
    ]


def test_overview_is_never_a_league_table(coordinator: Any, reader: Any) -> None:
    peers_setup(coordinator)
    response = get(client_for(reader), OVERVIEW, CHOICE)
    # The behind list is by name; by score it would be Harstad (0 %), Alta (7 %), Narvik (13 %) or reversed.
    scores = [item.find("p").text().split(".")[0] for item in behind_items(response)]
    assert scores == ["Modenhet 7 %", "Modenhet 0 %", "Modenhet 13 %"]
    # No list of every municipality: the only municipalities named are those behind and their helpers.
    linked = {
        a.attrs["href"] for a in main_of(response).find_all("a") if a.attrs.get("href", "").startswith("/kommuner/")
    }
    assert linked == {"/kommuner/5601/", "/kommuner/5503/", "/kommuner/1806/", "/kommuner/5501/", "/kommuner/1804/"}


def test_overview_says_so_when_nobody_is_behind(reader: Any) -> None:
    main = main_of(get(client_for(reader), OVERVIEW, CHOICE))
    assert main.find_all("li", class_="divide-behind__item") == []
    assert "Ingen kommune ligger klart bak kommuner som ligner den, med de valgte løsningene." in main.text()


def test_overview_of_norway_and_of_a_county(coordinator: Any, reader: Any) -> None:
    peers_setup(coordinator)
    client = client_for(reader)
    norway = get(client, OVERVIEW, f"omrade=norge&{CHOICE}")
    assert main_of(norway).find("h1").text() == "Forskjeller mellom kommunene: hele landet"
    assert main_of(norway).find("option", selected="").text() == "Hele landet"
    assert len(table(norway, COUNTY_CAPTION)) == 15
    assert sum(int(row[1]) for row in table(norway, SIZE_CAPTION)) == 357
    assert table(norway, BANDS_CAPTION)[-1] == ["80–100 %", "3"]
    assert (
        "Halvparten av de 357 kommunene med en aktuell løsning ligger over, halvparten under." in main_of(norway).text()
    )

    troms = get(client, OVERVIEW, f"omrade=55&{CHOICE}")
    assert main_of(troms).find("h1").text() == "Forskjeller mellom kommunene: Troms"
    assert main_of(troms).find("option", selected="").text() == "Troms"
    # One county: no table by county. Tromsø 80 %, Harstad 0 %: too few large ones to be a peer group.
    assert [caption.text() for caption in main_of(troms).find_all("caption")] == [SIZE_CAPTION, BANDS_CAPTION]
    assert table(troms, SIZE_CAPTION) == [
        ["under 2 000", "7", "0 %", "0 %–0 %", "0,00", "0 %", "0 %", "0"],
        ["2 000–4 999", "9", "0 %", "0 %–0 %", "0,00", "0 %", "0 %", "0"],
        ["5 000–19 999", "3", "0 %", "0 %–0 %", "0,00", "0 %", "0 %", "0"],
        ["20 000 +", "2", "40 %", "20 %–60 %", "0,50", "50 %", "76 %", "+26"],
    ]
    assert behind_items(troms) == []
    # The tabs and the reports keep the area and the choice.
    tabs = [a.attrs["href"] for a in main_of(troms).find("nav", class_="divide-tabs").find_all("a")]
    assert tabs == [f"{url}?omrade=55&{CHOICE}" for url in PAGES] + [
        f"/forskjeller/rapport.pdf?omrade=55&{CHOICE}",
        f"/forskjeller/rapport.xlsx?omrade=55&{CHOICE}",
    ]


def test_an_unknown_area_means_the_region(reader: Any) -> None:
    response = get(client_for(reader), OVERVIEW, "omrade=99")
    assert main_of(response).find("h1").text() == "Forskjeller mellom kommunene: Nord-Norge"


def test_unknown_solutions_are_ignored(coordinator: Any, reader: Any) -> None:
    make_round(coordinator, [ERESEPT, HELSEID], year=2027)
    client = client_for(reader)
    response = get(client, OVERVIEW, "losning=finnes-ikke&losning=%3Cscript%3E")
    main = main_of(response)
    # The default: the latest round's two solutions.
    assert checked_solutions(response) == [HELSEID, ERESEPT]
    assert main.find("summary").text() == "2 løsninger valgt"
    assert "open" not in main.find("details").attrs
    assert (
        "Uten et valg måles løsningene som ble prioritert i den siste avtalerunden (Prioriterte løsninger 2027)."
        in (main.text())
    )
    assert "Målt for: HelseID, E-resept og Sentral forskrivningsmodul (SFM)." in main.text()
    assert "finnes-ikke" not in response.content.decode()
    # One known among unknown ones: that one is the choice, the details stay open to show it.
    response = get(client, OVERVIEW, f"losning=finnes-ikke&losning={KJERNEJOURNAL}")
    assert checked_solutions(response) == [KJERNEJOURNAL]
    assert main_of(response).find("summary").text() == "1 løsning valgt"
    assert "open" in main_of(response).find("details").attrs


def test_without_a_round_the_whole_catalogue_is_measured(reader: Any) -> None:
    response = get(client_for(reader), OVERVIEW)
    assert len(checked_solutions(response)) == 22
    assert main_of(response).find("summary").text() == "22 løsninger valgt"
    assert "Uten et valg måles hele katalogen." in main_of(response).text()


# --- The map -------------------------------------------------------------------------------------


def test_map_by_maturity_shows_the_selectors_tiles_and_table(coordinator: Any, reader: Any) -> None:
    peers_setup(coordinator)
    response = get(client_for(reader), MAP, CHOICE)
    colour = map_data(divide_data(chosen_selection(), now=NOW), "modenhet")
    main = main_of(response)
    assert main.find("h2", id="map-heading").text() == "Modenhet"
    assert main.find("select", id="id_farge").find("option", selected="").attrs["value"] == "modenhet"
    links = hexagons(response)
    assert len(links) == 80
    assert links == {tile.href: (tile.name.replace("\u00a0", " "), tile.short) for tile in colour.tiles.values()}
    assert links["/kommuner/1804/"] == ("Bodø (BOD): modenhet 80 %", "BOD")
    assert links["/kommuner/5601/"] == ("Alta (ALT): modenhet 7 %", "ALT")
    assert [li.text() for li in main.find("ul", class_="hexmap__legend-list").find_all("li")] == [
        "0–19 %",
        "20–39 %",
        "40–59 %",
        "60–79 %",
        "80–100 %",
        "Ingen aktuell løsning",
    ]
    rows = table(response, "Kart: modenheten i hver kommune, Nord-Norge")
    assert len(rows) == 80
    assert rows[0] == ["Aarborte - Hattfjelldal", "Nordland", "under 2 000", "0 %", "0–19 %", "0 %", "0 %"]
    # Bodø: 12 of 15 points, none documented, all three updated yesterday.
    assert ["Bodø", "Nordland", "20 000 +", "80 %", "80–100 %", "0 %", "100 %"] in rows
    assert ["Narvik", "Nordland", "20 000 +", "13 %", "0–19 %", "0 %", "67 %"] in rows
    # The hidden fields keep the choice when the colouring changes.
    hidden = [
        field.attrs["value"] for field in main.find_all("input", type="hidden") if field.attrs["name"] == "losning"
    ]
    assert hidden == list(CHOSEN)


def test_map_by_a_solution_links_every_hexagon_to_the_record(coordinator: Any, reader: Any) -> None:
    peers_setup(coordinator)
    response = get(client_for(reader), MAP, f"{CHOICE}&farge={KJERNEJOURNAL}")
    main = main_of(response)
    assert main.find("h2", id="map-heading").text() == "Fase for Kjernejournal (fastlege og legevakt)"
    assert main.find("select", id="id_farge").find("option", selected="").attrs["value"] == KJERNEJOURNAL
    links = hexagons(response)
    assert len(links) == 80
    assert all(href.startswith("/registreringer/") and href.endswith("/kjernejournal/") for href in links)
    assert links["/registreringer/1804/kjernejournal/"] == ("Bodø (BOD): I drift", "BOD")
    assert links["/registreringer/1806/kjernejournal/"] == ("Narvik (NAR): Planlagt", "NAR")
    assert links["/registreringer/5503/kjernejournal/"] == ("Harstad - Hárstták (HAR): Ikke startet", "HAR")
    rows = table(response, "Kart: fasen for Kjernejournal (fastlege og legevakt) i hver kommune, Nord-Norge")
    assert ["Narvik", "Nordland", "20 000 +", "Planlagt", "Planlagt"] in rows
    assert ["Bodø", "Nordland", "20 000 +", "I drift", "I drift"] in rows


def test_map_with_an_unknown_colour_shows_maturity(coordinator: Any, reader: Any) -> None:
    peers_setup(coordinator)
    response = get(client_for(reader), MAP, f"{CHOICE}&farge=finnes-ikke")
    main = main_of(response)
    assert main.find("h2", id="map-heading").text() == "Modenhet"
    assert main.find("select", id="id_farge").find("option", selected="").attrs["value"] == "modenhet"
    assert hexagons(response)["/kommuner/1804/"] == ("Bodø (BOD): modenhet 80 %", "BOD")


def test_map_of_a_county_and_of_norway(reader: Any) -> None:
    client = client_for(reader)
    finnmark = get(client, MAP, "omrade=56")
    assert main_of(finnmark).find("h1").text() == "Kart over kommunene: Finnmark"
    assert set(hexagons(finnmark)) == {
        f"/kommuner/{number}/" for number in Municipality.objects.filter(county="56").values_list("number", flat=True)
    }
    norway = get(client, MAP, "omrade=norge")
    assert main_of(norway).find("h1").text() == "Kart over kommunene: hele landet"
    assert len(hexagons(norway)) == 357
    assert len(table(norway, "Kart: modenheten i hver kommune, hele landet")) == 357


# --- Over time -----------------------------------------------------------------------------------


def test_trend_page_shows_the_months_figures(coordinator: Any, reader: Any) -> None:
    trend_setup(coordinator)
    response = get(client_for(reader), TREND, f"omrade=56&losning={KJERNEJOURNAL}")
    points_ = trend(divide_data(chosen_selection("56", [KJERNEJOURNAL]), now=NOW))
    rows = table(response, "Median modenhet og dekning per måned, Finnmark")
    months = ["oktober 2025", "november 2025", "desember 2025"] + [
        f"{month} 2026"
        for month in ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september")
    ]
    assert [row[0] for row in rows] == months
    assert rows[:10] == [[month, "0 %", "0,00", "0 %", "0 %", "0"] for month in months[:10]]
    # August: ten at 60 %, eight at 0: median 60 %, Gini 8/18 = 0.44, nothing in use.
    assert rows[10] == ["august 2026", "60 %", "0,44", "0 %", "0 %", "0"]
    # September: median 70 %; 9 of 18 in use (50 %), 57 285 of 75 053 inhabitants (76.3 %).
    assert rows[11][:2] == ["september 2026", "70 %"]
    assert rows[11][3:] == ["50 %", "76 %", "+26"]
    assert [row[1:] for row in rows] == rows_as_text(
        [
            [
                percent(p.total.quartiles.median) if p.total.quartiles else "–",
                decimal2(p.total.gini),
                percent(p.total.coverage.by_municipalities),
                percent(p.total.coverage.by_inhabitants),
                signed(gap_whole(p.total.coverage)),
            ]
            for p in points_
        ]
    )
    sizes = table(response, "Gjennomsnittlig modenhet etter størrelse og måned, Finnmark")
    assert [row[1:] for row in sizes] == rows_as_text(
        [[share(p.by_size[size].mean) for size in sorted(p.by_size, key=SIZE_ORDER.index)] for p in points_]
    )
    # August: under 2 000 is 3 · 60 % of 8 = 22.5 % exactly, a tie the float sum puts just below (see the
    # report); the other classes: 3 · 60 % of 6, 60 % and 60 %.
    assert sizes[10][2:] == ["30 %", "60 %", "60 %"]
    assert sizes[11] == ["september 2026", "30 %", "37 %", "80 %", "80 %"]


def test_trend_of_norway_works(reader: Any) -> None:
    rows = table(get(client_for(reader), TREND, "omrade=norge"), "Median modenhet og dekning per måned, hele landet")
    assert len(rows) == 12


# --- Query counts --------------------------------------------------------------------------------


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def few_records(user: Any) -> None:
    """A round and two records."""
    make_round(user, list(CHOSEN), year=2027)
    set_phases(user, {(BODO, HELSEID): "i_drift", (ROST, KJERNEJOURNAL): "planlagt"}, at=YESTERDAY)


def many_more_records(user: Any) -> None:
    """38 more records over twenty municipalities of all three counties (and their history), and a network."""
    numbers = list(
        Municipality.objects.filter(county__in_region=True).exclude(number__in=[BODO, ROST]).order_by("number")
    )[::4][:19]
    phases = {
        (m.number, slug): phase for m in numbers for slug, phase in ((HELSEID, "utproving"), ("e-resept", "i_drift"))
    }
    set_phases(user, phases, at=NOW - timedelta(days=40))
    set_phases(user, {(m.number, HELSEID): "i_drift" for m in numbers}, at=YESTERDAY)
    make_network(user, KJERNEJOURNAL, BODO, [BODO, "1838", "1839", "1837"])


@pytest.mark.parametrize("area", ["region", "norge", "55"])
@pytest.mark.parametrize(
    "url", [OVERVIEW, MAP, f"{MAP}?farge={KJERNEJOURNAL}&", f"{OVERVIEW}?{CHOICE}&", f"{MAP}?{CHOICE}&"]
)
def test_overview_and_map_queries_do_not_grow_with_the_data(area: str, url: str, coordinator: Any) -> None:
    address = f"{url}{'&' if '?' in url else '?'}omrade={area}".replace("&&", "&")
    client = client_for(coordinator)
    few_records(coordinator)
    few = queries_for(client, address)
    many_more_records(coordinator)
    many = queries_for(client, address)
    assert few == many == QUERIES <= MAX_QUERIES


@pytest.mark.parametrize("area", ["region", "norge"])
def test_trend_makes_one_query_more_than_the_overview(area: str, coordinator: Any) -> None:
    client = client_for(coordinator)
    few_records(coordinator)
    few = (queries_for(client, f"{OVERVIEW}?omrade={area}"), queries_for(client, f"{TREND}?omrade={area}"))
    many_more_records(coordinator)
    many = (queries_for(client, f"{OVERVIEW}?omrade={area}"), queries_for(client, f"{TREND}?omrade={area}"))
    assert few == many
    assert many == (QUERIES, QUERIES + 1)  # the history, one query


def test_map_coloured_by_a_solution_outside_the_choice_stays_within_the_budget(coordinator: Any) -> None:
    client = client_for(coordinator)
    address = f"{MAP}?losning={HELSEID}&farge=e-las"
    few_records(coordinator)
    few = queries_for(client, address)
    many_more_records(coordinator)
    set_phases(coordinator, {(BODO, "e-las"): "i_drift"}, at=YESTERDAY)
    many = queries_for(client, address)
    assert few == many == QUERIES


def test_the_formula_on_the_page_is_the_one_the_code_uses(reader: Any) -> None:
    from ehelsenord.divide.maturity import MAX_POINTS, STAGE_POINTS

    section = main_of(client_for(reader).get(OVERVIEW)).find("section", class_="divide-formula")
    points = [item.text() for item in section.find("ul", class_="divide-formula__points").find_all("li")]
    assert points == [f"{stage.label}: {value}" for stage, value in STAGE_POINTS.items()]
    assert points == [
        "Ikke startet: 0",
        "Planlagt: 1",
        "Forberedelse: 2",
        "Utprøving: 3",
        "I drift: 4",
        "Gevinstrealisering: 5",
    ]
    assert MAX_POINTS == 5
    assert "Modenheten er summen av poengene delt på 5 ganger antallet valgte løsninger" in section.text()
