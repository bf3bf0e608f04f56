"""The status report for leaders and funders: the divide as PDF (WeasyPrint) and as an XLSX workbook.

Both are made on demand from divide_data(), trend() and map_data(), so they show the same numbers
as the pages. The only figures of their own are each solution's adoption, counted with the one
aggregation (rollout.aggregation.summarize). The records' notes are never part of the report.

The PDF's print CSS names its fonts (DejaVu, from Debian's fonts-dejavu-core), as the agreement
letters do, so the PDF is the same on every machine.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ehelsenord.divide.maturity import MAX_POINTS, STAGE_POINTS
from ehelsenord.divide.selectors import (
    DivideData,
    Freshness,
    TrendPoint,
)
from ehelsenord.rollout.aggregation import Summary, summarize
from ehelsenord.rollout.matrix import area_label
from ehelsenord.solutions.enums import Stage
from ehelsenord.solutions.models import Solution

# --- What the report shows --------------------------------------------------------------------


@dataclass(frozen=True)
class SolutionAdoption:
    """How far one chosen solution has come in the area's municipalities where it is relevant."""

    solution: Solution
    relevant: int
    not_relevant: int
    started: int
    in_use: int
    inhabitants: int  # of the municipalities where it is relevant
    inhabitants_in_use: int

    @property
    def share_started(self) -> float:
        return self.started / self.relevant if self.relevant else 0.0

    @property
    def share_in_use(self) -> float:
        return self.in_use / self.relevant if self.relevant else 0.0

    @property
    def coverage_by_inhabitants(self) -> float:
        return self.inhabitants_in_use / self.inhabitants if self.inhabitants else 0.0


def solution_adoption(data: DivideData) -> list[SolutionAdoption]:
    """Per chosen solution, in the selection's order: relevant, started, in use, and the inhabitants covered."""
    summaries = summarize(data.cells, by=lambda cell: cell.solution)
    # A summary's population counts every municipality; coverage counts only where the solution is relevant.
    not_relevant_population = Counter[str]()
    for cell in data.cells:
        if cell.stage == Stage.NOT_RELEVANT:
            not_relevant_population[cell.solution] += cell.population
    adoption = []
    for solution in data.selection.solutions:
        summary = summaries.get(solution.slug, Summary())
        adoption.append(
            SolutionAdoption(
                solution=solution,
                relevant=summary.relevant,
                not_relevant=summary.not_relevant,
                started=summary.started,
                in_use=summary.in_use,
                inhabitants=summary.population - not_relevant_population[solution.slug],
                inhabitants_in_use=summary.population_in_use,
            )
        )
    return adoption


def why_these_solutions(data: DivideData) -> str:
    selection = data.selection
    if not selection.is_default:
        return _("Chosen for this report.")
    if selection.round is not None:
        return _("The solutions prioritised in the latest agreement round (%(round)s).") % {
            "round": selection.round.name
        }
    return _("The whole catalogue: no agreement round has prioritised solutions yet.")


def formula_in_words() -> str:
    """The maturity formula in the same words as templates/divide/formula.html (the same msgids)."""
    points = ", ".join(f"{stage.label}: {value}" for stage, value in STAGE_POINTS.items())
    return " ".join(
        [
            _("For each chosen solution, the municipality gets points for the stage its phase belongs to:"),
            f"{points}.",
            _(
                "Maturity is the sum of the points divided by %(max)s times the number of chosen solutions that "
                "are relevant for the municipality. Solutions marked “not relevant” are left out. 0 %% means nothing "
                "has started; 100 %% means benefits are being realised for every relevant solution."
            )
            % {"max": MAX_POINTS},
            _(
                "Each score shows how much of it is documented rather than self-reported, and how much was updated "
                "in the last %(days)s days."
            )
            % {"days": settings.FRESHNESS_DAYS},
        ]
    )


@dataclass(frozen=True)
class Report:
    data: DivideData
    points: list[TrendPoint]
    area: str
    title: str
    generated_at: datetime  # Oslo time
    latest_update: datetime | None  # Oslo time
    freshness: Freshness
    why: str
    adoption: list[SolutionAdoption]

    @property
    def filename_stem(self) -> str:
        return f"statusrapport-{norwegian_slug(self.area)}-{self.generated_at.date().isoformat()}"


def report_of(data: DivideData, points: list[TrendPoint]) -> Report:
    area = area_label(data.selection.area)
    return Report(
        data=data,
        points=points,
        area=area,
        title=_("Status report: %(area)s") % {"area": area},
        generated_at=timezone.localtime(data.generated_at),
        latest_update=timezone.localtime(data.latest_update) if data.latest_update else None,
        freshness=data.freshness,
        why=why_these_solutions(data),
        adoption=solution_adoption(data),
    )


_ASCII_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def norwegian_slug(text: str) -> str:
    """A file name's part without æ, ø and å: "Nord-Norge" → "nord-norge", "Trøndelag" → "trondelag"."""
    return slugify(text.translate(_ASCII_LETTERS)) or "omrade"


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
