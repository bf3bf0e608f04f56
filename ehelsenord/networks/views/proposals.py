"""Proposing buddy networks: choose, run the optimizer, adjust, confirm; and the travel-time matrix."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ehelsenord.accounts.selectors import region_municipalities
from ehelsenord.agreements.selectors import round_list
from ehelsenord.core.forms import add_errors
from ehelsenord.core.http import AuthedRequest
from ehelsenord.core.text import norwegian_key
from ehelsenord.municipalities.selectors import county_list
from ehelsenord.networks import services
from ehelsenord.networks.forms.proposals import ChooseForm, NameForm, ProposalForm, TravelTimesForm, adjust_data
from ehelsenord.networks.selectors import (
    ProposalOverview,
    memberships_for_solution,
    network_can_manage,
    participant_rows,
    proposal_get,
    proposal_overview,
    round_participants,
    travel_time_count,
)
from ehelsenord.solutions.selectors import solution_list


def _require_manager(request: AuthedRequest) -> None:
    if not network_can_manage(request.user):
        raise PermissionDenied(_("Only coordinators can propose buddy networks."))


def proposal_create(request: AuthedRequest) -> HttpResponse:
    """Step one chooses the solution (and round) by GET; step two posts participants and settings."""
    _require_manager(request)
    choose = ChooseForm(request.GET or None, solutions=solution_list(), rounds=list(round_list()))
    solution = agreement_round = None
    if choose.is_bound and choose.is_valid():
        solution, agreement_round = choose.cleaned_data["solution"], choose.cleaned_data["round"]
    if request.method == "POST":
        form_solution_slug = request.POST.get("solution", "")
        solution = next((s for s in solution_list() if s.slug == form_solution_slug), solution)
    if solution is None:
        return render(request, "networks/proposal_form.html", {"choose": choose})

    municipalities = sorted(region_municipalities(), key=lambda m: norwegian_key(m.name_nb))
    tick = request.GET.get("alle", "")
    has_travel_times = travel_time_count() > 0
    initial = {
        "solution": solution.slug,
        "round": agreement_round.pk if agreement_round else None,
        "participants": (
            round_participants(agreement_round, solution)
            if agreement_round
            else [m.number for m in municipalities if tick in ("region", m.county_id)]
        ),
    }
    form = ProposalForm(
        request.POST or None, initial=initial, municipalities=municipalities, has_travel_times=has_travel_times
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                by=request.user,
                solution=form.cleaned_data["solution"],
                agreement_round=form.cleaned_data["round"],
                participants=form.cleaned_data["participants"],
                marked_eligible=form.cleaned_data["marked_eligible"],
                settings=form.settings(),
                uses_travel_times=form.cleaned_data.get("uses_travel_times", False),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect(proposal)
    taken = memberships_for_solution(solution)
    participants_field = form["participants"]
    marked_field = form["marked_eligible"]
    rows = [
        {
            "row": row,
            "participates": participants_field[index],
            "marked": marked_field[index],
            "network": taken.get(row.municipality.number),
        }
        for index, row in enumerate(participant_rows(solution, municipalities))
    ]
    return render(
        request,
        "networks/proposal_form.html",
        {
            "choose": choose,
            "form": form,
            "solution": solution,
            "agreement_round": agreement_round,
            "rows": rows,
            "has_travel_times": has_travel_times,
            "counties": county_list(region_only=True),
        },
        status=400 if form.errors else 200,
    )


def _proposal_page(
    request: AuthedRequest, pk: int, *, names: NameForm | None = None, status: int = 200
) -> HttpResponse:
    proposal = proposal_get(pk)
    overview = proposal_overview(proposal, services.proposal_instance(proposal))
    if names is None:
        names = NameForm(networks=_name_fields(overview))
    return render(
        request,
        "networks/proposal_detail.html",
        {"proposal": proposal, "overview": overview, "names": names, "rules": proposal.settings},
        status=status,
    )


def _name_fields(overview: ProposalOverview) -> list[tuple[str, str, str]]:
    return [
        (
            row.lead.number,
            _("Name of network %(number)s (%(lead)s leads)") % {"number": row.number, "lead": row.lead.name},
            row.default_name,
        )
        for row in overview.networks
    ]


def proposal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    return _proposal_page(request, pk)


@require_POST
def proposal_adjust(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    proposal = proposal_get(pk)
    try:
        if request.POST.get("reset"):
            assignment = dict(proposal.proposed)
        else:
            assignment = adjust_data(request.POST, proposal.assignment)
        unchanged = assignment == proposal.assignment
        services.proposal_adjust(
            by=request.user, proposal=proposal, assignment=assignment, revision=request.POST.get("revision", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if unchanged:
            messages.info(request, _("Nothing was changed."))
        else:
            messages.success(request, _("The networks are updated. See the change in travel below."))
    return redirect(f"{proposal.get_absolute_url()}#oppsummering")


@require_POST
def proposal_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    proposal = proposal_get(pk)
    overview = proposal_overview(proposal, services.proposal_instance(proposal))
    names = NameForm(request.POST, networks=_name_fields(overview))
    if names.is_valid():
        try:
            created = services.proposal_confirm(
                by=request.user, proposal=proposal, names=names.names(), revision=request.POST.get("revision", "")
            )
        except ValidationError as error:
            add_errors(names, error)
        else:
            messages.success(
                request,
                ngettext("%(count)s buddy network is created.", "%(count)s buddy networks are created.", len(created))
                % {"count": len(created)},
            )
            return redirect("networks:list")
    return _proposal_page(request, pk, names=names, status=400)


def travel_times(request: AuthedRequest) -> HttpResponse:
    """Upload the travel-time matrix that can replace great-circle distances."""
    _require_manager(request)
    form = TravelTimesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            # Read one byte past the limit, so a huge upload is refused without reading all of it.
            data = form.cleaned_data["file"].read(services.TRAVEL_CSV_MAX_BYTES + 1)
            count = services.travel_times_replace(by=request.user, data=data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                ngettext("%(count)s travel time is stored.", "%(count)s travel times are stored.", count)
                % {"count": count},
            )
            return redirect("networks:travel_times")
    return render(
        request,
        "networks/travel_times.html",
        {"form": form, "count": travel_time_count()},
        status=400 if form.errors else 200,
    )
