"""The status report for leaders and funders: the PDF read back with pdftotext, the workbook with openpyxl.

The records are written through the one write path (rollout.services.implementation_update) at
known times, with the clock stopped, so every figure below is worked out by hand from the
reference data's inhabitants.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from ehelsenord.divide.reports.content import norwegian_slug
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_list

pytestmark = pytest.mark.django_db

T = datetime(2026, 11, 27, 12, tzinfo=UTC)  # 13:00 in Oslo
PLL = "pasientens-legemiddelliste"
E_RESEPT = "e-resept"
REPORT = f"?losning={PLL}&losning={E_RESEPT}"
PDF_URL = "/forskjeller/rapport.pdf"
XLSX_URL = "/forskjeller/rapport.xlsx"
NOTE = "Hemmelig notat 7731 om fastlegeavtalen"

# Phases per municipality (PLL, e-resept), when they were set, and the maturity that gives:
# points ikke_startet 0, planlagt 1, forberedelse 2, utproving 3, i_drift 4, gevinstrealisering 5.
RECORDS = {
    "1804": ("i_drift", "gevinstrealisering", T - timedelta(days=120)),  # Bodø: 9 of 10 = 90 %
    "5501": ("i_drift", "i_drift", T - timedelta(days=10)),  # Tromsø: 80 %
    "1833": ("i_drift", "utproving", T - timedelta(days=10)),  # Rana: 70 %
    "5503": ("forberedelse", "i_drift", T - timedelta(days=10)),  # Harstad: 60 %
    "1856": ("planlagt", "ikke_aktuell", T - timedelta(days=10)),  # Røst: 1 of 5 = 20 %
}
# Of the region's 6 municipalities with 20 000 inhabitants or more, Alta and Narvik have started
# nothing: 0 %, against the size class's median of (60 + 70) / 2 = 65 %. They are behind their peers.


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(T, tick=False):
        yield


@pytest.fixture
def records(reference_data: None, coordinator: Any) -> None:
    pll, e_resept = Solution.objects.get(slug=PLL), Solution.objects.get(slug=E_RESEPT)
    for number, (pll_phase, e_resept_phase, at) in RECORDS.items():
        municipality = Municipality.objects.get(number=number)
        changes: dict[str, Any] = {"phase": pll_phase}
        if number == "1804":
            changes |= {"evidence": "documented", "note": NOTE}
        implementation_update(municipality=municipality, solution=pll, user=coordinator, changes=changes, at=at)
        implementation_update(
            municipality=municipality,
            solution=e_resept,
            user=coordinator,
            changes={"phase": e_resept_phase, "note": NOTE},
            at=at,
        )


@pytest.fixture
def reader_client(reader: Any) -> Client:
    client = Client()
    client.force_login(reader)
    return client


def _population(**filters: Any) -> int:
    total = Municipality.objects.filter(**filters).aggregate(total=Sum("population"))["total"]
    assert isinstance(total, int)
    return total


def _inhabitants(number: str) -> int:
    return Municipality.objects.get(number=number).population


def pdf_text(data: bytes) -> str:
    """The text of a PDF as pdftotext (poppler) extracts it, lines joined by single spaces.

    pdftotext keeps the no-break space before "%" in some table cells and not in others: always one space here.
    """
    assert data.startswith(b"%PDF-")
    command = ["pdftotext", "-enc", "UTF-8", "-", "-"]
    result = subprocess.run(command, input=data, capture_output=True, check=True)  # noqa: S603 (poppler-utils)
    return re.sub(r"(\d) ?%", r"\1 %", " ".join(result.stdout.decode().split()))


def pdf_fonts(data: bytes, tmp_path: Path) -> dict[str, str]:
    """The fonts of a PDF as pdffonts (poppler) lists them: name without subset prefix → embedded (yes/no)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    return {line.split()[0].split("+", 1)[-1]: line.split()[-5] for line in listing.splitlines()[2:]}


