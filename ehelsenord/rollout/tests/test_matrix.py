"""The status matrix (/status/) and its quick update dialog."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_list

pytestmark = [
    pytest.mark.django_db,
    # Whitenoise warns when collectstatic has not run (a fresh clone); the pages do not need it.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PLL = "pasientens-legemiddelliste"
HTMX = {"HX-Request": "true"}
ROW_NAME = re.compile(r'<th scope="row" class="matrix__municipality"><a class="ds-link" href="[^"]+">([^<]+)</a></th>')
HEADER = re.compile(r'<a class="matrix__sort" href="[^"]*"(?: title="[^"]*")?>([^<]+)')

# Municipalities set to "Utprøving" for PLL in the filter and sort tests (Alta is in Finnmark).
PILOTS = ["Vågan", "Værøy", "Vega", "Øksnes", "Andøy", "Bodø", "Hábmer - Hamarøy", "Alta"]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _row_names(content: bytes) -> list[str]:
    return ROW_NAME.findall(content.decode())


def _headers(content: bytes) -> list[str]:
    return HEADER.findall(content.decode())


def _cell(content: bytes, number: str, slug: str) -> str:
    match = re.search(rf'<td id="cell-{number}-{slug}".*?</td>', content.decode())
    assert match is not None
    return match.group(0)


@pytest.fixture
def pll() -> Solution:
    return Solution.objects.get(slug=PLL)


@pytest.fixture
def pilots(coordinator: Any, pll: Solution) -> None:
    for name in PILOTS:
        municipality = Municipality.objects.get(name=name)
        implementation_update(municipality=municipality, solution=pll, user=coordinator, changes={"phase": "utproving"})


# --- The table ---------------------------------------------------------------------------------


def test_matrix_shows_the_regions_municipalities_with_phase_and_traffic_light(
    coordinator: Any, bodo: Any, pll: Solution
) -> None:
    implementation_update(
        municipality=bodo, solution=pll, user=coordinator, changes={"phase": "utproving", "traffic_light": "at_risk"}
    )
    response = _client(coordinator).get("/status/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="ds-heading" data-size="lg">Statusmatrise</h1>' in content
    assert (
        '<h2 class="ds-heading" data-size="xs" id="matrix-caption">Fase per kommune og løsning, Nord-Norge</h2>'
        in content
    )
    assert '<table class="ds-table matrix" data-border data-size="sm" aria-labelledby="matrix-caption">' in content
    names = _row_names(response.content)
    assert len(names) == 80
    # Norwegian order: æ, ø, å after z; Sámi letters (á) with their base letter.
    assert names[:4] == ["Aarborte - Hattfjelldal", "Alstahaug", "Alta", "Andøy"]
    assert names[-4:] == ["Vevelstad", "Værøy", "Vågan", "Øksnes"]
    assert _cell(response.content, "1804", PLL) == (
        f'<td id="cell-1804-{PLL}" class="matrix-cell"><a id="open-1804-{PLL}" class="matrix-cell__link" '
        f'href="/registreringer/1804/{PLL}/" hx-get="/status/1804/{PLL}/" hx-target="#dialog-host">'
        '<span class="visually-hidden">Bodø, PLL: </span><span class="stage stage--piloting">Utprøving</span> '
        '<span class="light light--at_risk"><span class="visually-hidden">Risiko</span></span></a></td>'
    )
    # No record yet: the first phase of the template, on track (no mark).
    assert _cell(response.content, "1804", "helsenettet") == (
        '<td id="cell-1804-helsenettet" class="matrix-cell"><a id="open-1804-helsenettet" class="matrix-cell__link" '
        'href="/registreringer/1804/helsenettet/" hx-get="/status/1804/helsenettet/" hx-target="#dialog-host">'
        '<span class="visually-hidden">Bodø, Helsenettet: </span>'
        '<span class="stage stage--not_started">Ikke medlem</span></a></td>'
    )
    assert (
        '<th scope="row" class="matrix__municipality"><a class="ds-link" href="/kommuner/1804/">Bodø</a></th>'
        '<td>Nordland</td><td class="numeric">53\xa0712</td>'
    ) in content
    assert "Viser 80 kommuner" in content
    assert "og 22 løsninger." in content


def test_matrix_headers_show_short_names_with_the_full_name_for_screen_readers(coordinator: Any) -> None:
    response = _client(coordinator).get("/status/")
    content = response.content.decode()
    solutions = solution_list()
    assert _headers(response.content) == ["Kommune", "Fylke", "Innbyggere"] + [s.short_name for s in solutions]
    assert (
        f'<a class="matrix__sort" href="?sorter={PLL}&amp;retning=stigende" title="Pasientens legemiddelliste (PLL)">'
        'PLL<span class="visually-hidden">: Pasientens legemiddelliste (PLL)</span></a>'
    ) in content
    # The same short and full name: no hidden repetition.
    assert '<a class="matrix__sort" href="?sorter=helseid&amp;retning=stigende">HelseID</a>' in content
    assert (
        '<th scope="col" class="matrix__head matrix__corner" aria-sort="ascending">\n'
        '              <a class="matrix__sort" href="?sorter=kommune&amp;retning=synkende">Kommune</a>'
    ) in content
    assert content.count("aria-sort=") == 1


def test_matrix_legend_explains_stages_and_traffic_lights(coordinator: Any) -> None:
    content = _client(coordinator).get("/status/").content.decode()
    assert (
        '<li><span class="stage stage--not_started">Ikke startet</span></li>'
        '<li><span class="stage stage--planned">Planlagt</span></li>'
        '<li><span class="stage stage--preparing">Forberedelse</span></li>'
        '<li><span class="stage stage--piloting">Utprøving</span></li>'
        '<li><span class="stage stage--in_production">I drift</span></li>'
        '<li><span class="stage stage--realising_benefits">Gevinstrealisering</span></li>'
        '<li><span class="stage stage--not_relevant">Ikke aktuell</span></li>'
    ) in content
    assert (
        '<li><span class="light">I rute</span> <span class="muted">(uten merke)</span></li>'
        '<li><span class="light light--at_risk">Risiko</span> <span class="muted">(trekant)</span></li>'
        '<li><span class="light light--delayed">Forsinket</span> <span class="muted">(firkant)</span></li>'
    ) in content


def test_matrix_for_all_of_norway_and_for_one_county(coordinator: Any) -> None:
    client = _client(coordinator)
    national = client.get("/status/", {"omrade": "norge"})
    assert len(_row_names(national.content)) == 357
    assert "Fase per kommune og løsning, hele landet" in national.content.decode()
    # Coordinators change the region only: Oslo is plain text for them.
    assert _cell(national.content, "0301", PLL) == (
        f'<td id="cell-0301-{PLL}" class="matrix-cell"><span class="stage stage--not_started">Ikke startet</span></td>'
    )
    nordland = client.get("/status/", {"omrade": "18"})
    names = _row_names(nordland.content)
    assert len(names) == Municipality.objects.filter(county_id="18").count() == 41
    assert "Alta" not in names
    assert 'id="id_fylke"' not in nordland.content.decode()
    assert '<option value="18" selected>Nordland</option>' in nordland.content.decode()


def test_matrix_filters_by_county_and_phase_in_norwegian_order(coordinator: Any, pilots: None) -> None:
    client = _client(coordinator)
    response = client.get("/status/", {"fase": "piloting"})
    assert _row_names(response.content) == [
        "Alta",
        "Andøy",
        "Bodø",
        "Hábmer - Hamarøy",
        "Vega",
        "Værøy",
        "Vågan",
        "Øksnes",
    ]
    response = client.get("/status/", {"fase": "piloting", "fylke": "18", "sorter": "kommune", "retning": "synkende"})
    assert _row_names(response.content) == ["Øksnes", "Vågan", "Værøy", "Vega", "Hábmer - Hamarøy", "Bodø", "Andøy"]
    assert '<option value="18" selected>Nordland</option>' in response.content.decode()


def test_matrix_phase_filter_looks_only_at_the_shown_solutions(coordinator: Any, pilots: None) -> None:
    response = _client(coordinator).get("/status/", {"fase": "piloting", "losning": "helseid"})
    assert _row_names(response.content) == []
    assert "Ingen kommuner passer til filteret." in response.content.decode()


def test_matrix_sorts_by_population_county_and_a_solutions_phase(
    coordinator: Any, pilots: None, bodo: Any, pll: Solution
) -> None:
    client = _client(coordinator)
    by_population = client.get(
        "/status/", {"fase": "piloting", "fylke": "18", "sorter": "innbyggere", "retning": "synkende"}
    )
    assert _row_names(by_population.content) == [
        "Bodø",
        "Vågan",
        "Øksnes",
        "Andøy",
        "Hábmer - Hamarøy",
        "Vega",
        "Værøy",
    ]
    assert '<th scope="col" class="matrix__head numeric" aria-sort="descending">' in by_population.content.decode()
    by_county = client.get("/status/", {"fase": "piloting", "sorter": "fylke"})
    assert _row_names(by_county.content) == [
        "Alta",
        "Andøy",
        "Bodø",
        "Hábmer - Hamarøy",
        "Vega",
        "Værøy",
        "Vågan",
        "Øksnes",
    ]
    by_county_descending = client.get("/status/", {"fase": "piloting", "sorter": "fylke", "retning": "synkende"})
    # Ties keep the alphabetical order also when the direction is turned.
    assert _row_names(by_county_descending.content) == [
        "Andøy",
        "Bodø",
        "Hábmer - Hamarøy",
        "Vega",
        "Værøy",
        "Vågan",
        "Øksnes",
        "Alta",
    ]
    implementation_update(municipality=bodo, solution=pll, user=coordinator, changes={"phase": "i_drift"})
    vega = Municipality.objects.get(name="Vega")
    implementation_update(municipality=vega, solution=pll, user=coordinator, changes={"phase": "planlagt"})
    by_phase = client.get("/status/", {"sorter": PLL, "retning": "synkende"})
    assert _row_names(by_phase.content)[:8] == [
        "Bodø",
        "Alta",
        "Andøy",
        "Hábmer - Hamarøy",
        "Værøy",
        "Vågan",
        "Øksnes",
        "Vega",
    ]
    assert _row_names(by_phase.content)[8] == "Aarborte - Hattfjelldal"


def test_matrix_shows_only_the_chosen_solutions(coordinator: Any) -> None:
    response = _client(coordinator).get("/status/", {"losning": [PLL, "helseid", "finnes-ikke"]})
    content = response.content.decode()
    assert _headers(response.content) == ["Kommune", "Fylke", "Innbyggere", "HelseID", "PLL"]
    assert content.count('<td id="cell-1804-') == 2
    assert "Løsninger (2 valgt)" in content
    assert f'value="{PLL}" id="id_losning_6" checked' in content
    assert "og 2 løsninger." in content


def test_matrix_ignores_unknown_filter_values(coordinator: Any) -> None:
    response = _client(coordinator).get(
        "/status/", {"fase": "ferdig", "sorter": "trafikklys", "fylke": "03", "omrade": "99", "retning": "opp"}
    )
    names = _row_names(response.content)
    assert len(names) == 80
    assert names[0] == "Aarborte - Hattfjelldal"
    assert 'aria-sort="ascending"' in response.content.decode()


def test_matrix_links_only_the_cells_the_user_may_change(
    reader: Any, rost_contact: Any, bodo_contact: Any, rost: Any
) -> None:
    as_reader = _client(reader).get("/status/")
    assert "hx-get" not in as_reader.content.decode()
    assert _cell(as_reader.content, "1856", PLL) == (
        f'<td id="cell-1856-{PLL}" class="matrix-cell"><span class="stage stage--not_started">Ikke startet</span></td>'
    )
    as_rost = _client(rost_contact).get("/status/")
    content = as_rost.content.decode()
    assert content.count("hx-get=") == 22
    assert f'hx-get="/status/1856/{PLL}/"' in content
    assert 'hx-get="/status/1804/' not in content
    as_bodo = _client(bodo_contact).get("/status/")
    assert 'hx-get="/status/1856/' not in as_bodo.content.decode()


# --- Query counts ------------------------------------------------------------------------------


def _fill(area_numbers: list[str], user: Any) -> None:
    """Create a record for every cell of the given municipalities (bulk, like an import would)."""
    solutions = solution_list()
    now = timezone.now()
    Implementation.objects.bulk_create(
        Implementation(
            municipality_id=number,
            solution=solution,
            phase=list(solution.phase_template.phases.all())[index % 4],
            traffic_light=("on_track", "at_risk", "delayed")[index % 3],
            updated_by=user,
            updated_at=now,
        )
        for index, (number, solution) in enumerate(
            (number, solution) for number in area_numbers for solution in solutions
        )
    )


@pytest.mark.parametrize("params", [{}, {"omrade": "norge"}, {"omrade": "18", "fase": "piloting", "sorter": PLL}])
def test_matrix_query_count_does_not_grow_with_the_data(
    coordinator: Any,
    bodo: Any,
    pll: Solution,
    django_assert_num_queries: Callable[..., Any],
    django_assert_max_num_queries: Callable[..., Any],
    params: dict[str, str],
) -> None:
    client = _client(coordinator)
    implementation_update(municipality=bodo, solution=pll, user=coordinator, changes={"phase": "utproving"})
    client.get("/status/", params)  # warm the session
    # Within the budget of 12: session, user, counties, solutions, phases, municipalities, records,
    # change rights, the demo marker and the menu's "my municipality" check; one more for ?omrade=<county>.
    with django_assert_max_num_queries(12) as one:
        client.get("/status/", params)
    _fill(list(Municipality.objects.exclude(number="1804").values_list("number", flat=True)), coordinator)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/status/", params)
    assert response.status_code == 200
    assert Implementation.objects.count() == 1 + 356 * 22


# --- Quick update ------------------------------------------------------------------------------


def test_quick_update_get_returns_the_dialog(coordinator: Any, bodo: Any, pll: Solution) -> None:
    implementation_update(
        municipality=bodo, solution=pll, user=coordinator, changes={"phase": "planlagt", "note": "Venter på EPJ"}
    )
    response = _client(coordinator).get(f"/status/1804/{PLL}/", headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.startswith(
        "\n"
        f'<dialog class="ds-dialog quick-update" data-autoopen data-return-focus="open-1804-{PLL}" '
        'aria-labelledby="quick-update-heading">'
    )
    assert f'hx-post="/status/1804/{PLL}/" hx-target="#dialog-host"' in content
    assert "Oppdater Pasientens legemiddelliste (PLL) i Bodø" in content
    assert '<legend class="ds-label">Fase</legend>' in content
    assert (
        '<input class="ds-input" type="radio" name="phase" id="id_phase_1" value="planlagt" checked autofocus>\n'
        '          <label class="ds-label" for="id_phase_1"><span class="stage stage--planned">Planlagt</span></label>'
    ) in content
    assert re.findall(r'name="phase" id="id_phase_\d" value="(\w+)"', content) == [
        "ikke_startet",
        "planlagt",
        "forberedelse",
        "utproving",
        "i_drift",
        "gevinstrealisering",
        "ikke_aktuell",
    ]
    assert '<legend class="ds-label">Trafikklys</legend>' in content
    assert re.findall(r'<span class="light light--\w+">([^<]+)</span>', content) == ["I rute", "Risiko", "Forsinket"]
    assert 'value="on_track" checked>' in content
    assert 'value="Venter på EPJ"' in content
    assert "Én linje. Ingen pasientopplysninger eller andre helseopplysninger om personer." in content
    assert '<button type="submit" class="ds-button" data-variant="primary">Lagre</button>' in content
    assert (
        '<button type="button" class="ds-button" data-variant="secondary" data-close-dialog>Avbryt</button>' in content
    )


def test_quick_update_without_htmx_goes_to_the_record_page(coordinator: Any, bodo: Any) -> None:
    client = _client(coordinator)
    response = client.get(f"/status/1804/{PLL}/")
    assert (response.status_code, response["Location"]) == (302, f"/registreringer/1804/{PLL}/")
    response = client.post(f"/status/1804/{PLL}/", {"phase": "i_drift", "traffic_light": "on_track", "note": ""})
    assert (response.status_code, response["Location"]) == (302, f"/registreringer/1804/{PLL}/")
    assert not Implementation.objects.exists()


def test_quick_update_post_saves_and_returns_the_new_cell(coordinator: Any, bodo: Any, pll: Solution) -> None:
    response = _client(coordinator).post(
        f"/status/1804/{PLL}/",
        {"phase": "i_drift", "traffic_light": "delayed", "note": "Alle legekontor er koblet på"},
        headers=HTMX,
    )
    assert response.status_code == 200
    record = Implementation.objects.get(municipality=bodo, solution=pll)
    assert (record.phase.key, record.traffic_light, record.note, record.updated_by) == (
        "i_drift",
        "delayed",
        "Alle legekontor er koblet på",
        coordinator,
    )
    assert list(record.changes.order_by("id").values_list("field", "old_value", "new_value", "source")) == [
        ("phase", "ikke_startet", "i_drift", "web"),
        ("traffic_light", "on_track", "delayed", "web"),
        ("note", "", "Alle legekontor er koblet på", "web"),
    ]
    content = response.content.decode()
    assert "<dialog" not in content
    assert (
        f'<template><td id="cell-1804-{PLL}" class="matrix-cell" hx-swap-oob="true"><a id="open-1804-{PLL}" '
        f'class="matrix-cell__link" href="/registreringer/1804/{PLL}/" hx-get="/status/1804/{PLL}/" '
        'hx-target="#dialog-host"><span class="visually-hidden">Bodø, PLL: </span>'
        '<span class="stage stage--in_production">I drift</span> '
        '<span class="light light--delayed"><span class="visually-hidden">Forsinket</span></span></a></td></template>'
    ) in content
    assert (
        '<div id="matrix-status" hx-swap-oob="innerHTML"><div class="ds-alert" data-color="success" data-size="sm">'
        '<p class="ds-paragraph">Lagret PLL for Bodø: I drift, forsinket.</p></div></div>'
    ) in content
    assert json.loads(response["HX-Trigger-After-Settle"]) == {"matrixSaved": {"focus": f"open-1804-{PLL}"}}


def test_quick_update_post_without_changes_writes_nothing(coordinator: Any, bodo: Any) -> None:
    response = _client(coordinator).post(
        f"/status/1804/{PLL}/", {"phase": "ikke_startet", "traffic_light": "on_track", "note": ""}, headers=HTMX
    )
    assert "Ingen endringer for PLL i Bodø." in response.content.decode()
    assert not Implementation.objects.exists()
    assert ImplementationChange.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"phase": "ferdig", "traffic_light": "on_track", "note": ""},
            "Fase: Velg et gyldig valg. ferdig er ikke et av de tilgjengelige valgene.",
        ),
        (
            {"phase": "i_drift", "traffic_light": "green", "note": ""},
            "Trafikklys: Velg et gyldig valg. green er ikke et av de tilgjengelige valgene.",
        ),
        (
            {"phase": "i_drift", "traffic_light": "on_track", "note": "x" * 201},
            "Notat: Sørg for at denne verdien har 200 eller færre tegn (den har nå 201).",
        ),
    ],
)
def test_quick_update_invalid_post_shows_errors_and_changes_nothing(
    coordinator: Any, bodo: Any, data: dict[str, str], message: str
) -> None:
    response = _client(coordinator).post(f"/status/1804/{PLL}/", data, headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-autoopen data-return-focus="open-1804-' in content
    assert "Skjemaet har feil" in content
    assert re.findall(r'<li><a class="ds-link" href="#id_\w+">([^<]+)</a></li>', content) == [message]
    assert not Implementation.objects.exists()
    assert ImplementationChange.objects.count() == 0


def test_quick_update_refuses_another_municipalitys_contact(rost_contact: Any, bodo: Any) -> None:
    client = _client(rost_contact)
    for response in (
        client.get(f"/status/1804/{PLL}/", headers=HTMX),
        client.post(
            f"/status/1804/{PLL}/", {"phase": "i_drift", "traffic_light": "on_track", "note": ""}, headers=HTMX
        ),
    ):
        assert response.status_code == 403
        assert '<p class="ds-paragraph">Du kan ikke endre registreringene til Bodø.</p>' in response.content.decode()
        assert "<form" not in response.content.decode()
    assert not Implementation.objects.exists()


def test_quick_update_refuses_readers(reader: Any, rost: Any) -> None:
    response = _client(reader).post(
        f"/status/1856/{PLL}/", {"phase": "i_drift", "traffic_light": "on_track", "note": ""}, headers=HTMX
    )
    assert response.status_code == 403
    assert "Du kan ikke endre registreringene til Røst." in response.content.decode()
    assert not Implementation.objects.exists()


def test_quick_update_lets_a_contact_change_their_own_municipality(rost_contact: Any, rost: Any, pll: Solution) -> None:
    response = _client(rost_contact).post(
        f"/status/1856/{PLL}/", {"phase": "planlagt", "traffic_light": "at_risk", "note": ""}, headers=HTMX
    )
    assert "Lagret PLL for Røst: Planlagt, risiko." in response.content.decode()
    record = Implementation.objects.get(municipality=rost, solution=pll)
    assert (record.phase.key, record.traffic_light, record.updated_by) == ("planlagt", "at_risk", rost_contact)
    assert record.changes.count() == 2


def test_quick_update_unknown_record_is_not_found(coordinator: Any) -> None:
    client = _client(coordinator)
    assert client.get("/status/9999/pasientens-legemiddelliste/", headers=HTMX).status_code == 404
    assert client.get("/status/1804/finnes-ikke/", headers=HTMX).status_code == 404
    assert not Implementation.objects.exists()


def test_matrix_offers_its_selection_as_a_spreadsheet(coordinator: Any) -> None:
    client = Client()
    client.force_login(coordinator)
    html = client.get("/status/", {"omrade": "56", "losning": "e-resept"}).content.decode()
    link = "/regneark/eksport/?format=xlsx&amp;omrade=56&amp;losning=e-resept"
    assert f'href="{link}"' in html
    response = client.get(link.replace("&amp;", "&"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 18  # header + Finnmark's 18 municipalities × one solution
    assert {row[2] for row in rows[1:]} == {"e-resept"}


def test_matrix_says_when_it_shows_municipalities_outside_the_region(coordinator: Any) -> None:
    client = Client()
    client.force_login(coordinator)
    note = "Kommuner utenfor Nord-Norge rapporterer ikke her."
    assert note in client.get("/status/", {"omrade": "norge"}).content.decode()
    assert note in client.get("/status/", {"omrade": "03"}).content.decode()
    assert note not in client.get("/status/", {"omrade": "18"}).content.decode()
    assert note not in client.get("/status/").content.decode()
    assert note in client.get("/", {"omrade": "norge"}).content.decode()
    assert note not in client.get("/").content.decode()
