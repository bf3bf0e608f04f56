"""The spreadsheet round trip: the file format, the export writers and the import.

One format for XLSX and CSV (see COLUMNS). The import runs in three steps, none of them aware
of HTTP: ``read_table`` turns the uploaded bytes into rows of cell values, ``plan_import``
validates every row against the catalogue, the access rule and the stored state, and
``apply_import`` writes every changed row in one transaction through
``rollout.services.implementation_update_many``. ``import_file`` runs all three.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook

from ehelsenord.accounts.models import User
from ehelsenord.core.xlsx import add_sheet, xlsx_cell
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.enums import TRACKED_FIELDS, ChangeSource, Evidence, TrafficLight
from ehelsenord.rollout.selectors import Grid, RecordView, change_rights, rollout_grid
from ehelsenord.rollout.services import NOTE_MAX_LENGTH, RecordChange, implementation_update_many
from ehelsenord.solutions.enums import Stage
from ehelsenord.solutions.models import Phase, Solution
from ehelsenord.solutions.selectors import solution_list

# --- The format --------------------------------------------------------------------------------
# The column names are the file format, the contract with everyone's saved spreadsheets, so they
# are fixed Norwegian identifiers and not translated with the interface.

MUNICIPALITY_NUMBER = "kommunenummer"
MUNICIPALITY_NAME = "kommune"
SOLUTION = "løsning"
SOLUTION_NAME = "løsningsnavn"
PHASE = "fase"
TRAFFIC_LIGHT = "trafikklys"
NOTE = "notat"
TARGET_DATE = "måldato"
GO_LIVE_DATE = "driftsdato"
EVIDENCE = "dokumentasjon"
UPDATED_AT = "sist oppdatert"
UPDATED_BY = "oppdatert av"

COLUMNS = (
    MUNICIPALITY_NUMBER,
    MUNICIPALITY_NAME,
    SOLUTION,
    SOLUTION_NAME,
    PHASE,
    TRAFFIC_LIGHT,
    NOTE,
    TARGET_DATE,
    GO_LIVE_DATE,
    EVIDENCE,
    UPDATED_AT,
    UPDATED_BY,
)
# The columns the import reads; the others are there for the reader and ignored on import.
REQUIRED_COLUMNS = (MUNICIPALITY_NUMBER, SOLUTION, PHASE, TRAFFIC_LIGHT, NOTE, TARGET_DATE, GO_LIVE_DATE, EVIDENCE)
# The column of each record field, to name the column of an error the service reports by field.
FIELD_COLUMNS = {
    "phase": PHASE,
    "traffic_light": TRAFFIC_LIGHT,
    "note": NOTE,
    "target_date": TARGET_DATE,
    "go_live_date": GO_LIVE_DATE,
    "evidence": EVIDENCE,
}
COLUMN_WIDTHS = (15, 22, 32, 44, 24, 12, 60, 12, 12, 16, 17, 24)

SHEET_RECORDS = "Registreringer"
SHEET_LEGEND = "Forklaring"
DATE_FORMAT = "%d.%m.%Y"
DATETIME_FORMAT = "%d.%m.%Y %H:%M"
CSV_DELIMITER = ";"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")

MAX_ROWS = 10_000
# Limits that keep a hostile file from costing minutes or gigabytes before it is refused.
MAX_COLUMNS = 100
EXCEL_MAX_ROWS = 1_048_576
# A workbook of 10 000 rows unpacks to a few megabytes.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
# Spreadsheet programs run text that starts with these as a formula (CSV injection). The export
# puts an apostrophe in front of such text in CSV files, and the import takes it away again.
FORMULA_STARTS = ("=", "+", "-", "@")


def export_filename(file_format: str, today: date) -> str:
    return f"ehelsenord-status-{today.isoformat()}.{file_format}"


# --- Export ------------------------------------------------------------------------------------


def export_records(grid: Grid, *, stage: Stage | None = None) -> list[RecordView]:
    """Every cell of the grid (stored or at the first phase), optionally only those at one stage."""
    records = [grid.record(m, s) for m in grid.municipalities for s in grid.solutions]
    if stage is not None:
        records = [record for record in records if record.stage == stage]
    return records


def _row_values(record: RecordView) -> list[Any]:
    updated_at = timezone.localtime(record.updated_at).replace(tzinfo=None) if record.updated_at else None
    return [
        record.municipality.number,
        record.municipality.name,
        record.solution.slug,
        record.solution.name,
        record.phase.name,
        record.traffic_light_label,
        record.note,
        record.target_date,
        record.go_live_date,
        record.evidence_label,
        updated_at,
        record.updated_by_name,
    ]


def legend_rows(solutions: Iterable[Solution]) -> list[list[str]]:
    """The sheet Forklaring: the allowed values of every column that has a fixed set of them."""
    rows = [
        [PHASE, solution.slug, solution.name, phase.name]
        for solution in solutions
        for phase in solution.phase_template.phases.all()
    ]
    rows += [[TRAFFIC_LIGHT, "", "", str(label)] for label in TrafficLight.labels]
    rows += [[EVIDENCE, "", "", str(label)] for label in Evidence.labels]
    date_rule = _("DD.MM.YYYY (or YYYY-MM-DD, or a date cell); empty means no date")
    rows += [[TARGET_DATE, "", "", date_rule], [GO_LIVE_DATE, "", "", date_rule]]
    rows.append(
        [
            NOTE,
            "",
            "",
            _("At most %(max)d characters, no patient data; empty means no note") % {"max": NOTE_MAX_LENGTH},
        ]
    )
    return rows


def xlsx_bytes(records: Iterable[RecordView], *, solutions: Iterable[Solution]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = add_sheet(workbook, SHEET_RECORDS, COLUMNS, COLUMN_WIDTHS)
    for record in records:
        sheet.append([xlsx_cell(sheet, value) for value in _row_values(record)])
    legend = add_sheet(
        workbook, SHEET_LEGEND, [_("column"), SOLUTION, SOLUTION_NAME, _("allowed value")], (16, 32, 44, 60)
    )
    for row in legend_rows(solutions):
        legend.append([xlsx_cell(legend, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_bytes(records: Iterable[RecordView]) -> bytes:
    """UTF-8 with a byte order mark and semicolons, which is what Norwegian Excel opens correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([_csv_text(value) for value in _row_values(record)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- Import: reading the file ------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Table:
    """The non-empty rows of the file with their row numbers as the spreadsheet shows them."""

    header: tuple[str, ...]
    rows: list[tuple[int, tuple[Any, ...]]]


def _is_empty(values: Sequence[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def too_large_message() -> str:
    return _("The file is too large. It can be at most %(size)s.") % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}


def too_many_rows_message() -> str:
    return _("The file has more than %(max)s rows. Split it into smaller files.") % {
        "max": number_format(MAX_ROWS, force_grouping=True)
    }


def _xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    unreadable = ImportFileError(
        _("The file could not be read as an Excel workbook (.xlsx). Save it as .xlsx or .csv and try again.")
    )
    if not data.startswith(b"PK\x03\x04"):
        raise unreadable
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNCOMPRESSED_BYTES:
            raise ImportFileError(
                _("The workbook is too large when unpacked. Keep only the sheet Registreringer and try again.")
            )
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds of errors on broken files; all mean "unreadable"
        raise unreadable from error
    try:
        sheet = workbook[SHEET_RECORDS] if SHEET_RECORDS in workbook.sheetnames else workbook.worksheets[0]
        # The stored dimensions can be wrong (some programs write A1:A1); read what is there.
        sheet.reset_dimensions()
        for index, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if index > EXCEL_MAX_ROWS:
                raise unreadable
            yield tuple(values)
    except ImportFileError:
        raise
    except Exception as error:
        raise unreadable from error
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    unreadable = ImportFileError(
        _("The file could not be read as CSV. Save it as CSV UTF-8 (semicolon-separated) and try again.")
    )
    if b"\x00" in data:
        raise unreadable
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Not UTF-8: Excel's plain "CSV" on Windows is Windows-1252.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise unreadable from error
    first_line = text.split("\n", 1)[0]
    delimiter = max((CSV_DELIMITER, ",", "\t"), key=first_line.count) if first_line else CSV_DELIMITER
    if first_line.count(delimiter) == 0:
        delimiter = CSV_DELIMITER
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield tuple(_csv_value(value) for value in values[:MAX_COLUMNS])
    except csv.Error as error:
        raise unreadable from error


def _csv_value(text: str) -> str:
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def read_table(data: bytes, filename: str) -> Table:
    """The header and the non-empty rows of an uploaded .xlsx or .csv file."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in FORMATS:
        raise ImportFileError(_("Choose an .xlsx or .csv file."))
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(too_large_message())
    empty = ImportFileError(_("The file is empty: it has no rows with records."))
    if not data:
        raise empty
    source = _xlsx_rows(data) if extension == "xlsx" else _csv_rows(data)
    header: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in enumerate(source, start=1):
        if _is_empty(values):
            continue
        if header is None:
            header = tuple(_text(value).casefold() for value in values)
            continue
        if len(rows) == MAX_ROWS:
            raise ImportFileError(too_many_rows_message())
        rows.append((number, values))
    if header is None:
        raise empty
    return Table(header=header, rows=rows)


# --- Import: validating ------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (None for the file as a whole), the column and the message."""

    row: int | None
    column: str
    message: str


@dataclass(frozen=True)
class PlannedRow:
    """A valid row that changes its record."""

    row: int
    municipality: Municipality
    solution: Solution
    changes: dict[str, Any]
    changed_fields: tuple[str, ...]


@dataclass
class ImportPlan:
    """Every valid row (rows), and those that would change the stored state when planned (changed)."""

    rows_read: int = 0
    rows: list[PlannedRow] = field(default_factory=list)
    changed: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.rows_read - len(self.changed)


def _text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, everything trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime(DATE_FORMAT)
    return str(value).strip()


def _municipality_number(value: Any) -> str:
    # Excel turns 0301 into the number 301 the moment anyone edits the cell.
    text = _text(value)
    return text.zfill(4) if text.isdigit() and len(text) < 4 else text


def _date(value: Any) -> date | None:
    """A date cell, DD.MM.YYYY or YYYY-MM-DD; None for an empty cell; ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in (DATE_FORMAT, "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _timestamp(value: Any) -> datetime | None:
    """The file's "sist oppdatert" (a date-time cell or DD.MM.YYYY HH:MM), or None when empty or unreadable."""
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0)
    text = _text(value)
    for pattern in (DATETIME_FORMAT, "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(text, pattern).replace(second=0)
        except ValueError:
            continue
    return None


def _newer_than(stored: datetime | None, seen: datetime | None) -> bool:
    """Was the record changed after the file's "sist oppdatert" (to the minute, the file's precision)?"""
    if seen is None:
        return False  # a file written by hand, or the cell emptied on purpose: no check
    if stored is None:
        return False  # never changed here: there is nothing newer to protect
    return timezone.localtime(stored).replace(tzinfo=None, second=0, microsecond=0) > seen


def _choices(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Lookup of a choice by its label (as shown in the interface) or its key, case-insensitive."""
    lookup: dict[str, str] = {}
    for key, label in choices:
        lookup[str(label).casefold()] = key
        lookup[key.casefold()] = key
    return lookup


def _column_positions(header: Sequence[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in positions and name in COLUMNS:
            raise ImportFileError(_("The column “%(column)s” appears more than once.") % {"column": name})
        positions.setdefault(name, index)
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise ImportFileError(
            ngettext(
                "The file is missing the column %(columns)s. The first row must hold the column names, as in the "
                "exported file.",
                "The file is missing the columns %(columns)s. The first row must hold the column names, as in the "
                "exported file.",
                len(missing),
            )
            % {"columns": ", ".join(missing)}
        )
    return positions


@dataclass
class _Catalogue:
    """Everything the validation looks up, loaded once (a fixed number of queries)."""

    municipalities: dict[str, Municipality]
    solutions: dict[str, Solution]
    phases: dict[int, dict[str, Phase]]
    rights: frozenset[str]
    lights: dict[str, str]
    evidence: dict[str, str]

    @classmethod
    def load(cls, user: User) -> _Catalogue:
        solutions = solution_list(include_historical=True)
        phases: dict[int, dict[str, Phase]] = {}
        for solution in solutions:
            lookup = phases.setdefault(solution.phase_template_id, {})
            for phase in solution.phase_template.phases.all():
                lookup[phase.name.casefold()] = phase
                lookup[phase.key.casefold()] = phase
        return cls(
            municipalities={m.number: m for m in Municipality.objects.all()},
            solutions={solution.slug: solution for solution in solutions},
            phases=phases,
            rights=change_rights(user),
            lights=_choices(TrafficLight.choices),
            evidence=_choices(Evidence.choices),
        )


def _allowed(values: Iterable[str]) -> str:
    return ", ".join(values)


def _validate_row(
    number: int, values: tuple[Any, ...], columns: dict[str, int], catalogue: _Catalogue
) -> tuple[Municipality | None, Solution | None, dict[str, Any], list[RowError]]:
    """The row's municipality, solution and values for implementation_update, or its errors."""

    def cell(column: str) -> Any:
        index = columns[column]
        return values[index] if index < len(values) else None

    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(row=number, column=column, message=message))

    changes: dict[str, Any] = {}
    municipality_number = _municipality_number(cell(MUNICIPALITY_NUMBER))
    municipality = catalogue.municipalities.get(municipality_number)
    if not municipality_number:
        error(MUNICIPALITY_NUMBER, _("Fill in the municipality number."))
    elif municipality is None:
        error(
            MUNICIPALITY_NUMBER,
            _("There is no municipality with the number “%(value)s”.") % {"value": municipality_number},
        )

    slug = _text(cell(SOLUTION)).lower()
    solution = catalogue.solutions.get(slug)
    if not slug:
        error(SOLUTION, _("Fill in the solution’s key, for example e-resept."))
    elif solution is None:
        error(SOLUTION, _("There is no solution with the key “%(value)s”.") % {"value": slug})

    if solution is not None:
        phase_text = _text(cell(PHASE))
        phase = catalogue.phases[solution.phase_template_id].get(phase_text.casefold())
        allowed = _allowed(p.name for p in solution.phase_template.phases.all())
        if not phase_text:
            error(PHASE, _("Fill in the phase. Allowed phases: %(phases)s.") % {"phases": allowed})
        elif phase is None:
            error(
                PHASE,
                _("“%(value)s” is not a phase of %(solution)s. Allowed phases: %(phases)s.")
                % {"value": phase_text, "solution": solution.name, "phases": allowed},
            )
        else:
            changes["phase"] = phase

    for column, lookup, choices, field_name in (
        (TRAFFIC_LIGHT, catalogue.lights, TrafficLight, "traffic_light"),
        (EVIDENCE, catalogue.evidence, Evidence, "evidence"),
    ):
        text = _text(cell(column))
        allowed = _allowed(str(label) for label in choices.labels)
        if text.casefold() in lookup:
            changes[field_name] = lookup[text.casefold()]
        elif not text:
            error(column, _("Fill in %(column)s. Allowed values: %(values)s.") % {"column": column, "values": allowed})
        else:
            error(
                column,
                _("“%(value)s” is not a value of %(column)s. Allowed values: %(values)s.")
                % {"value": text, "column": column, "values": allowed},
            )

    # The service stores notes on one line; compare and measure them the way they will be stored.
    note = " ".join(_text(cell(NOTE)).split())
    if len(note) > NOTE_MAX_LENGTH:
        error(
            NOTE,
            _("The note can be at most %(max)d characters; this one has %(length)d.")
            % {"max": NOTE_MAX_LENGTH, "length": len(note)},
        )
    else:
        changes["note"] = note

    for column, field_name in ((TARGET_DATE, "target_date"), (GO_LIVE_DATE, "go_live_date")):
        try:
            changes[field_name] = _date(cell(column))
        except ValueError:
            error(
                column,
                _("“%(value)s” is not a date. Write dates as DD.MM.YYYY, for example 01.03.2027.")
                % {"value": _text(cell(column))},
            )
    return municipality, solution, changes, errors


def plan_import(table: Table, *, user: User) -> ImportPlan:
    """Validate every row; list what would change. Reads only, in a fixed number of queries."""
    plan = ImportPlan(rows_read=len(table.rows))
    try:
        columns = _column_positions(table.header)
    except ImportFileError as error:
        plan.errors.append(RowError(row=None, column="", message=error.message))
        return plan
    catalogue = _Catalogue.load(user)
    valid: list[tuple[int, Municipality, Solution, dict[str, Any], datetime | None]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, values in table.rows:
        municipality, solution, changes, errors = _validate_row(number, values, columns, catalogue)
        if municipality is not None and solution is not None:
            first = seen.setdefault((municipality.number, solution.slug), number)
            if first != number:
                errors.append(
                    RowError(
                        row=number,
                        column=SOLUTION,
                        message=_("The same municipality and solution is also in row %(row)d.") % {"row": first},
                    )
                )
        plan.errors.extend(errors)
        if not errors and municipality is not None and solution is not None:
            index = columns.get(UPDATED_AT)
            downloaded = _timestamp(values[index]) if index is not None and index < len(values) else None
            valid.append((number, municipality, solution, changes, downloaded))
    if plan.errors:
        return plan
    grid = rollout_grid(
        municipalities=list({m.number: m for _n, m, _s, _c, _t in valid}.values()),
        solutions=list({s.pk: s for _n, _m, s, _c, _t in valid}.values()),
    )
    for number, municipality, solution, changes, downloaded in valid:
        stored = grid.record(municipality, solution)
        changed = tuple(name for name in TRACKED_FIELDS if name in changes and getattr(stored, name) != changes[name])
        if not changed and municipality.number not in catalogue.rights:
            continue  # another municipality's row, as downloaded: nothing to do, nothing refused
        if municipality.number not in catalogue.rights:
            plan.errors.append(
                RowError(
                    row=number,
                    column=MUNICIPALITY_NUMBER,
                    message=_("You may not change the records of %(municipality)s.") % {"municipality": municipality},
                )
            )
            continue
        if changed and _newer_than(stored.updated_at, downloaded):
            assert stored.updated_at is not None
            plan.errors.append(
                RowError(
                    row=number,
                    column=UPDATED_AT,
                    message=_(
                        "Someone changed this record on %(when)s, after the file was downloaded. Download a new "
                        "file, or empty the cell to overwrite the newer values."
                    )
                    % {"when": timezone.localtime(stored.updated_at).strftime(DATETIME_FORMAT)},
                )
            )
            continue
        row = PlannedRow(
            row=number, municipality=municipality, solution=solution, changes=changes, changed_fields=changed
        )
        plan.rows.append(row)
        if changed:
            plan.changed.append(row)
    return plan


# --- Import: applying --------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    rows_read: int
    changed: list[PlannedRow]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unchanged(self) -> int:
        return self.rows_read - len(self.changed)

    @property
    def file_errors(self) -> list[RowError]:
        return [error for error in self.errors if error.row is None]

    @property
    def row_errors(self) -> list[RowError]:
        return [error for error in self.errors if error.row is not None]


def failed_import(message: str) -> ImportResult:
    """The result of a file refused as a whole."""
    return ImportResult(rows_read=0, changed=[], errors=[RowError(row=None, column="", message=message)])


def changed_columns(row: PlannedRow) -> list[str]:
    """The columns whose values the row changes, as the file names them."""
    return [FIELD_COLUMNS[name] for name in row.changed_fields]


def _service_errors(row: int, error: ValidationError | PermissionDenied) -> list[RowError]:
    if isinstance(error, PermissionDenied):
        return [RowError(row=row, column=MUNICIPALITY_NUMBER, message=str(error))]
    if hasattr(error, "error_dict"):
        return [
            RowError(row=row, column=FIELD_COLUMNS.get(name, ""), message=message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [RowError(row=row, column="", message=message) for message in error.messages]


def _refusal(municipality: Municipality) -> PermissionDenied:
    return PermissionDenied(_("You may not change the records of %(municipality)s.") % {"municipality": municipality})


def apply_import(plan: ImportPlan, *, user: User, filename: str = "", at: datetime | None = None) -> ImportResult:
    """Apply every changed row in one transaction; if any row fails, nothing is changed.

    Every valid row goes through implementation_update_many, the same write path as the web form
    (access, validation, history), in one batch; what changed is what the service says changed, under
    its locks, not the preview plan_import made without them.
    """
    if plan.errors:
        return ImportResult(rows_read=plan.rows_read, changed=[], errors=plan.errors)
    reason = _("From the file %(filename)s") % {"filename": filename} if filename else ""
    updates = [
        RecordChange(municipality=row.municipality, solution=row.solution, changes=row.changes) for row in plan.rows
    ]
    try:
        results = implementation_update_many(
            user=user, updates=updates, source=ChangeSource.IMPORT, reason=reason, at=at or timezone.now()
        )
    except PermissionDenied:
        # plan_import checked the same rule, so this only happens if the user's rights changed in between.
        rights = change_rights(user)
        refused = [row for row in plan.rows if row.municipality.number not in rights]
        errors = [error for row in refused for error in _service_errors(row.row, _refusal(row.municipality))]
        return ImportResult(rows_read=plan.rows_read, changed=[], errors=errors)
    except ValidationError as error:
        return ImportResult(rows_read=plan.rows_read, changed=[], errors=_service_errors(0, error))
    applied = [
        replace(row, changed_fields=result.changed_fields)
        for row, result in zip(plan.rows, results, strict=True)
        if result.changed_fields
    ]
    return ImportResult(rows_read=plan.rows_read, changed=applied, errors=[])


def import_file(data: bytes, filename: str, *, user: User) -> ImportResult:
    """Read, validate and apply an uploaded file: all of it, or (on any error) nothing."""
    try:
        table = read_table(data, filename)
    except ImportFileError as error:
        return failed_import(error.message)
    if not table.rows:
        return failed_import(_("The file is empty: it has no rows with records."))
    return apply_import(plan_import(table, user=user), user=user, filename=filename)
