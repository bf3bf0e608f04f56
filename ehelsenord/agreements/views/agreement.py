"""One municipality's agreement: read it, answer it (save, sign, decline), its letters and versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from ehelsenord.agreements import services
from ehelsenord.agreements.content import agreement_content
from ehelsenord.agreements.enums import AgreementStatus, SigningMethod
from ehelsenord.agreements.forms import AnswerForm, DeclineForm, LanguageForm, ReopenForm
from ehelsenord.agreements.letters import LetterContext
from ehelsenord.agreements.letters import letter_pdf as render_letter_pdf
from ehelsenord.agreements.models import AgreementEvent, IntentAgreement
from ehelsenord.agreements.selectors import (
    agreement_can_answer,
    agreement_can_manage,
    agreement_events,
    agreement_for_user,
    agreement_get,
    agreement_is_open,
    agreement_past_deadline,
    agreement_recipients,
    agreement_version_get,
    agreement_versions,
)
from ehelsenord.core.forms import add_errors
from ehelsenord.core.http import AuthedRequest
from ehelsenord.municipalities.services import municipality_set_written_language

# The answer's parts as the history names them.
ANSWER_LABELS = {
    "commitments": _lazy("Committed solutions"),
    "contacts": _lazy("Contact persons"),
    "signatory_name": _lazy("Signatory's name"),
    "signatory_title": _lazy("Signatory's title"),
}


@dataclass(frozen=True)
class EventRow:
    event: AgreementEvent
    changes: list[tuple[str, str, str]]  # (part, before, after)


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value or "")


def event_rows(events: list[AgreementEvent]) -> list[EventRow]:
    return [
        EventRow(
            event=event,
            changes=[
                (str(ANSWER_LABELS.get(key, key)), _as_text(before), _as_text(after))
                for key, (before, after) in event.changes.items()
            ],
        )
        for event in events
    ]


def _pdf_response(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _page(
    request: AuthedRequest,
    agreement: IntentAgreement,
    *,
    answer_form: AnswerForm | None = None,
    decline_form: DeclineForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_answer = agreement_can_answer(request.user, agreement) and agreement_is_open(agreement)
    can_manage = agreement_can_manage(request.user)
    if can_answer:
        answer_form = answer_form or AnswerForm(agreement=agreement)
        decline_form = decline_form or DeclineForm(initial={"revision": agreement.revision})
    if can_manage and agreement.status in (AgreementStatus.SIGNED, AgreementStatus.DECLINED, AgreementStatus.EXPIRED):
        reopen_form = reopen_form or ReopenForm(initial={"revision": agreement.revision})
    versions = list(agreement_versions(agreement))
    # A signed agreement shows what was signed; otherwise the letter as it reads now.
    signed = versions[0] if versions and agreement.status == AgreementStatus.SIGNED else None
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "round": agreement.round,
            "municipality": agreement.municipality,
            "letter": (
                LetterContext.from_content(signed.content, signed.fingerprint)
                if signed
                else LetterContext.from_content(agreement_content(agreement))
            ),
            "answer_form": answer_form if can_answer else None,
            "decline_form": decline_form if can_answer else None,
            "reopen_form": reopen_form,
            "can_manage": can_manage,
            "is_own": agreement_can_answer(request.user, agreement),
            "recipients": agreement_recipients(agreement) if can_manage else [],
            "language_form": (
                LanguageForm(initial={"language": agreement.municipality.written_language})
                if can_manage and agreement.status == AgreementStatus.DRAFT
                else None
            ),
            "versions": versions,
            "events": event_rows(list(agreement_events(agreement))),
            "scan_method": SigningMethod.SCAN,
            "past_deadline": agreement_past_deadline(agreement),
        },
        status=status,
    )


def _refused(
    request: AuthedRequest,
    agreement: IntentAgreement,
    form: AnswerForm | DeclineForm | ReopenForm,
    error: ValidationError,
    *,
    form_name: str = "answer_form",
) -> HttpResponse:
    """A service refused the change: show why on the form, or, if the form is stale, on a fresh page."""
    fresh = agreement_get(agreement.pk)
    if fresh.revision != agreement.revision or not hasattr(error, "error_dict"):
        # Someone (or a second submit) changed the agreement, or it is closed: the form no longer applies.
        messages.error(request, " ".join(error.messages))
        return redirect(fresh)
    add_errors(form, error)
    return _page(request, fresh, status=400, **{form_name: form})  # type: ignore[arg-type]


def agreement_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The agreement page; its contact opening it marks it “åpnet”. POST saves or signs the answer."""
    agreement = agreement_for_user(request.user, pk)
    if request.method != "POST":
        agreement = services.agreement_open(agreement=agreement, by=request.user)
        return _page(request, agreement)
    if not agreement_can_answer(request.user, agreement):
        raise PermissionDenied(
            _("Only the contacts of %(municipality)s can answer this agreement.")
            % {"municipality": agreement.municipality.name}
        )
    form = AnswerForm(request.POST, request.FILES, agreement=agreement)
    if not form.is_valid():
        return _page(request, agreement, answer_form=form, status=400)
    signing = request.POST.get("action") == "sign"
    try:
        if signing:
            if not form.cleaned_data.get("confirm"):
                raise ValidationError({"confirm": _("Confirm that the signatory may commit the municipality.")})
            result = services.agreement_sign(
                agreement=agreement,
                by=request.user,
                revision=form.cleaned_data["revision"],
                answer=form.answer(),
                method=form.cleaned_data.get("method") or SigningMethod.PLATFORM,
                scan=form.scan_bytes(),
            )
        else:
            services.agreement_save_answer(
                agreement=agreement, by=request.user, revision=form.cleaned_data["revision"], answer=form.answer()
            )
    except ValidationError as error:
        return _refused(request, agreement, form, error)
    if signing:
        messages.success(
            request,
            _(
                "The agreement is signed (version %(number)d). "
                "The committed solutions are now planned in the status matrix."
            )
            % {"number": result.version.number},
        )
    else:
        messages.success(request, _("The answer was saved. It is not signed yet."))
    return redirect(agreement)


