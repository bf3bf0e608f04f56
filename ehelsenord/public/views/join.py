"""Joining eHelse Nord: the public form for e-health staff, and the queue network administrators decide."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.selectors import region_municipalities
from ehelsenord.accounts.views import forbidden
from ehelsenord.core.forms import add_errors
from ehelsenord.core.http import AuthedRequest, client_ip
from ehelsenord.core.ratelimit import rate_limit_exceeded
from ehelsenord.public.enums import Arena, JoinRequestStatus
from ehelsenord.public.forms import JoinApproveForm, JoinForm, JoinRejectForm
from ehelsenord.public.models import JoinRequest
from ehelsenord.public.selectors import join_queue, join_request_get, join_request_has_account
from ehelsenord.public.services import (
    join_request_approve,
    join_request_decided_message,
    join_request_reject,
    join_request_submit,
)


def _not_admin(request: HttpRequest) -> HttpResponse:
    return forbidden(request, _("Only network administrators may see and decide join requests."))


# --- The public form -------------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def join_form(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None, municipalities=region_municipalities())
    if request.method == "POST":
        if form.is_trap_filled:
            # A robot: it gets the same answer as a person, and nothing is stored or sent.
            return redirect("public:join_thanks")
        if form.is_valid():
            # Only requests that would be stored count: a person correcting typos is never locked out.
            if rate_limit_exceeded(
                scope="join",
                key=client_ip(request) or "unknown",
                limit=settings.JOIN_REQUESTS_PER_HOUR,
                window_seconds=3600,
            ):
                return render(request, "public/join_limited.html", status=429)
            data = form.cleaned_data
            try:
                join_request_submit(
                    full_name=data["full_name"],
                    email=data["email"],
                    municipality=data["municipality"],
                    employer_other=data["employer_other"],
                    job_title=data["job_title"],
                    arenas=data["arenas"],
                    message=data["message"],
                    consent=data["consent"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                return redirect("public:join_thanks")
    context = {"form": form, "retention_days": settings.JOIN_REQUEST_RETENTION_DAYS}
    return render(request, "public/join_form.html", context, status=400 if form.errors else 200)


@login_not_required
@require_safe
def join_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "public/join_thanks.html")


# --- The queue -------------------------------------------------------------------------------------


@require_safe
def queue(request: AuthedRequest) -> HttpResponse:
    if not request.user.is_network_admin:
        return _not_admin(request)
    return render(request, "public/join_queue.html", {"queue": join_queue()})


def _approve_form_initial(join_request: JoinRequest) -> dict[str, object]:
    # Someone from a municipality most likely speaks for it: suggest that, the admin decides.
    if join_request.municipality is not None:
        return {"role": Role.MUNICIPALITY_CONTACT, "municipalities": [join_request.municipality.number]}
    return {}


@require_http_methods(["GET", "POST"])
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    if not request.user.is_network_admin:
        return _not_admin(request)
    join_request = join_request_get(pk)
    municipalities = region_municipalities()
    action = request.POST.get("action") if request.method == "POST" else None
    if action and join_request.status != JoinRequestStatus.PENDING:
        action = None  # nothing to validate: the page says why
    approve_form = JoinApproveForm(
        request.POST if action == "approve" else None,
        municipalities=municipalities,
        initial=_approve_form_initial(join_request),
    )
    reject_form = JoinRejectForm(request.POST if action == "reject" else None)
    if action == "approve" and approve_form.is_valid():
        try:
            join_request_approve(
                actor=request.user,
                join_request=join_request,
                role=approve_form.cleaned_data["role"],
                municipalities=approve_form.cleaned_data["municipalities"],
            )
        except ValidationError as error:
            add_errors(approve_form, error)
        else:
            messages.success(
                request,
                _("The request is approved. The invitation is sent to %(email)s.") % {"email": join_request.email},
            )
            return redirect("public:join_queue")
    elif action == "reject" and reject_form.is_valid():
        try:
            join_request_reject(
                actor=request.user, join_request=join_request, reason=reject_form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(reject_form, error)
        else:
            messages.success(
                request,
                _("The request is rejected. %(email)s gets the reason by e-mail.") % {"email": join_request.email},
            )
            return redirect("public:join_queue")
    bad_request = request.method == "POST"  # a POST that did not lead on: errors, no known action, decided
    if bad_request:
        join_request = join_request_get(pk)  # as it is now: another admin may have decided it meanwhile
    refused = ""
    if (
        bad_request
        and join_request.status != JoinRequestStatus.PENDING
        and not approve_form.errors
        and not reject_form.errors
    ):
        refused = join_request_decided_message(join_request)
    arena_labels = dict(Arena.choices)
    context = {
        "join_request": join_request,
        "arenas": [arena_labels.get(value, value) for value in join_request.arenas],
        "has_account": join_request.status == JoinRequestStatus.PENDING and join_request_has_account(join_request),
        "approve_form": approve_form,
        "reject_form": reject_form,
        "unknown_action": bad_request
        and join_request.status == JoinRequestStatus.PENDING
        and action not in {"approve", "reject"},
        "refused": refused,
    }
    return render(request, "public/join_decide.html", context, status=400 if bad_request else 200)
