"""Writing XLSX sheets the same way everywhere: Norwegian date formats, text that stays text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

EXCEL_DATE_FORMAT = "DD.MM.YYYY"
EXCEL_DATETIME_FORMAT = "DD.MM.YYYY HH:MM"


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> Cell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Text stays text: never a formula or an error code, whatever it starts with.
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = EXCEL_DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = EXCEL_DATE_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell


def add_sheet(workbook: Workbook, title: str, header: Sequence[str], widths: Sequence[int]) -> WriteOnlyWorksheet:
    """A write-only sheet with a bold, frozen header row and the given column widths."""
    sheet: WriteOnlyWorksheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width  # type: ignore[attr-defined]
    sheet.append([xlsx_cell(sheet, name, bold=True) for name in header])
    return sheet