@require_POST
def agreement_send(request: AuthedRequest, pk: int) -> HttpResponse:
    agreement = agreement_for_user(request.user, pk)
    if not agreement_can_manage(request.user):
        raise PermissionDenied(_("Only coordinators can manage agreement rounds."))
    try:
        services.agreement_send(agreement=agreement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except OSError as error:
        messages.error(
            request, _("The e-mail could not be sent (%(error)s). The agreement is still a draft.") % {"error": error}
        )
    else:
        messages.success(
            request, _("The agreement was sent to %(municipality)s.") % {"municipality": agreement.municipality}
        )
    return redirect(agreement)


@require_POST
def agreement_decline(request: AuthedRequest, pk: int) -> HttpResponse:
    agreement = agreement_for_user(request.user, pk)
    if not agreement_can_answer(request.user, agreement):
        raise PermissionDenied(
            _("Only the contacts of %(municipality)s can answer this agreement.")
            % {"municipality": agreement.municipality.name}
        )
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_decline(
                agreement=agreement,
                by=request.user,
                revision=form.cleaned_data["revision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            return _refused(request, agreement, form, error, form_name="decline_form")
        else:
            messages.success(
                request, _("The agreement was declined. A coordinator can reopen it if you change your mind.")
            )
            return redirect(agreement)
    return _page(request, agreement, decline_form=form, status=400)


@require_POST
def agreement_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    agreement = agreement_for_user(request.user, pk)
    if not agreement_can_manage(request.user):
        raise PermissionDenied(_("Only coordinators can manage agreement rounds."))
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_reopen(
                agreement=agreement,
                by=request.user,
                revision=form.cleaned_data["revision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            return _refused(request, agreement, form, error, form_name="reopen_form")
        else:
            messages.success(request, _("The agreement was reopened. The municipality can answer it again."))
            return redirect(agreement)
    return _page(request, agreement, reopen_form=form, status=400)


@require_POST
def agreement_language(request: AuthedRequest, pk: int) -> HttpResponse:
    """A coordinator sets the municipality's written language, which picks its letter's version."""
    agreement = agreement_for_user(request.user, pk)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose bokmål or nynorsk."))
        return redirect(agreement)
    municipality_set_written_language(
        by=request.user, municipality=agreement.municipality, language=form.cleaned_data["language"]
    )
    messages.success(request, _("The written language was saved."))
    return redirect(agreement)


def letter_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The letter as it reads now: the latest signed version when signed, else the unsigned letter."""
    agreement = agreement_for_user(request.user, pk)
    if agreement.status == AgreementStatus.SIGNED:
        version = agreement_versions(agreement).first()
        if version is not None:
            return redirect("agreements:version", pk=agreement.pk, number=version.number)
    data = render_letter_pdf(agreement_content(agreement))
    return _pdf_response(data, f"intensjonsavtale-{agreement.municipality_id}-utkast.pdf")


def version_pdf(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    """A signed version's letter, rendered from its frozen content, with its fingerprint."""
    agreement = agreement_for_user(request.user, pk)
    version = agreement_version_get(agreement, number)
    data = render_letter_pdf(version.content, version.fingerprint)
    return _pdf_response(data, f"intensjonsavtale-{agreement.municipality_id}-v{number}.pdf")


def version_scan(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    agreement = agreement_for_user(request.user, pk)
    version = agreement_version_get(agreement, number)
    if not version.scan:
        raise Http404("Versjonen har ingen skannet avtale.")
    return _pdf_response(bytes(version.scan), f"intensjonsavtale-{agreement.municipality_id}-v{number}-skannet.pdf")