def _workbook(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _rows(workbook: Workbook, sheet: str) -> list[tuple[Any, ...]]:
    return list(workbook[sheet].iter_rows(values_only=True))


def _row_of(workbook: Workbook, sheet: str, column: int, value: Any) -> tuple[Any, ...]:
    (row,) = [row for row in _rows(workbook, sheet) if row[column] == value]
    return row


# --- Access ----------------------------------------------------------------------------------------


def test_the_anonymous_are_sent_to_the_login(reference_data: None) -> None:
    client = Client()
    for address in (PDF_URL, XLSX_URL):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"] == f"/konto/logg-inn/?next={address}"


# --- The PDF ---------------------------------------------------------------------------------------


def test_the_pdf_for_the_region(frozen: None, records: None, reader_client: Client, tmp_path: Path) -> None:
    response = reader_client.get(PDF_URL + REPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="statusrapport-nord-norge-2026-11-27.pdf"'
    text = pdf_text(response.content)

    assert "Statusrapport: Nord-Norge" in text
    assert "Laget 27. november 2026 kl. 13:00" in text
    assert "Siste endring i dataene 17. november 2026 kl. 13:00" in text
    # 159 relevant pairs (Røst's e-resept is not relevant): 7 updated in the last 90 days (not Bodø's), 1 documented.
    assert (
        "4 % av de 159 aktuelle parene av kommune og løsning er oppdatert de siste 90 dagene; "
        "1 % er dokumentert (resten er egenrapportert)." in text
    )
    assert (
        "Valgt for denne rapporten. E-resept og Sentral forskrivningsmodul (SFM), Pasientens legemiddelliste (PLL)."
        in text
    )

    # The key figures: 75 of the 80 at 0 %, so the median and the middle half are 0 %. The Gini: Σ(2i − 79)·xᵢ
    # over the sorted scores, 71·0.2 + 73·0.6 + 75·0.7 + 77·0.8 + 79·0.9 = 243.2, over 80 · 3.2 = 256: 0.95.
    assert "Median modenhet Spredning Gini-koeffisient Dekning: kommuner mot innbyggere 0 % 0 %–0 % 0,95" in text
    # 6 of 159 pairs in use (4 %); by inhabitants 315 964 of 975 028 (32 %): 29 points apart.
    population = _population(county__in_region=True)
    relevant = 2 * population - _inhabitants("1856")
    in_use = 2 * _inhabitants("1804") + 2 * _inhabitants("5501") + _inhabitants("1833") + _inhabitants("5503")
    assert round(100 * in_use / relevant) == 32
    assert "4 % / 32 % +28 prosentpoeng mer dekning regnet etter innbyggere enn etter kommuner" in text
    # Per county: Nordland has Bodø, Rana, Røst and 38 at 0: 3 of 81 relevant pairs in use.
    nordland_in_use = 2 * _inhabitants("1804") + _inhabitants("1833")
    assert round(100 * nordland_in_use / (2 * _population(county="18") - _inhabitants("1856"))) == 27
    assert "Nordland 41 0 % 0 %–0 % 0,95 4 % 27 % +23" in text
    # Per size class: 20 000 +: Bodø 90, Tromsø 80, Rana 70, Harstad 60, Alta 0 and Narvik 0; 6 of 12 pairs in use.
    assert "20 000 + 6 65 % 15 %–78 % 0,39 50 % 70 % +20" in text

    # Each solution: relevant, started, in use, share in use, coverage by inhabitants.
    pll_in_use = _inhabitants("1804") + _inhabitants("5501") + _inhabitants("1833")
    assert round(100 * pll_in_use / population) == 32
    assert (
        "E-resept og Sentral forskrivningsmodul (SFM) 79 4 3 4 % 32 % Pasientens legemiddelliste (PLL) 80 5 3 4 % 32 %"
        in text
    )

    # The map: the legend and the hexagons' letters.
    assert "Kart: modenheten i hver kommune" in text
    legend = text[text.index("Tegnforklaring") : text.index("Over tid")]
    for label in ("0–19 %", "20–39 %", "40–59 %", "60–79 %", "80–100 %", "Ingen aktuell løsning"):
        assert label in legend
    for letters in ("BOD", "TRO", "RØS", "ALT", "NAR"):
        assert f" {letters} " in text

    # The trend: November as it is now, June before any change, July with Bodø's two pairs in use.
    assert "november 2026 0 % 0,95 4 % 32 % +28" in text
    assert "juni 2026 0 % 0,00 0 % 0 % 0" in text
    assert "juli 2026 0 % 0,99 1 % 11 % +10" in text

    # Behind their peers, by name, with what they lack.
    assert "2 kommuner ligger klart bak kommuner som ligner dem." in text
    behind = text[text.index("Henger etter 2 kommuner") : text.index("Alle kommunene")]
    assert behind.index("Alta Modenhet 0 %.") < behind.index("Narvik Modenhet 0 %.")
    assert "Median i størrelsesklassen 20 000 +: 65 %." in behind
    assert (
        "Ikke startet: • E-resept og Sentral forskrivningsmodul (SFM); mangler forutsetningene Helsenettet "
        "(medlemskap). Kan hjelpe: Tromsø (samme størrelsesklasse: 20 000 +)" in behind
    )

    # Every municipality, alphabetically: Bodø at 90 %, 2 relevant, half documented, none fresh.
    assert "Bodø Nordland 20 000 + 90 % 2 50 % 0 %" in text
    assert "Røst Nordland under 2 000 20 % 1 0 % 100 %" in text
    assert text.index("Alta Finnmark") < text.index("Bodø Nordland") < text.index("Tromsø Troms")

    # How maturity is calculated, in the page's words.
    assert "Slik regner vi modenhet For hver valgte løsning får kommunen poeng" in text

    # The named fonts only, embedded: the same PDF on every machine.
    assert pdf_fonts(response.content, tmp_path) == {"DejaVu-Sans": "yes", "DejaVu-Sans-Bold": "yes"}
    # Tagged, so a screen reader gets the structure and the reading order.
    info = subprocess.run(["pdfinfo", "-"], input=response.content, capture_output=True, check=True).stdout  # noqa: S607
    assert "Tagged:          yes" in info.decode()


def test_the_pdf_never_holds_the_records_notes(frozen: None, records: None, reader_client: Client) -> None:
    response = reader_client.get(PDF_URL + REPORT)

    text = pdf_text(response.content)
    assert "Bodø" in text
    assert "7731" not in text
    assert "Hemmelig" not in text


def test_the_pdf_for_a_county_without_records(frozen: None, reference_data: None, reader_client: Client) -> None:
    response = reader_client.get(f"{PDF_URL}?omrade=56")

    assert response["Content-Disposition"] == 'attachment; filename="statusrapport-finnmark-2026-11-27.pdf"'
    text = pdf_text(response.content)
    assert "Statusrapport: Finnmark" in text
    assert "Siste endring i dataene Ingen kommune har registrert noe ennå." in text
    assert "Hele katalogen: ingen avtalerunde har prioritert løsninger ennå." in text
    assert "Ingen kommune ligger klart bak kommuner som ligner den, med de valgte løsningene." in text
    assert "Forskjellsmål etter fylke" not in text  # one county: no table per county
    assert "Alta Finnmark 20 000 + 0 %" in text


# --- The workbook ----------------------------------------------------------------------------------


def test_the_workbook_for_the_region(frozen: None, records: None, reader_client: Client) -> None:
    response = reader_client.get(XLSX_URL + REPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="statusrapport-nord-norge-2026-11-27.xlsx"'
    workbook = _workbook(response.content)
    assert workbook.sheetnames == ["Om rapporten", "Nøkkeltall", "Løsninger", "Kommuner", "Utvikling", "Henger etter"]
    for sheet in workbook.sheetnames:
        assert workbook[sheet].freeze_panes == "A2"

    about = dict(_rows(workbook, "Om rapporten")[1:])
    assert about["Rapport"] == "Statusrapport: Nord-Norge"
    assert about["Område"] == "Nord-Norge"
    assert about["Laget"] == datetime(2026, 11, 27, 13, 0)
    assert about["Siste endring i dataene"] == datetime(2026, 11, 17, 13, 0)
    assert about["Aktuelle par av kommune og løsning"] == 159
    assert about["Oppdatert siste 90 dager"] == pytest.approx(7 / 159)
    assert about["Dokumentert (resten er egenrapportert)"] == pytest.approx(1 / 159)
    assert (
        about["Løsninger som måles"] == "E-resept og Sentral forskrivningsmodul (SFM), Pasientens legemiddelliste (PLL)"
    )
    assert about["Hvorfor disse løsningene"] == "Valgt for denne rapporten."
    assert about["Slik regner vi modenhet"].startswith(
        "For hver valgte løsning får kommunen poeng etter trinnet fasen hører til: Ikke startet: 0, Planlagt: 1,"
    )
    assert "Modenheten er summen av poengene delt på 5 ganger" in about["Slik regner vi modenhet"]
    assert workbook["Om rapporten"]["B7"].number_format == "0%"

    population = _population(county__in_region=True)
    relevant = 2 * population - _inhabitants("1856")
    in_use = 2 * _inhabitants("1804") + 2 * _inhabitants("5501") + _inhabitants("1833") + _inhabitants("5503")
    key = _rows(workbook, "Nøkkeltall")
    assert key[0][:6] == (
        "Gruppe",
        "Navn",
        "Kommuner",
        "Med en aktuell løsning",
        "Gjennomsnittlig modenhet",
        "Median modenhet",
    )
    area = key[1]
    assert area[:4] == ("Område", "Nord-Norge", 80, 80)
    assert area[4] == pytest.approx(3.2 / 80)
    assert area[5:8] == (0.0, 0.0, 0.0)
    assert area[9:15] == pytest.approx((159, 6, 6 / 159, relevant, in_use, in_use / relevant))
    assert area[15] == pytest.approx(100 * (in_use / relevant - 6 / 159))
    assert area[16:] == (75, 1, 0, 2, 2)  # bands 0–19, 20–39, 40–59, 60–79, 80–100
    assert [row[:2] for row in key[2:]] == [
        ("Fylke", "Finnmark"),
        ("Fylke", "Nordland"),
        ("Fylke", "Troms"),
        ("Størrelsesklasse", "under 2 000"),
        ("Størrelsesklasse", "2 000–4 999"),
        ("Størrelsesklasse", "5 000–19 999"),
        ("Størrelsesklasse", "20 000 +"),
    ]
    largest = key[-1]
    assert largest[2:6] == (6, 6, pytest.approx(3.0 / 6), pytest.approx(0.65))
    assert workbook["Nøkkeltall"]["L2"].number_format == "0%"

    solutions = _rows(workbook, "Løsninger")
    assert solutions[2] == pytest.approx(
        (
            "Pasientens legemiddelliste (PLL)",
            80,
            0,
            5,
            5 / 80,
            3,
            3 / 80,
            population,
            _inhabitants("1804") + _inhabitants("5501") + _inhabitants("1833"),
            (_inhabitants("1804") + _inhabitants("5501") + _inhabitants("1833")) / population,
        )
    )
    e_resept_population = population - _inhabitants("1856")
    e_resept_in_use = _inhabitants("1804") + _inhabitants("5501") + _inhabitants("5503")
    assert solutions[1] == pytest.approx(
        (
            "E-resept og Sentral forskrivningsmodul (SFM)",
            79,
            1,
            4,
            4 / 79,
            3,
            3 / 79,
            e_resept_population,
            e_resept_in_use,
            e_resept_in_use / e_resept_population,
        )
    )

    municipalities = _rows(workbook, "Kommuner")
    assert municipalities[0] == (
        "Nummer",
        "Kommune",
        "Fylke",
        "Størrelse (innbyggere)",
        "Innbyggere",
        "Modenhet",
        "Aktuelle løsninger",
        "Dokumentert",
        "Oppdatert siste 90 dager",
        "Sist oppdatert",
    )
    assert len(municipalities) == 81
    bodo = _row_of(workbook, "Kommuner", 0, "1804")
    assert bodo[:9] == pytest.approx(("1804", "Bodø", "Nordland", "20 000 +", _inhabitants("1804"), 0.9, 2, 0.5, 0.0))
    assert bodo[9] == datetime(2026, 7, 30, 14, 0)  # 120 days before, in summer time
    assert _row_of(workbook, "Kommuner", 0, "1856")[5:9] == pytest.approx((0.2, 1, 0.0, 1.0))
    alta = _row_of(workbook, "Kommuner", 0, "5601")
    assert alta[5:10] == (0, 2, 0, 0, None)
    # Alphabetical, never by score: Alta before Bodø, Tromsø after Bodø.
    names = [row[1] for row in municipalities[1:]]
    assert names.index("Alta") < names.index("Bodø") < names.index("Tromsø")

    trend = _rows(workbook, "Utvikling")
    assert len(trend) == 13
    assert [row[0] for row in trend[1:3]] == [datetime(2025, 12, 1), datetime(2026, 1, 1)]
    june, july, november = trend[7], trend[8], trend[12]
    assert june[0] == datetime(2026, 6, 1)
    assert june[4:6] == (0.0, 0.0)
    # At the end of July only Bodø's two pairs are in use, of 160 relevant (Røst's e-resept was not yet marked).
    assert july[4:6] == pytest.approx((2 / 160, 2 * _inhabitants("1804") / (2 * population)))
    assert november[4:6] == pytest.approx((6 / 159, in_use / relevant))

    behind = _rows(workbook, "Henger etter")
    assert [row[:4] for row in behind[1:]] == [("5601", "Alta", "Finnmark", 0.0), ("1806", "Narvik", "Nordland", 0.0)]
    assert behind[1][4] == "Median i størrelsesklassen 20 000 +: 65\u00a0%."
    assert behind[1][5].startswith(
        "E-resept og Sentral forskrivningsmodul (SFM) (mangler forutsetningene Helsenettet (medlemskap)); "
        "Pasientens legemiddelliste (PLL) (mangler forutsetningene Helsenettet (medlemskap), HelseID,"
    )
    assert behind[1][6].startswith(
        "E-resept og Sentral forskrivningsmodul (SFM): Tromsø (samme størrelsesklasse: 20 000 +)"
    )


def test_the_workbook_never_holds_the_records_notes(frozen: None, records: None, reader_client: Client) -> None:
    workbook = _workbook(reader_client.get(XLSX_URL + REPORT).content)

    values = [str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row]
    assert "Bodø" in values
    assert not [value for value in values if "7731" in value or "Hemmelig" in value]


def test_the_workbook_without_a_choice_measures_the_whole_catalogue(
    frozen: None, reference_data: None, reader_client: Client
) -> None:
    workbook = _workbook(reader_client.get(f"{XLSX_URL}?omrade=18").content)

    about = dict(_rows(workbook, "Om rapporten")[1:])
    assert about["Område"] == "Nordland"
    assert about["Hvorfor disse løsningene"] == "Hele katalogen: ingen avtalerunde har prioritert løsninger ennå."
    assert about["Siste endring i dataene"] is None
    assert [row[0] for row in _rows(workbook, "Løsninger")[1:]] == [solution.name for solution in solution_list()]
    assert len(_rows(workbook, "Kommuner")) == 1 + Municipality.objects.filter(county="18").count()
    assert _rows(workbook, "Henger etter") == [_rows(workbook, "Henger etter")[0]]


# --- Queries -----------------------------------------------------------------------------------------


def _queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_records(
    frozen: None, reference_data: None, coordinator: Any, reader_client: Client
) -> None:
    pll, e_resept = Solution.objects.get(slug=PLL), Solution.objects.get(slug=E_RESEPT)
    municipalities = list(Municipality.objects.filter(county__in_region=True).order_by("number"))
    for municipality in municipalities[:1]:
        for solution in (pll, e_resept):
            implementation_update(
                municipality=municipality, solution=solution, user=coordinator, changes={"phase": "planlagt"}
            )
    few = {address: _queries(reader_client, address + REPORT) for address in (PDF_URL, XLSX_URL)}
    for municipality in municipalities[1:10]:
        for solution in (pll, e_resept):
            implementation_update(
                municipality=municipality,
                solution=solution,
                user=coordinator,
                changes={"phase": "i_drift"},
                at=T - timedelta(days=40),
            )
    many = {address: _queries(reader_client, address + REPORT) for address in (PDF_URL, XLSX_URL)}
    assert many == few


# --- Pieces ------------------------------------------------------------------------------------------


def test_file_names_have_no_norwegian_letters() -> None:
    assert norwegian_slug("Nord-Norge") == "nord-norge"
    assert norwegian_slug("Trøndelag") == "trondelag"
    assert norwegian_slug("Møre og Romsdal") == "more-og-romsdal"
    assert norwegian_slug("hele Norge") == "hele-norge"
    assert norwegian_slug("Æsøy på Åsen") == "aesoy-pa-asen"


def test_the_file_is_named_for_the_day_in_oslo(reference_data: None, reader: Any) -> None:
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), tick=False):
        client = Client()
        client.force_login(reader)
        response = client.get(XLSX_URL)

    # Half past midnight on New Year's Day in Oslo, still New Year's Eve in UTC.
    assert response["Content-Disposition"] == 'attachment; filename="statusrapport-nord-norge-2027-01-01.xlsx"'
    about = dict(_rows(_workbook(response.content), "Om rapporten")[1:])
    assert about["Laget"] == datetime(2027, 1, 1, 0, 30)
