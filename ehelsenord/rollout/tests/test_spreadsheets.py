"""The spreadsheet round trip: export, import, validation, access and all-or-nothing."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect

from ehelsenord.accounts.enums import Role
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.enums import ChangeSource
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.services import implementation_update
from ehelsenord.rollout.spreadsheets import (
    COLUMNS,
    ImportResult,
    RowError,
    apply_import,
    plan_import,
    read_table,
)
from ehelsenord.solutions.models import Solution
from tests.browser.fixtures import axe_violations

pytestmark = pytest.mark.django_db

CHANGED_AT = datetime(2026, 10, 1, 10, 30, tzinfo=UTC)  # 12:30 in Oslo
ERESEPT_NAME = "E-resept og Sentral forskrivningsmodul (SFM)"
STANDARD_PHASES = "Ikke startet, Planlagt, Forberedelse, Utprøving, I drift, Gevinstrealisering, Ikke aktuell"


# --- Helpers -----------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _xlsx(rows: list[list[Any]], header: tuple[str, ...] | list[str] = COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Registreringer"
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[Any]], header: tuple[str, ...] | list[str] = COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _row(
    number: str = "1804",
    slug: str = "e-resept",
    phase: str = "I drift",
    light: str = "I rute",
    note: str = "",
    target: Any = "",
    go_live: Any = "",
    evidence: str = "Egenrapportert",
) -> list[Any]:
    """A data row in COLUMNS order; the informational columns are left empty."""
    return [number, "", slug, "", phase, light, note, target, go_live, evidence, "", ""]


def _upload(client: Client, content: bytes, name: str) -> Any:
    return client.post(reverse("rollout:import"), {"fil": SimpleUploadedFile(name, content)})


def _export(client: Client, query: str) -> Any:
    return client.get(f"{reverse('rollout:export')}?{query}")


def _snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every record and every history entry, to prove that nothing changed."""
    records = list(
        Implementation.objects.order_by("pk").values_list(
            "pk",
            "municipality",
            "solution",
            "phase",
            "traffic_light",
            "note",
            "target_date",
            "go_live_date",
            "evidence",
            "updated_at",
            "updated_by",
        )
    )
    changes = list(
        ImplementationChange.objects.order_by("pk").values_list("pk", "implementation", "field", "new_value")
    )
    return records, changes


def _history() -> list[tuple[str, str, str, str, str, str]]:
    return list(
        ImplementationChange.objects.order_by(
            "implementation__municipality", "implementation__solution", "id"
        ).values_list(
            "implementation__municipality",
            "implementation__solution__slug",
            "field",
            "old_value",
            "new_value",
            "source",
        )
    )


def _errors(response: Any) -> list[RowError]:
    result: ImportResult = response.context["result"]
    return result.errors


@pytest.fixture
def eresept() -> Solution:
    return Solution.objects.get(slug="e-resept")


@pytest.fixture
def bodo_eresept(bodo: Municipality, eresept: Solution, coordinator: Any) -> Implementation:
    """Bodø runs e-resept: every field set."""
    implementation_update(
        municipality=bodo,
        solution=eresept,
        user=coordinator,
        changes={
            "phase": "i_drift",
            "traffic_light": "at_risk",
            "note": "Venter på ny versjon av journalsystemet",
            "target_date": date(2026, 3, 1),
            "go_live_date": date(2026, 9, 15),
            "evidence": "documented",
        },
        at=CHANGED_AT,
    )
    return Implementation.objects.get(municipality=bodo, solution=eresept)


# --- Export ------------------------------------------------------------------------------------

BODO_ERESEPT = [
    "1804",
    "Bodø",
    "e-resept",
    ERESEPT_NAME,
    "I drift",
    "Risiko",
    "Venter på ny versjon av journalsystemet",
    datetime(2026, 3, 1),
    datetime(2026, 9, 15),
    "Dokumentert",
    datetime(2026, 10, 1, 12, 30),
    "Kari Koordinator",
]


