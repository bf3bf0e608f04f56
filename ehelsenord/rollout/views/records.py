"""The record page, its history, and "Min kommune" (one form for all of a municipality's solutions).

Also the history helpers the municipality and solution pages share, so every history table
reads the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ehelsenord.agreements.selectors import agreements_awaiting_answer
from ehelsenord.core.http import AuthedRequest
from ehelsenord.core.text import norwegian_key
from ehelsenord.municipalities.models import Municipality
from ehelsenord.municipalities.selectors import municipality_get
from ehelsenord.rollout.enums import ChangeSource
from ehelsenord.rollout.forms import RecordForm
from ehelsenord.rollout.models import ImplementationChange
from ehelsenord.rollout.selectors import (
    change_list,
    change_rows,
    implementation_can_change,
    record_get,
    rollout_grid,
)
from ehelsenord.rollout.services import RecordChange, implementation_update, implementation_update_many
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_queryset

HISTORY_PER_PAGE = 50
# The record page shows the latest changes; the full history has its own paginated page.
RECORD_PAGE_CHANGES = 20

# --- History helpers (shared with the municipality and solution pages) ---------------------------


@dataclass(frozen=True)
class HistoryPage:
    page: Page[ImplementationChange]
    rows: list[dict[str, Any]]
    page_numbers: list[int | None]


def _page_window(page: Page[ImplementationChange]) -> list[int | None]:
    """Page numbers to link to: the first, the last and two around the current; None marks a gap."""
    last = page.paginator.num_pages
    wanted = sorted({1, last, *range(page.number - 2, page.number + 3)} & set(range(1, last + 1)))
    window: list[int | None] = []
    for number in wanted:
        if window and window[-1] is not None and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


def history_page(request: AuthedRequest, changes: QuerySet[ImplementationChange]) -> HistoryPage:
    """One page (?side=) of a history, 50 entries a page, newest first."""
    paginator = Paginator(changes, HISTORY_PER_PAGE)
    page = paginator.get_page(request.GET.get("side"))
    return HistoryPage(page=page, rows=change_rows(page.object_list), page_numbers=_page_window(page))


# --- Record page -----------------------------------------------------------------------------


def _solution_get(slug: str) -> Solution:
    # solution_get also prefetches prerequisites and dependants, two queries this page does not need.
    solution = solution_queryset(include_historical=True).filter(slug=slug).first()
    if solution is None:
        raise Http404("Løsningen finnes ikke.")
    return solution


def _forbidden(request: AuthedRequest, message: str) -> HttpResponse:
    return render(request, "rollout/record_forbidden.html", {"message": message}, status=403)


def record_detail(request: AuthedRequest, number: str, slug: str) -> HttpResponse:
    municipality = municipality_get(number)
    solution = _solution_get(slug)
    can_change = implementation_can_change(request.user, municipality, solution)
    if request.method == "POST" and not can_change:
        return _forbidden(
            request, _("You may not change the records of %(municipality)s.") % {"municipality": municipality}
        )
    record = record_get(municipality, solution)
    form = RecordForm(request.POST or None, record=record) if can_change else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            result = implementation_update(
                municipality=municipality,
                solution=solution,
                user=request.user,
                changes=form.changes(),
                source=ChangeSource.WEB,
            )
        except ValidationError as error:
            form.add_error(None, error)  # a dict of field errors lands on the fields
        else:
            if result.changed_fields:
                messages.success(
                    request,
                    _("The record for %(solution)s in %(municipality)s is saved.")
                    % {"solution": solution.name, "municipality": municipality.name},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("rollout:record", number=municipality.number, slug=solution.slug)
    changes = list(change_list(municipality=municipality, solution=solution)[: RECORD_PAGE_CHANGES + 1])
    return render(
        request,
        "rollout/record.html",
        {
            "municipality": municipality,
            "solution": solution,
            "record": record,
            "form": form,
            "history": change_rows(changes[:RECORD_PAGE_CHANGES]),
            "more_history": len(changes) > RECORD_PAGE_CHANGES,
        },
    )


def record_history(request: AuthedRequest, number: str, slug: str) -> HttpResponse:
    municipality = municipality_get(number)
    solution = _solution_get(slug)
    history = history_page(request, change_list(municipality=municipality, solution=solution))
    return render(
        request,
        "rollout/record_history.html",
        {"municipality": municipality, "solution": solution, "history": history},
    )


# --- Min kommune -----------------------------------------------------------------------------


def _my_municipality_choice(request: AuthedRequest, own: list[Municipality]) -> Municipality | None:
    """The municipality asked for with ?kommune=, only among the user's own (None if not theirs)."""
    wanted = request.GET.get("kommune")
    if not wanted:
        return own[0]
    return next((municipality for municipality in own if municipality.number == wanted), None)


def my_municipality(request: AuthedRequest) -> HttpResponse:
    own = sorted(request.user.municipalities.select_related("county"), key=lambda m: norwegian_key(m.name))
    if not own:
        return render(request, "rollout/my_municipality_none.html", {})
    municipality = _my_municipality_choice(request, own)
    if municipality is None:
        return _forbidden(request, _("You can only update the municipalities you are a contact for."))
    can_change = implementation_can_change(request.user, municipality)
    if request.method == "POST" and not can_change:
        return _forbidden(
            request, _("You may not change the records of %(municipality)s.") % {"municipality": municipality}
        )
    grid = rollout_grid(municipalities=[municipality])
    data = request.POST if request.method == "POST" else None
    rows = [
        (solution, RecordForm(data, record=grid.record(municipality, solution), prefix=solution.slug))
        for solution in grid.solutions
    ]
    here = f"{reverse('rollout:my_municipality')}?kommune={municipality.number}"
    # Validate every row (no short-circuit) so each invalid row shows its own errors.
    valid = [form.is_valid() for _solution, form in rows]
    if request.method == "POST" and all(valid):
        updates = [
            RecordChange(municipality=municipality, solution=solution, changes=form.changes())
            for solution, form in rows
        ]
        try:
            results = implementation_update_many(user=request.user, updates=updates, source=ChangeSource.WEB)
        except ValidationError as error:
            # The forms check what the service checks, so this is only a safety net.
            rows[0][1].add_error(None, error)
        else:
            updated = sum(bool(result.changed_fields) for result in results)
            if updated:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d solution was updated.",
                        "%(count)d solutions were updated.",
                        updated,
                    )
                    % {"count": updated},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(here)
    invalid = [(solution, form) for solution, form in rows if form.errors]
    return render(
        request,
        "rollout/my_municipality.html",
        {
            "municipality": municipality,
            "own": own,
            "can_change": can_change,
            "rows": [(solution, form, grid.record(municipality, solution)) for solution, form in rows],
            "invalid": invalid,
            "action": here,
            "awaiting_answer": list(agreements_awaiting_answer(municipality)),
        },
    )
