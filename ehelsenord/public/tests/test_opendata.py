"""Open data: the public status as CSV and JSON under NLOD 2.0, and the page that describes the fields."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ehelsenord.municipalities.models import Municipality
from ehelsenord.public.tests.public_fixtures import (
    PublicWorld,
    public_change,
    public_csv,
    public_data_per,
    public_days_ago,
    public_json,
    public_nb_date,
    public_world,
    public_world_rows,
)
from ehelsenord.rollout.tests.test_records import main_of, table

pytestmark = pytest.mark.django_db
__all__ = ["public_world"]  # a fixture: pytest finds it by the argument name

FIELD_NAMES = [
    "kommunenummer",
    "kommune",
    "fylkesnummer",
    "fylke",
    "losning",
    "losning_navn",
    "fase",
    "fase_navn",
    "trinn",
    "trinn_navn",
    "data_per",
]
LICENCE = {
    "navn": "Norsk lisens for offentlige data (NLOD) 2.0",
    "url": "https://data.norge.no/nlod/no/2.0",
    "kildehenvisning": (
        "Inneholder data under norsk lisens for offentlige data (NLOD) tilgjengeliggjort av eHelse Nord."
    ),
}
STAGES = {
    "not_started": "Ikke startet",
    "planned": "Planlagt",
    "preparing": "Forberedelse",
    "piloting": "Utprøving",
    "in_production": "I drift",
    "realising_benefits": "Gevinstrealisering",
    "not_relevant": "Ikke aktuell",
}
# The municipalities, the solutions and their phases, the public records, the phase changes after the cutoff.
FILE_QUERIES = 5
DESCRIPTION_QUERIES = 6  # and the demo banner's check


# --- CSV -------------------------------------------------------------------------------------------


def test_csv_is_utf8_with_a_header_row_and_exactly_the_public_rows(public_world: PublicWorld) -> None:
    response = Client().get(reverse("public:open_data_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    content = response.content
    assert content.startswith(b"kommunenummer,kommune,fylkesnummer,fylke,losning,")  # no byte order mark
    lines = content.decode("utf-8").split("\r\n")
    assert lines[0] == ",".join(FIELD_NAMES)
    assert lines[1] == (
        f"1804,Bodø,18,Nordland,helsenettet,Helsenettet (medlemskap),avtaler_signert,Avtaler signert,"
        f"preparing,Forberedelse,{public_data_per().isoformat()}"
    )
    assert lines[-1] == ""  # every line, the last too, ends with CR LF
    assert len(lines) == 6
    assert public_csv(response) == public_world_rows()


def test_csv_names_the_licence_and_may_be_cached_briefly(public_world: PublicWorld) -> None:
    response = Client().get(reverse("public:open_data_csv"))
    assert response["Link"] == '<https://data.norge.no/nlod/no/2.0>; rel="license"'
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ehelse-nord-status-{public_data_per().isoformat()}.csv"'
    )


def test_csv_without_public_records_has_only_the_header() -> None:
    response = Client().get(reverse("public:open_data_csv"))
    assert response.content.decode("utf-8") == ",".join(FIELD_NAMES) + "\r\n"


# --- JSON ------------------------------------------------------------------------------------------


def test_json_holds_the_licence_the_date_the_fields_and_exactly_the_public_rows(public_world: PublicWorld) -> None:
    before = timezone.now().replace(microsecond=0)
    response = Client().get(reverse("public:open_data_json"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Link"] == '<https://data.norge.no/nlod/no/2.0>; rel="license"'
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Content-Disposition"] == (
        f'inline; filename="ehelse-nord-status-{public_data_per().isoformat()}.json"'
    )
    document = public_json(response)
    generated = datetime.fromisoformat(document.pop("generert"))
    assert before <= generated <= timezone.now()
    assert generated.utcoffset() == timezone.localtime().utcoffset()  # Norwegian time, with its offset
    fields = document.pop("felter")
    assert document == {
        "tittel": "Offentlig status for de nasjonale e-helseløsningene i kommunene i Nord-Norge",
        "utgiver": "eHelse Nord",
        "dokumentasjon": "http://testserver" + reverse("public:open_data"),
        "lisens": LICENCE,
        "data_per": public_data_per().isoformat(),
        "trinn": STAGES,
        "rader": public_world_rows(),
    }
    assert list(fields) == FIELD_NAMES
    assert fields["kommunenummer"] == {
        "type": "string",
        "beskrivelse": (
            "Kommunenummeret fra Statistisk sentralbyrå (SSB), som tekst slik at innledende nuller beholdes."
        ),
    }
    assert fields["data_per"] == {
        "type": "string",
        "format": "date",
        "beskrivelse": "Datoen fasen gjelder for: slik den var ved inngangen til dagen, 30 dager før filen ble laget.",
    }
    assert all(field["type"] == "string" and field["beskrivelse"] for field in fields.values())


def test_json_keeps_norwegian_letters_readable(public_world: PublicWorld) -> None:
    content = Client().get(reverse("public:open_data_json")).content.decode("utf-8")
    assert '"kommune": "Røst"' in content
    assert "\\u00f8" not in content


# --- The description page --------------------------------------------------------------------------


def test_description_page_lists_every_field_with_type_and_meaning(public_world: PublicWorld) -> None:
    client = Client()
    response = client.get(reverse("public:open_data"))
    main = main_of(response)
    assert main.find("h1").text() == "Åpne data"
    fields = table(response, "Feltene i de åpne dataene")
    assert [row[0] for row in fields] == FIELD_NAMES
    described = public_json(client.get(reverse("public:open_data_json")))["felter"]
    assert {row[0]: row[2] for row in fields} == {name: field["beskrivelse"] for name, field in described.items()}
    types = {row[0]: row[1] for row in fields}
    assert types["kommunenummer"] == "Tekst, fire sifre"
    assert types["data_per"] == "Dato, ÅÅÅÅ-MM-DD"
    assert types["trinn"] == "Tekst, en av trinnkodene"
    assert table(response, "Trinnkoder") == [[code, name] for code, name in STAGES.items()]
    assert "Filene har 4 rader i dag" in main.text()


def test_description_page_links_the_files_and_the_licence(public_world: PublicWorld) -> None:
    response = Client().get(reverse("public:open_data"))
    main = main_of(response)
    links = {link.text(): link for link in main.find_all("a")}
    assert links["Status som CSV"].attrs["href"] == reverse("public:open_data_csv")
    assert links["Status som JSON"].attrs["href"] == reverse("public:open_data_json")
    licence = links["Norsk lisens for offentlige data (NLOD) 2.0"]
    assert licence.attrs["href"] == "https://data.norge.no/nlod/no/2.0"
    assert licence.attrs["rel"] == "license"
    assert LICENCE["kildehenvisning"] in main.text()
    assert "UTF-8 uten byte order mark (BOM)" in main.text()
    assert (
        main.find("div", class_="public-data-note").text().startswith(f"Data per {public_nb_date(public_data_per())}")
    )


# --- The pages and the files agree -----------------------------------------------------------------


@pytest.fixture(params=[1, 25], ids=["one-municipality", "many-municipalities"])
def public_records(request: Any, coordinator: Any) -> int:
    """Public records with history on both sides of the cutoff, in `request.param` municipalities."""
    municipalities = list(Municipality.objects.filter(county__in_region=True).order_by("number")[: request.param])
    for index, municipality in enumerate(municipalities):
        for slug in ("pasientens-legemiddelliste", "helseid", "kjernejournal"):
            public_change(municipality, slug, coordinator, public_days_ago(60), phase="planlagt", public=True)
            public_change(municipality, slug, coordinator, public_days_ago(45 - index / 2), phase="forberedelse")
            public_change(municipality, slug, coordinator, public_days_ago(2), phase="i_drift")
        # And one private record per municipality, which the files must leave out.
        public_change(municipality, "e-resept", coordinator, public_days_ago(60), phase="i_drift")
    return len(municipalities)


def test_files_cost_a_fixed_number_of_queries(public_records: int, django_assert_num_queries: Any) -> None:
    client = Client()
    with django_assert_num_queries(FILE_QUERIES):
        csv_rows = public_csv(client.get(reverse("public:open_data_csv")))
    with django_assert_num_queries(FILE_QUERIES):
        json_rows = public_json(client.get(reverse("public:open_data_json")))["rader"]
    with django_assert_num_queries(DESCRIPTION_QUERIES):
        client.get(reverse("public:open_data"))
    assert csv_rows == json_rows
    assert len(csv_rows) == 3 * public_records
    assert {row["fase"] for row in csv_rows} == {"forberedelse"}


def test_every_row_of_the_files_is_what_the_pages_show(public_records: int) -> None:
    client = Client()
    rows = public_csv(client.get(reverse("public:open_data_csv")))
    caption = "Fase for hver løsning i {name} per " + public_nb_date(public_data_per())
    numbers = sorted({row["kommunenummer"] for row in rows})
    assert len(numbers) == public_records
    for number in numbers:
        mine = [row for row in rows if row["kommunenummer"] == number]
        response = client.get(reverse("public:status_municipality", args=[number]))
        shown = table(response, caption.format(name=mine[0]["kommune"]))
        published = [cells for cells in shown if cells[1] != "Ikke publisert"]
        assert published == [[row["losning_navn"], row["fase_navn"], row["trinn_navn"]] for row in mine]


def test_a_change_a_day_past_the_embargo_is_in_the_files(bodo: Municipality, coordinator: Any) -> None:
    public_change(bodo, "helseid", coordinator, public_days_ago(60), phase="planlagt", public=True)
    public_change(bodo, "helseid", coordinator, public_days_ago(31) - timedelta(hours=1), phase="utproving")
    rows = public_csv(Client().get(reverse("public:open_data_csv")))
    assert [(row["kommunenummer"], row["losning"], row["fase"]) for row in rows] == [("1804", "helseid", "utproving")]