def test_export_xlsx_holds_exactly_the_filtered_cells(bodo_eresept: Implementation, reader: Any) -> None:
    # Nordland, e-resept, stage "in production": of 41 municipalities only Bodø is there.
    response = _export(_client(reader), "omrade=18&losning=e-resept&fase=in_production&format=xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="ehelsenord-status-{today}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Registreringer", "Forklaring"]
    sheet = workbook["Registreringer"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [list(COLUMNS), BODO_ERESEPT]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["G"].width == 60
    assert (sheet["H2"].is_date, sheet["H2"].number_format) == (True, "DD.MM.YYYY")
    assert sheet["A2"].data_type == "s"


def test_export_xlsx_legend_lists_the_allowed_values(reader: Any) -> None:
    response = _export(_client(reader), "losning=e-resept&losning=helsenettet&format=xlsx")

    legend = load_workbook(io.BytesIO(response.content))["Forklaring"]
    rows = [list(row) for row in legend.iter_rows(values_only=True)]
    assert rows[0] == ["kolonne", "løsning", "løsningsnavn", "tillatt verdi"]
    assert [row[3] for row in rows if row[1] == "helsenettet"] == [
        "Ikke medlem",
        "Avtaler under behandling",
        "Avtaler signert",
        "Tilkobling bestilt",
        "Tilkoblet",
        "Alle tjenester tilkoblet",
    ]
    assert ", ".join(str(row[3]) for row in rows if row[1] == "e-resept") == STANDARD_PHASES
    assert [row[3] for row in rows if row[0] == "trafikklys"] == ["I rute", "Risiko", "Forsinket"]
    assert [row[3] for row in rows if row[0] == "dokumentasjon"] == ["Egenrapportert", "Dokumentert"]
    assert legend.freeze_panes == "A2"


def test_export_csv_is_utf8_with_bom_and_semicolons(bodo_eresept: Implementation, reader: Any) -> None:
    response = _export(_client(reader), "omrade=18&losning=e-resept&fase=in_production&format=csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith(f'-{timezone.localdate().isoformat()}.csv"')
    assert response.content.decode("utf-8").split("\r\n") == [
        "\ufeffkommunenummer;kommune;løsning;løsningsnavn;fase;trafikklys;notat;måldato;driftsdato;dokumentasjon;"
        "sist oppdatert;oppdatert av",
        f"1804;Bodø;e-resept;{ERESEPT_NAME};I drift;Risiko;Venter på ny versjon av journalsystemet;01.03.2026;"
        "15.09.2026;Dokumentert;01.10.2026 12:30;Kari Koordinator",
        "",
    ]


def test_export_includes_cells_without_a_record_at_the_first_phase(reader: Any) -> None:
    response = _export(_client(reader), "omrade=18&losning=helsenettet&format=csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    nordland = Municipality.objects.filter(county="18").count()
    assert len(rows) == 1 + nordland == 42
    assert {(row[2], row[4], row[5], row[6], row[9], row[10]) for row in rows[1:]} == {
        ("helsenettet", "Ikke medlem", "I rute", "", "Egenrapportert", "")
    }
    # Norwegian order: Å-names last.
    assert rows[-1][1] == "Øksnes"


def test_export_of_one_municipality_for_its_contact(bodo_eresept: Implementation, bodo_contact: Any) -> None:
    response = _export(_client(bodo_contact), "kommune=1804&format=csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert {row[0] for row in rows[1:]} == {"1804"}
    assert len(rows) == 1 + Solution.objects.exclude(status="historical").count()


def test_import_validation_costs_the_same_queries_for_one_row_and_many(
    coordinator: Any, django_assert_num_queries: Callable[..., Any]
) -> None:
    one = read_table(_csv([_row()]), "one.csv")
    many = read_table(_csv([_row(number=m.number) for m in Municipality.objects.filter(county="18")]), "many.csv")
    # the user's rights, solutions, their phases, municipalities, the stored records
    with django_assert_num_queries(5):
        assert len(plan_import(one, user=coordinator).changed) == 1
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)  # without the cached rights
    with django_assert_num_queries(5):
        assert len(plan_import(many, user=coordinator).changed) == 41


def test_export_costs_the_same_queries_for_one_record_and_many(
    bodo_eresept: Implementation, coordinator: Any, django_assert_num_queries: Callable[..., Any]
) -> None:
    client = _client(coordinator)
    # session, user, counties, solutions, their phases, the county of ?omrade=18, municipalities, records
    with django_assert_num_queries(8):
        _export(client, "omrade=18&format=xlsx")
    for municipality in Municipality.objects.filter(county="18")[:20]:
        for solution in Solution.objects.all()[:5]:
            implementation_update(
                municipality=municipality, solution=solution, user=coordinator, changes={"note": "Flere rader"}
            )
    with django_assert_num_queries(8):
        response = _export(client, "omrade=18&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Registreringer"]
    assert sum(1 for _row in sheet.iter_rows(values_only=True)) == 1 + 41 * 22


# --- Round trip --------------------------------------------------------------------------------


def test_round_trip_xlsx_changes_exactly_the_two_edited_records(bodo_eresept: Implementation, coordinator: Any) -> None:
    client = _client(coordinator)
    exported = _export(client, "omrade=region&losning=e-resept&losning=kjernejournal&format=xlsx")
    workbook = load_workbook(io.BytesIO(exported.content))
    sheet = workbook["Registreringer"]
    edited = 0
    for row in sheet.iter_rows(min_row=2):
        if (row[0].value, row[2].value) == ("1804", "e-resept"):
            row[4].value = "gevinstrealisering"  # the key, in lower case, works as well as the name
            edited += 1
        if (row[0].value, row[2].value) == ("1856", "kjernejournal"):
            row[8].value = date(2027, 1, 4)  # a real date cell, as Excel makes when someone types a date
            edited += 1
    assert edited == 2
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = ImplementationChange.objects.count()

    response = _upload(client, buffer.getvalue(), "status.xlsx")

    assert response.status_code == 200
    result: ImportResult = response.context["result"]
    assert (result.rows_read, len(result.changed), result.unchanged, result.errors) == (160, 2, 158, [])
    assert ImplementationChange.objects.count() == before + 2
    new = ImplementationChange.objects.order_by("id")[before:]
    assert [(c.implementation.municipality_id, c.field, c.old_value, c.new_value, c.source) for c in new] == [
        ("1804", "phase", "i_drift", "gevinstrealisering", ChangeSource.IMPORT),
        ("1856", "go_live_date", "", "2027-01-04", ChangeSource.IMPORT),
    ]
    rost_kjernejournal = Implementation.objects.get(municipality="1856", solution__slug="kjernejournal")
    assert (rost_kjernejournal.phase.key, rost_kjernejournal.go_live_date) == ("ikke_startet", date(2027, 1, 4))
    assert {(c.changed_by, c.reason) for c in new} == {(coordinator, "Fra filen status.xlsx")}
    html = response.content.decode()
    assert "Importen er fullført" in html
    assert "<dt>Rader lest</dt><dd>160</dd>" in html
    assert "<dt>Endret</dt><dd>2</dd>" in html
    assert "<dt>Uendret</dt><dd>158</dd>" in html


def test_round_trip_of_an_unchanged_file_writes_no_history(bodo_eresept: Implementation, coordinator: Any) -> None:
    client = _client(coordinator)
    for file_format in ("xlsx", "csv"):
        exported = _export(client, f"omrade=18&losning=e-resept&losning=helsenettet&format={file_format}")
        before = _snapshot()

        response = _upload(client, exported.content, f"status.{file_format}")

        assert response.status_code == 200
        result: ImportResult = response.context["result"]
        assert (result.rows_read, len(result.changed), result.unchanged) == (82, 0, 82)
        assert _snapshot() == before
        assert "Alle radene var like som på plattformen" in response.content.decode()


def test_round_trip_csv_with_bom_and_semicolons(bodo_eresept: Implementation, coordinator: Any) -> None:
    client = _client(coordinator)
    exported = _export(client, "omrade=18&losning=e-resept&format=csv").content.decode("utf-8")
    assert exported.startswith("\ufeffkommunenummer;")
    edited = exported.replace(
        "1804;Bodø;e-resept;" + ERESEPT_NAME + ";I drift;Risiko;",
        "1804;Bodø;e-resept;" + ERESEPT_NAME + ";I drift;forsinket;",
    )
    assert edited != exported

    response = _upload(client, edited.encode("utf-8"), "status.csv")

    assert response.context["result"].errors == []
    assert len(response.context["result"].changed) == 1
    assert _history()[-1] == ("1804", "e-resept", "traffic_light", "at_risk", "delayed", "import")


def test_round_trip_keeps_a_note_that_looks_like_a_formula(eresept: Solution, bodo: Any, coordinator: Any) -> None:
    implementation_update(
        municipality=bodo, solution=eresept, user=coordinator, changes={"note": "=1+1 er ikke en formel"}
    )
    client = _client(coordinator)
    csv_text = _export(client, "kommune=1804&losning=e-resept&format=csv").content.decode("utf-8")
    assert ";'=1+1 er ikke en formel;" in csv_text
    xlsx = _export(client, "kommune=1804&losning=e-resept&format=xlsx").content
    cell = load_workbook(io.BytesIO(xlsx))["Registreringer"]["G2"]
    assert (cell.value, cell.data_type) == ("=1+1 er ikke en formel", "s")
    before = _snapshot()

    for content, name in ((csv_text.encode("utf-8"), "a.csv"), (xlsx, "a.xlsx")):
        response = _upload(client, content, name)
        assert (response.context["result"].errors, response.context["result"].changed) == ([], [])
    assert _snapshot() == before


# --- Import of files built by hand -----------------------------------------------------------


def test_import_xlsx_with_real_date_cells_and_number_cells(bodo: Any, eresept: Solution, coordinator: Any) -> None:
    content = _xlsx(
        [
            [
                1804,
                "",
                "e-resept",
                "",
                "i drift",
                "risiko",
                "  To   legekontor ",
                date(2026, 5, 1),
                datetime(2026, 6, 2, 0, 0),
                "dokumentert",
                "",
                "",
            ]
        ]
    )

    response = _upload(_client(coordinator), content, "hand.xlsx")

    assert response.context["result"].errors == []
    record = Implementation.objects.get(municipality=bodo, solution=eresept)
    assert (
        record.phase.key,
        record.traffic_light,
        record.note,
        record.target_date,
        record.go_live_date,
        record.evidence,
    ) == (
        "i_drift",
        "at_risk",
        "To legekontor",
        date(2026, 5, 1),
        date(2026, 6, 2),
        "documented",
    )


def test_import_accepts_iso_dates_and_empty_cells_mean_empty(bodo_eresept: Implementation, coordinator: Any) -> None:
    content = _csv([_row(target="2027-02-01", go_live="", note="", light="Risiko", evidence="Dokumentert")])

    response = _upload(_client(coordinator), content, "iso.csv")

    assert response.context["result"].errors == []
    bodo_eresept.refresh_from_db()
    assert (bodo_eresept.target_date, bodo_eresept.go_live_date, bodo_eresept.note) == (date(2027, 2, 1), None, "")


def test_import_accepts_columns_in_any_order_and_ignores_unknown_columns(bodo: Any, coordinator: Any) -> None:
    header = [
        "Fase",
        "løsning",
        "ekstra",
        "kommunenummer",
        "trafikklys",
        "notat",
        "måldato",
        "driftsdato",
        "dokumentasjon",
    ]
    content = _xlsx(
        [["Planlagt", "e-resept", "hva som helst", "1804", "I rute", "", None, None, "Egenrapportert"]], header
    )

    response = _upload(_client(coordinator), content, "order.xlsx")

    assert response.context["result"].errors == []
    assert _history() == [("1804", "e-resept", "phase", "ikke_startet", "planlagt", "import")]


# --- Broken files: a clear Norwegian message, and nothing changes ------------------------------

ROW_ERRORS = [
    pytest.param(
        [_row(number="9999")],
        [RowError(2, "kommunenummer", "Det finnes ingen kommune med nummeret «9999».")],
        id="municipality",
    ),
    pytest.param([_row(number="")], [RowError(2, "kommunenummer", "Fyll inn kommunenummeret.")], id="no-municipality"),
    pytest.param(
        [_row(slug="e-lapp")],
        [RowError(2, "løsning", "Det finnes ingen løsning med nøkkelen «e-lapp».")],
        id="solution",
    ),
    pytest.param(
        [_row(phase="Tilkoblet")],
        [RowError(2, "fase", f"«Tilkoblet» er ikke en fase i {ERESEPT_NAME}. Tillatte faser: {STANDARD_PHASES}.")],
        id="phase",
    ),
    pytest.param(
        [_row(phase="")], [RowError(2, "fase", f"Fyll inn fasen. Tillatte faser: {STANDARD_PHASES}.")], id="no-phase"
    ),
    pytest.param(
        [_row(light="Grønn")],
        [
            RowError(
                2,
                "trafikklys",
                "«Grønn» er ikke en gyldig verdi for trafikklys. Tillatte verdier: I rute, Risiko, Forsinket.",
            )
        ],
        id="traffic-light",
    ),
    pytest.param(
        [_row(evidence="Sikkert")],
        [
            RowError(
                2,
                "dokumentasjon",
                "«Sikkert» er ikke en gyldig verdi for dokumentasjon. Tillatte verdier: Egenrapportert, Dokumentert.",
            )
        ],
        id="evidence",
    ),
    pytest.param(
        [_row(target="31.02.2027")],
        [RowError(2, "måldato", "«31.02.2027» er ikke en dato. Skriv datoer som DD.MM.ÅÅÅÅ, for eksempel 01.03.2027.")],
        id="date",
    ),
    pytest.param(
        [_row(go_live="snart")],
        [RowError(2, "driftsdato", "«snart» er ikke en dato. Skriv datoer som DD.MM.ÅÅÅÅ, for eksempel 01.03.2027.")],
        id="go-live-date",
    ),
    pytest.param(
        [_row(note="x" * 201)], [RowError(2, "notat", "Notatet kan ha høyst 200 tegn; dette har 201.")], id="note"
    ),
    pytest.param(
        [_row(), _row(number="1856"), _row(phase="Planlagt")],
        [RowError(4, "løsning", "Samme kommune og løsning står også i rad 2.")],
        id="duplicate",
    ),
    pytest.param(
        # One good row and one bad row: the good row is not saved either.
        [_row(number="1856", phase="Utprøving"), _row(light="Blå")],
        [
            RowError(
                3,
                "trafikklys",
                "«Blå» er ikke en gyldig verdi for trafikklys. Tillatte verdier: I rute, Risiko, Forsinket.",
            )
        ],
        id="one-good-one-bad",
    ),
]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
@pytest.mark.parametrize(("rows", "expected"), ROW_ERRORS)
def test_import_with_a_bad_row_changes_nothing(
    bodo_eresept: Implementation, coordinator: Any, file_format: str, rows: list[list[Any]], expected: list[RowError]
) -> None:
    content = _xlsx(rows) if file_format == "xlsx" else _csv(rows)
    before = _snapshot()

    response = _upload(_client(coordinator), content, f"feil.{file_format}")

    assert response.status_code == 400
    assert _errors(response) == expected
    assert _snapshot() == before
    html = response.content.decode()
    assert "Filen har feil, så ingenting ble endret" in html
    assert expected[0].message in html


def test_import_lists_every_error_of_every_row(coordinator: Any) -> None:
    content = _csv([_row(number="1", light="", target="1.1.27"), _row(slug="", evidence="")])

    response = _upload(_client(coordinator), content, "mange.csv")

    assert _errors(response) == [
        RowError(2, "kommunenummer", "Det finnes ingen kommune med nummeret «0001»."),
        RowError(2, "trafikklys", "Fyll inn trafikklys. Tillatte verdier: I rute, Risiko, Forsinket."),
        RowError(2, "måldato", "«1.1.27» er ikke en dato. Skriv datoer som DD.MM.ÅÅÅÅ, for eksempel 01.03.2027."),
        RowError(3, "løsning", "Fyll inn nøkkelen til løsningen, for eksempel e-resept."),
        RowError(3, "dokumentasjon", "Fyll inn dokumentasjon. Tillatte verdier: Egenrapportert, Dokumentert."),
    ]
    assert ImplementationChange.objects.count() == 0


def _zip_that_is_not_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hei.txt", "ikke et regneark")
    return buffer.getvalue()


XLSX_UNREADABLE = "Filen kunne ikke leses som et Excel-regneark (.xlsx). Lagre den som .xlsx eller .csv og prøv igjen."
CSV_UNREADABLE = "Filen kunne ikke leses som CSV. Lagre den som CSV UTF-8 (semikolonseparert) og prøv igjen."
EMPTY = "Filen er tom: den har ingen rader med registreringer."

FILE_ERRORS = [
    pytest.param(
        b"kommunenummer;fase\n1804;I drift\n", "status.txt", "Velg en fil av typen .xlsx eller .csv.", id="txt"
    ),
    pytest.param(b"", "status.xls", "Velg en fil av typen .xlsx eller .csv.", id="xls"),
    pytest.param(b"Dette er bare tekst.\n", "status.xlsx", XLSX_UNREADABLE, id="text-renamed-to-xlsx"),
    pytest.param(b"PK\x03\x04 og resten mangler", "status.xlsx", XLSX_UNREADABLE, id="broken-zip"),
    pytest.param(_zip_that_is_not_a_workbook(), "status.xlsx", XLSX_UNREADABLE, id="zip-without-workbook"),
    pytest.param(b"PK\x03\x04\x00\x00binary", "status.csv", CSV_UNREADABLE, id="binary-renamed-to-csv"),
    pytest.param(b"", "status.csv", EMPTY, id="empty-csv"),
    pytest.param(b"\xef\xbb\xbf\r\n;;;\r\n", "status.csv", EMPTY, id="blank-csv"),
    pytest.param(_csv([]), "status.csv", EMPTY, id="header-only-csv"),
    pytest.param(_xlsx([]), "status.xlsx", EMPTY, id="header-only-xlsx"),
    pytest.param(
        _csv(
            [["1804", "e-resept", "I drift", "", "", "", ""]],
            ["kommunenummer", "løsning", "fase", "notat", "måldato", "driftsdato", "x"],
        ),
        "status.csv",
        "Filen mangler kolonnene trafikklys, dokumentasjon. Første rad må inneholde kolonnenavnene, slik som i den "
        "nedlastede filen.",
        id="missing-columns",
    ),
    pytest.param(
        _csv([[*_row(), "I drift"]], [*COLUMNS, "fase"]),
        "status.csv",
        "Kolonnen «fase» står mer enn én gang.",
        id="duplicated-column",
    ),
    pytest.param(
        _csv([_row(number=str(n)) for n in range(10_001)]),
        "status.csv",
        "Filen har mer enn 10\xa0000 rader. Del den opp i mindre filer.",
        id="too-many-rows",
    ),
]


@pytest.mark.parametrize(("content", "name", "message"), FILE_ERRORS)
def test_import_of_a_broken_file_gives_one_clear_message(
    bodo_eresept: Implementation, coordinator: Any, content: bytes, name: str, message: str
) -> None:
    before = _snapshot()

    response = _upload(_client(coordinator), content, name)

    assert response.status_code == 400
    assert _errors(response) == [RowError(None, "", message)]
    assert _snapshot() == before
    assert "Ingenting ble importert" in response.content.decode()


def test_import_of_an_oversize_file_is_refused_unread(
    bodo_eresept: Implementation, coordinator: Any, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 2048
    content = _csv([_row(number="1856", note="x" * 100) for _ in range(30)])
    assert len(content) > 2048
    before = _snapshot()

    response = _upload(_client(coordinator), content, "stor.csv")

    assert response.status_code == 400
    assert _errors(response) == [RowError(None, "", "Filen er for stor. Den kan være på høyst 2,0\xa0KB.")]
    assert _snapshot() == before


def test_import_of_a_workbook_that_unpacks_to_too_much_is_refused_unparsed(coordinator: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (51 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000

    response = _upload(_client(coordinator), buffer.getvalue(), "bombe.xlsx")

    assert _errors(response) == [
        RowError(
            None, "", "Regnearket er for stort når det pakkes ut. Behold bare arket «Registreringer» og prøv igjen."
        )
    ]


def test_import_without_a_file_asks_for_one(coordinator: Any) -> None:
    response = _client(coordinator).post(reverse("rollout:import"), {})

    assert response.status_code == 400
    assert _errors(response) == [RowError(None, "", "Velg en fil å importere.")]


def test_import_reads_windows_1252_csv_and_comma_separated_files(bodo: Any, coordinator: Any) -> None:
    header = ",".join(COLUMNS)
    body = "1804,,e-resept,,Forberedelse,I rute,Bestilt for Bodø og Værøy,,,Egenrapportert,,"
    response = _upload(_client(coordinator), f"{header}\r\n{body}\r\n".encode("cp1252"), "excel.csv")

    assert response.context["result"].errors == []
    assert Implementation.objects.get(municipality=bodo).note == "Bestilt for Bodø og Værøy"


# --- Access ------------------------------------------------------------------------------------


def test_import_by_a_municipality_contact_refuses_rows_of_another_municipality(
    bodo_eresept: Implementation, rost_contact: Any
) -> None:
    content = _xlsx([_row(number="1856", phase="Planlagt"), _row(number="1804", phase="Planlagt")])
    before = _snapshot()

    response = _upload(_client(rost_contact), content, "røst.xlsx")

    assert response.status_code == 400
    assert _errors(response) == [RowError(3, "kommunenummer", "Du kan ikke endre registreringene til Bodø.")]
    assert _snapshot() == before


def test_import_by_a_municipality_contact_changes_their_own_rows_only(
    bodo_eresept: Implementation, rost: Any, rost_contact: Any
) -> None:
    response = _upload(_client(rost_contact), _csv([_row(number="1856", phase="Planlagt")]), "røst.csv")

    assert response.status_code == 200
    assert _history()[-1] == ("1856", "e-resept", "phase", "ikke_startet", "planlagt", "import")
    assert Implementation.objects.get(municipality=rost).updated_by == rost_contact
    bodo_eresept.refresh_from_db()
    assert (bodo_eresept.phase.key, str(bodo_eresept.updated_by)) == ("i_drift", "Kari Koordinator")


def test_import_by_a_reader_is_forbidden(bodo_eresept: Implementation, reader: Any) -> None:
    before = _snapshot()

    response = _upload(_client(reader), _csv([_row(phase="Planlagt")]), "leser.csv")

    assert response.status_code == 403
    assert "Du kan lese registreringene, men rollen din gir ikke lov til å endre dem." in response.content.decode()
    assert _snapshot() == before


def test_import_page_only_takes_posts(coordinator: Any) -> None:
    response = _client(coordinator).get(reverse("rollout:import"))

    assert (response.status_code, response["Location"]) == (302, reverse("rollout:exchange"))


def test_apply_import_rolls_back_every_row_when_one_fails(
    bodo: Any, rost: Any, coordinator: Any, rost_contact: Any
) -> None:
    # Planned by a coordinator, applied by Røst's contact: Røst's row goes through, Bodø's is refused.
    table = read_table(_csv([_row(number="1856", phase="Planlagt"), _row(number="1804", phase="Planlagt")]), "a.csv")
    plan = plan_import(table, user=coordinator)
    assert (plan.errors, len(plan.changed)) == ([], 2)

    result = apply_import(plan, user=rost_contact)

    assert result.errors == [RowError(3, "kommunenummer", "Du kan ikke endre registreringene til Bodø.")]
    assert result.changed == []
    assert (Implementation.objects.count(), ImplementationChange.objects.count()) == (0, 0)


# --- The page ----------------------------------------------------------------------------------


def test_exchange_page_shows_the_upload_form_to_those_who_may_change(coordinator: Any, rost_contact: Any) -> None:
    html = _client(coordinator).get(reverse("rollout:exchange")).content.decode()
    assert (
        '<input class="exchange-upload__file" type="file" id="id_fil" name="fil" accept=".xlsx,.csv" required' in html
    )
    assert "Du kan endre registreringene til alle kommunene i regionen." in html

    html = _client(rost_contact).get(reverse("rollout:exchange")).content.decode()
    assert "Du kan bare endre radene for Røst: en rad for en annen kommune stopper hele importen." in html
    assert f'href="{reverse("rollout:export")}?kommune=1856&amp;format=xlsx"' in html


def test_exchange_page_hides_the_upload_form_from_readers(reader: Any) -> None:
    response = _client(reader).get(reverse("rollout:exchange"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="file"' not in html
    assert "rollen din gir ikke lov til å endre dem, så du kan ikke laste opp en fil" in html
    assert '<h1 class="ds-heading" data-size="lg">Regneark</h1>' in html


def test_exchange_page_costs_a_fixed_number_of_queries(
    make_user: Any, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    user = make_user(role=Role.MUNICIPALITY_CONTACT, municipalities=list(Municipality.objects.filter(county="18")[:3]))
    client = _client(user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("rollout:exchange"))
    assert response.status_code == 200


# --- In Chromium -------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
# pytest-playwright 0.10 declares its session fixture base_url in a way pytest 9 warns about.
@pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")
# Whitenoise warns when collectstatic has not run (a fresh clone); the live server needs no STATIC_ROOT.
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_exchange_pages_upload_without_accessibility_violations(
    page: Page,
    live: str,
    login: Callable[[Any], None],
    coordinator: Any,
    tmp_path: Any,
    console_errors: list[str],
) -> None:
    login(coordinator)
    page.goto(f"{live}{reverse('rollout:exchange')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Regneark")
    assert axe_violations(page) == []

    bad = tmp_path / "feil.csv"
    bad.write_bytes(_csv([_row(number="1856", phase="Planlagt"), _row(light="Grønn")]))
    page.get_by_label("Regnearkfil (.xlsx eller .csv)").set_input_files(str(bad))
    page.get_by_role("button", name="Kontroller og importer").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingenting ble importert")
    expect(page.get_by_role("table", name="Feil i filen")).to_contain_text(
        "«Grønn» er ikke en gyldig verdi for trafikklys."
    )
    assert axe_violations(page) == []
    assert Implementation.objects.count() == 0
    # The refused file is answered with 400 Bad Request, which Chromium logs; that one is expected.
    assert console_errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    console_errors.clear()

    good = tmp_path / "riktig.xlsx"
    good.write_bytes(_xlsx([_row(number="1856", phase="Planlagt")]))
    page.get_by_label("Regnearkfil (.xlsx eller .csv)").set_input_files(str(good))
    page.get_by_role("button", name="Kontroller og importer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importen er fullført")
    expect(page.get_by_role("table", name="Endrede rader")).to_contain_text("Røst")
    assert axe_violations(page) == []
    assert _history() == [("1856", "e-resept", "phase", "ikke_startet", "planlagt", "import")]


def test_import_of_a_stale_file_never_reverts_a_newer_change(bodo_eresept: Implementation, coordinator: Any) -> None:
    client = _client(coordinator)
    exported = _export(client, "omrade=18&losning=e-resept&format=xlsx").content
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        # After the download, someone sets Bodø's e-resept to "delayed" in the matrix ...
        implementation_update(
            municipality=bodo_eresept.municipality,
            solution=bodo_eresept.solution,
            user=coordinator,
            changes={"traffic_light": "delayed"},
        )
    before = _snapshot()
    workbook = load_workbook(io.BytesIO(exported))
    sheet = workbook["Registreringer"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "1804":
            row[6].value = "Nytt notat"  # ... and the old file (still "I rute") changes Bodø's note.
    buffer = io.BytesIO()
    workbook.save(buffer)

    result: ImportResult = _upload(client, buffer.getvalue(), "gammel.xlsx").context["result"]

    when = timezone.localtime(Implementation.objects.get(pk=bodo_eresept.pk).updated_at).strftime("%d.%m.%Y %H:%M")
    assert result.errors == [
        RowError(
            row=result.errors[0].row,
            column="sist oppdatert",
            message=f"Noen endret denne registreringen {when}, etter at filen ble lastet ned. Last ned en ny fil, "
            "eller tøm cellen for å overskrive de nyere verdiene.",
        )
    ]
    assert _snapshot() == before


def test_import_of_the_national_file_by_a_contact_applies_only_their_own_rows(
    bodo_eresept: Implementation, rost_contact: Any
) -> None:
    client = _client(rost_contact)
    workbook = load_workbook(io.BytesIO(_export(client, "omrade=norge&losning=e-resept&format=xlsx").content))
    sheet = workbook["Registreringer"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "1856":
            row[4].value = "Planlagt"
    buffer = io.BytesIO()
    workbook.save(buffer)

    result: ImportResult = _upload(client, buffer.getvalue(), "hele-landet.xlsx").context["result"]

    assert (result.rows_read, result.errors, [row.municipality.number for row in result.changed]) == (
        357,
        [],
        ["1856"],
    )
    assert _history()[-1] == ("1856", "e-resept", "phase", "ikke_startet", "planlagt", "import")
