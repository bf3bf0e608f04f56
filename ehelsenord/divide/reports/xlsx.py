"""The leader report as an XLSX workbook: one sheet per part of the report, figures as numbers."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlsxCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ehelsenord.core.templatetags.numbers import percent
from ehelsenord.core.xlsx import add_sheet, xlsx_cell
from ehelsenord.divide.map import band_label
from ehelsenord.divide.maturity import BANDS, Divide, size_class
from ehelsenord.divide.reports.content import (
    Report,
    attachment,
    formula_in_words,
    report_of,
)
from ehelsenord.divide.selectors import SIZE_CLASS_LABELS, DivideData, TrendPoint, trend_figures

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT_FORMAT = "0%"
POINTS_FORMAT = "+0.0;-0.0;0.0"


def _local(moment: datetime | None) -> datetime | None:
    """Spreadsheets have no time zones: Oslo time without one."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None = None) -> XlsxCell:
    cell = xlsx_cell(sheet, value)
    if number_format is not None and value is not None:
        cell.number_format = number_format
    return cell


def _row(sheet: WriteOnlyWorksheet, values: list[Any], formats: dict[int, str] | None = None) -> None:
    formats = formats or {}
    sheet.append([_cell(sheet, value, formats.get(index)) for index, value in enumerate(values)])


def _updated_in_the_last() -> str:
    days = settings.FRESHNESS_DAYS
    return ngettext("Updated in the last %(days)s day", "Updated in the last %(days)s days", days) % {"days": days}


def _about_sheet(workbook: Workbook, report: Report) -> None:
    data = report.data
    sheet = add_sheet(workbook, _("About the report"), [_("What"), _("Value")], (40, 100))
    rows: list[tuple[str, Any, str | None]] = [
        (_("Report"), report.title, None),
        (_("Area"), report.area, None),
        (_("Generated"), _local(data.generated_at), None),
        (_("Latest change in the data"), _local(data.latest_update), None),
        (_("Relevant municipality–solution pairs"), report.freshness.relevant, None),
        (_updated_in_the_last(), report.freshness.fresh_share, PERCENT_FORMAT),
        (_("Documented (the rest are self-reported)"), report.freshness.documented_share, PERCENT_FORMAT),
        (_("Solutions measured"), ", ".join(solution.name for solution in data.selection.solutions), None),
        (_("Why these solutions"), report.why, None),
        (_("How maturity is calculated"), formula_in_words(), None),
        (_("Contents"), _("Figures only: no patient data and none of the records' notes."), None),
        (_("Sources"), _("Phases: the municipalities' records in eHelse Nord. Inhabitants: Statistics Norway."), None),
    ]
    for label, value, number_format in rows:
        _row(sheet, [label, value], {1: number_format} if number_format else None)


def _key_figures_sheet(workbook: Workbook, data: DivideData, report: Report) -> None:
    band_headers = [_("Maturity %(band)s") % {"band": band_label(index)} for index in range(BANDS)]
    sheet = add_sheet(
        workbook,
        _("Key figures"),
        [
            _("Group"),
            _("Name"),
            _("Municipalities"),
            _("With a relevant solution"),
            _("Mean maturity"),
            _("Median maturity"),
            _("Lower quartile"),
            _("Upper quartile"),
            _("Gini coefficient"),
            _("Relevant pairs"),
            _("Pairs in use"),
            _("Coverage by municipalities"),
            _("Inhabitants (relevant pairs)"),
            _("Inhabitants (pairs in use)"),
            _("Coverage by inhabitants"),
            _("Difference (percentage points)"),
            *band_headers,
        ],
        (14, 24, 14, 14, 12, 12, 12, 12, 12, 12, 12, 14, 16, 16, 14, 16, *([12] * BANDS)),
    )
    formats = dict.fromkeys((4, 5, 6, 7, 11, 14), PERCENT_FORMAT) | {8: "0.00", 15: POINTS_FORMAT}
    groups: list[tuple[str, str, Divide]] = [(_("Area"), report.area, data.total)]
    groups += [(_("County"), county.name_nb, measures) for county, measures in data.by_county]
    groups += [(_("Size class"), label, measures) for _size, label, measures in data.by_size]
    for kind, name, measures in groups:
        quartiles = measures.quartiles
        coverage = measures.coverage
        values = [
            kind,
            name,
            measures.municipalities,
            measures.scored,
            measures.mean,
            quartiles.median if quartiles else None,
            quartiles.lower if quartiles else None,
            quartiles.upper if quartiles else None,
            measures.gini,
            coverage.relevant,
            coverage.in_use,
            coverage.by_municipalities,
            coverage.inhabitants,
            coverage.inhabitants_in_use,
            coverage.by_inhabitants,
            coverage.gap * 100,
            *measures.distribution,
        ]
        _row(sheet, values, formats)


