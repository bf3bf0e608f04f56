"""A network's meetings: the page, creating, changing and deleting, and the calendar files."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ehelsenord.core.forms import add_errors
from ehelsenord.core.http import AnyRequest, AuthedRequest
from ehelsenord.networks import workspace
from ehelsenord.networks.calendar import meeting_calendar, network_calendar
from ehelsenord.networks.forms.workspace import AgendaFormSet, MeetingForm, agenda_formset
from ehelsenord.networks.models import BuddyNetwork, Meeting
from ehelsenord.networks.selectors import network_can_edit, network_get
from ehelsenord.networks.views.workspace import require_editor


def _both_valid(form: MeetingForm, agenda: AgendaFormSet) -> bool:
    return form.is_valid() & agenda.is_valid()  # both checked, so every error shows at once


def _form_page(
    request: AuthedRequest, network: BuddyNetwork, meeting: Meeting | None, form: MeetingForm, agenda: AgendaFormSet
) -> HttpResponse:
    return render(
        request,
        "networks/meeting_form.html",
        {"network": network, "meeting": meeting, "form": form, "agenda": agenda},
        status=400 if form.errors or agenda.total_error_count() else 200,
    )


def meeting_create(request: AuthedRequest, pk: int) -> HttpResponse:
    network = network_get(pk)
    require_editor(request, network)
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, network=network)
    agenda = agenda_formset(data, network=network)
    if data is not None and _both_valid(form, agenda):
        try:
            meeting = workspace.meeting_create(by=request.user, network=network, data=form.to_input(agenda))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect(meeting)
    return _form_page(request, network, None, form, agenda)


def meeting_edit(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """Change a meeting; a POST with action=delete deletes it."""
    network = network_get(pk)
    require_editor(request, network)
    meeting = workspace.meeting_get(network, meeting_pk)
    if request.method == "POST" and request.POST.get("action") == "delete":
        workspace.meeting_delete(by=request.user, meeting=meeting)
        messages.success(request, _("The meeting “%(title)s” was deleted.") % {"title": meeting.title})
        return redirect(network)
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, network=network, meeting=meeting)
    agenda = agenda_formset(data, network=network, meeting=meeting)
    if data is not None and _both_valid(form, agenda):
        try:
            workspace.meeting_update(
                by=request.user, meeting=meeting, data=form.to_input(agenda), sequence=_sequence(request)
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect(meeting)
    return _form_page(request, network, meeting, form, agenda)


def _sequence(request: AuthedRequest) -> int | None:
    """The meeting's SEQUENCE the form was opened with (None when the form sent none)."""
    value = request.POST.get("sequence")
    if value is None:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else -1


def meeting_detail(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    network = network_get(pk)
    meeting = workspace.meeting_get(network, meeting_pk)
    return render(
        request,
        "networks/meeting_detail.html",
        {"network": network, "meeting": meeting, "can_edit": network_can_edit(request.user, network)},
    )


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def meeting_ics(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    network = network_get(pk)
    meeting = workspace.meeting_get(network, meeting_pk)
    content = meeting_calendar(meeting, settings.SITE_URL + meeting.get_absolute_url())
    return _calendar_response(content, f"mote-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.ics")


@login_not_required
def calendar_feed(request: AnyRequest, pk: int, token: str) -> HttpResponse:
    """The network's meetings for calendar apps, which subscribe without a login: the secret token
    in the address is the key (404 for a wrong one, told apart from an unknown network by nothing)."""
    network = BuddyNetwork.objects.filter(pk=pk).first()
    if network is None or not secrets.compare_digest(token.encode(), network.feed_token.encode()):
        raise Http404
    content = network_calendar(network, workspace.meeting_list(network), settings.SITE_URL)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="nettverk-{network.pk}.ics"'
    return response
