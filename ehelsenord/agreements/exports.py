"""The round overview as an XLSX workbook: one sheet per municipality, one per solution."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ehelsenord.agreements.enums import AgreementStatus
from ehelsenord.agreements.selectors import RoundOverview
from ehelsenord.core.xlsx import add_sheet, xlsx_cell


def round_workbook(overview: RoundOverview, *, include_drafts: bool) -> bytes:
    """Municipalities (status, last activity, committed solutions) and solutions × committed count.

    Drafts are listed only for coordinators, as on the page.
    """
    workbook = Workbook(write_only=True)
    municipalities = add_sheet(
        workbook,
        _("Municipalities"),
        [_("Number"), _("Municipality"), _("Status"), _("Last activity"), _("Committed solutions")],
        (10, 24, 14, 20, 60),
    )
    for row in overview.rows:
        agreement = row.agreement
        if agreement.status == AgreementStatus.DRAFT and not include_drafts:
            continue
        values = [
            agreement.municipality_id,
            agreement.municipality.name,
            str(AgreementStatus(agreement.status).label),
            timezone.localtime(agreement.last_activity_at).replace(tzinfo=None),
            ", ".join(row.committed),
        ]
        municipalities.append([xlsx_cell(municipalities, value) for value in values])
    solutions = add_sheet(
        workbook,
        _("Solutions"),
        [_("Solution"), _("Why it is prioritised"), _("Committed municipalities")],
        (40, 60, 14),
    )
    for count in overview.solution_counts:
        values = [count.solution.name, count.reason, count.committed]
        solutions.append([xlsx_cell(solutions, value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