def _solutions_sheet(workbook: Workbook, report: Report) -> None:
    sheet = add_sheet(
        workbook,
        _("Solutions"),
        [
            _("Solution"),
            _("Relevant for (municipalities)"),
            _("Not relevant for"),
            _("Started"),
            _("Share started"),
            _("In use"),
            _("Share in use"),
            _("Inhabitants where relevant"),
            _("Inhabitants where in use"),
            _("Coverage by inhabitants"),
        ],
        (44, 14, 14, 12, 12, 12, 12, 16, 16, 14),
    )
    formats = {4: PERCENT_FORMAT, 6: PERCENT_FORMAT, 9: PERCENT_FORMAT}
    for row in report.adoption:
        values = [
            row.solution.name,
            row.relevant,
            row.not_relevant,
            row.started,
            row.share_started,
            row.in_use,
            row.share_in_use,
            row.inhabitants,
            row.inhabitants_in_use,
            row.coverage_by_inhabitants,
        ]
        _row(sheet, values, formats)


def _municipalities_sheet(workbook: Workbook, data: DivideData) -> None:
    sheet = add_sheet(
        workbook,
        _("Municipalities"),
        [
            _("Number"),
            _("Municipality"),
            _("County"),
            _("Size class (inhabitants)"),
            _("Inhabitants"),
            _("Maturity"),
            _("Relevant solutions"),
            _("Documented"),
            _updated_in_the_last(),
            _("Last updated"),
        ],
        (10, 26, 18, 16, 12, 12, 12, 12, 14, 17),
    )
    formats = {5: PERCENT_FORMAT, 7: PERCENT_FORMAT, 8: PERCENT_FORMAT}
    # In alphabetical order, as divide_data gives them: never a league table.
    for municipality in data.municipalities:
        score = data.score_of(municipality)
        values = [
            municipality.number,
            municipality.name,
            municipality.county.name_nb,
            SIZE_CLASS_LABELS[size_class(municipality.population)],
            municipality.population,
            score.score,
            score.relevant,
            score.documented_share if score.relevant else None,
            score.fresh_share if score.relevant else None,
            _local(score.last_updated),
        ]
        _row(sheet, values, formats)


def _trend_sheet(workbook: Workbook, data: DivideData, report: Report) -> None:
    figures = trend_figures(data, report.points)
    sheet = add_sheet(
        workbook,
        _("Development over time"),
        [
            _("Month"),
            _("Median maturity"),
            _("Mean maturity"),
            _("Gini coefficient"),
            _("Coverage by municipalities"),
            _("Coverage by inhabitants"),
            _("Difference (percentage points)"),
            *[_("Mean maturity, %(size)s inhabitants") % {"size": label} for _size, label in figures.sizes],
        ],
        (12, 14, 14, 12, 14, 14, 16, *([18] * len(figures.sizes))),
    )
    formats = {1: PERCENT_FORMAT, 2: PERCENT_FORMAT, 3: "0.00", 4: PERCENT_FORMAT, 5: PERCENT_FORMAT}
    formats[6] = POINTS_FORMAT
    formats |= {7 + index: PERCENT_FORMAT for index in range(len(figures.sizes))}
    for point, (_month, means) in zip(report.points, figures.size_rows, strict=True):
        total = point.total
        values = [
            point.month,
            total.quartiles.median if total.quartiles else None,
            total.mean,
            total.gini,
            total.coverage.by_municipalities,
            total.coverage.by_inhabitants,
            total.coverage.gap * 100,
            *means,
        ]
        _row(sheet, values, {0: "MM.YYYY", **formats})


def _behind_sheet(workbook: Workbook, data: DivideData) -> None:
    sheet = add_sheet(
        workbook,
        _("Behind their peers"),
        [
            _("Number"),
            _("Municipality"),
            _("County"),
            _("Maturity"),
            _("Behind in"),
            _("Not started"),
            _("Could help"),
        ],
        (10, 24, 18, 12, 60, 60, 60),
    )
    for row in data.behind:  # by name, as divide_data gives them
        groups = " ".join(
            _("Median in %(group)s: %(median)s.") % {"group": group.definite_label, "median": percent(median)}
            for group, median in row.groups
        )
        lacks = "; ".join(
            lack.solution.name
            + (
                f" ({_('missing prerequisites:')} {', '.join(s.name for s in lack.missing_prerequisites)})"
                if lack.missing_prerequisites
                else ""
            )
            for lack in row.lacks
        )
        helpers = "; ".join(
            f"{lack.solution.name}: " + ", ".join(f"{helper.name} ({why})" for helper, why in lack.helpers)
            for lack in row.lacks
            if lack.helpers
        )
        values = [
            row.municipality.number,
            row.municipality.name,
            row.municipality.county.name_nb,
            row.score,
            groups,
            lacks,
            helpers,
        ]
        _row(sheet, values, {3: PERCENT_FORMAT})


def report_xlsx(report: Report) -> bytes:
    data = report.data
    workbook = Workbook(write_only=True)
    _about_sheet(workbook, report)
    _key_figures_sheet(workbook, data, report)
    _solutions_sheet(workbook, report)
    _municipalities_sheet(workbook, data)
    _trend_sheet(workbook, data, report)
    _behind_sheet(workbook, data)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_xlsx_response(data: DivideData, points: list[TrendPoint]) -> HttpResponse:
    report = report_of(data, points)
    return attachment(report_xlsx(report), XLSX_CONTENT_TYPE, f"{report.filename_stem}.xlsx")
