"""Agreement rounds: the list, creating and editing a round, its overview, sending and export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ehelsenord.agreements import services
from ehelsenord.agreements.enums import AgreementStatus
from ehelsenord.agreements.exports import round_workbook
from ehelsenord.agreements.forms import DeadlineForm, RoundForm
from ehelsenord.agreements.selectors import (
    agreement_can_manage,
    agreements_for_municipalities,
    round_get,
    round_has_sent,
    round_overview,
)
from ehelsenord.agreements.selectors import (
    round_list as rounds_all,
)
from ehelsenord.core.forms import add_errors
from ehelsenord.core.http import AuthedRequest
from ehelsenord.rollout.selectors import own_municipality_numbers


def _require_manager(request: AuthedRequest) -> None:
    if not agreement_can_manage(request.user):
        raise PermissionDenied(_("Only coordinators can manage agreement rounds."))


def round_list(request: AuthedRequest) -> HttpResponse:
    """Every round, and the user's own municipalities' agreements first."""
    own = own_municipality_numbers(request.user)
    return render(
        request,
        "agreements/round_list.html",
        {
            "rounds": rounds_all(),
            "own_agreements": list(agreements_for_municipalities(own)) if own else [],
            "can_manage": agreement_can_manage(request.user),
        },
    )


def round_create(request: AuthedRequest) -> HttpResponse:
    _require_manager(request)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(by=request.user, data=form.to_input())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The round was created with a draft agreement for each of the region's %(count)d municipalities.")
                % {"count": round_.agreements.count()},
            )
            return redirect(round_)
    return render(request, "agreements/round_form.html", {"form": form, "round": None})


def round_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    round_ = round_get(pk)
    if round_has_sent(round_):
        messages.error(request, _("Agreements of this round have been sent; only the answer deadline can change."))
        return redirect(round_)
    form = RoundForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(by=request.user, round_=round_, data=form.to_input())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The round was saved."))
            return redirect(round_)
    return render(request, "agreements/round_form.html", {"form": form, "round": round_})


def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The round overview: status per municipality, commitments per solution, who has not answered."""
    round_ = round_get(pk)
    can_manage = agreement_can_manage(request.user)
    overview = round_overview(round_)
    # Drafts are the coordinators' work in progress; others see the agreements that were sent.
    rows = [row for row in overview.rows if can_manage or row.agreement.status != AgreementStatus.DRAFT]
    return render(
        request,
        "agreements/round_detail.html",
        {
            "overview": overview,
            "round": round_,
            "can_manage": can_manage,
            "can_edit": can_manage and not round_has_sent(round_),
            # Drafts that can go out now: those whose municipality has a contact person to send to.
            "drafts": sum(
                1 for row in overview.rows if row.agreement.status == AgreementStatus.DRAFT and row.has_recipients
            ),
            "deadline_form": DeadlineForm() if can_manage else None,
            "today": timezone.localdate(),
            "rows": rows,
        },
    )


@require_POST
def round_send(request: AuthedRequest, pk: int) -> HttpResponse:
    """Send every draft that has a contact person, each by e-mail with its letter."""
    _require_manager(request)
    round_ = round_get(pk)
    result = services.round_send(round_=round_, by=request.user)
    if result.sent:
        count = len(result.sent)
        messages.success(
            request,
            ngettext("%(count)d agreement was sent.", "%(count)d agreements were sent.", count) % {"count": count},
        )
    if result.without_recipients:
        count = len(result.without_recipients)
        messages.warning(
            request,
            ngettext(
                "%(count)d municipality has no contact person yet and got nothing: invite one, then send again.",
                "%(count)d municipalities have no contact person yet and got nothing: invite one, then send again.",
                count,
            )
            % {"count": count},
        )
    if result.error:
        messages.error(
            request,
            _("Sending stopped: %(error)s. The agreements not sent are still drafts; try again later.")
            % {"error": result.error},
        )
    if not (result.sent or result.without_recipients or result.error):
        messages.info(request, _("There were no drafts to send."))
    return redirect(round_)


@require_POST
def round_deadline(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    round_ = round_get(pk)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.round_extend_deadline(by=request.user, round_=round_, deadline=form.cleaned_data["deadline"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The answer deadline was extended."))
            return redirect(round_)
    messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(round_)


def round_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """The round overview as a spreadsheet (what the page shows the user)."""
    round_ = round_get(pk)
    overview = round_overview(round_)
    include_drafts = agreement_can_manage(request.user)
    response = HttpResponse(
        round_workbook(overview, include_drafts=include_drafts),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="avtalerunde-{round_.pk}.xlsx"'
    return response
