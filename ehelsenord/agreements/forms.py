"""Input for rounds and answers. Views hand the cleaned input to agreements.services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ehelsenord.agreements.enums import SigningMethod
from ehelsenord.agreements.models import AgreementRound, IntentAgreement
from ehelsenord.agreements.quarters import quarter_label
from ehelsenord.agreements.selectors import offerable_solutions, round_quarters
from ehelsenord.agreements.services import (
    DECLINE_REASON_MAX_LENGTH,
    LETTER_MAX_LENGTH,
    MAX_CONTACTS,
    NAME_MAX_LENGTH,
    PERSON_FIELD_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Answer,
    Contact,
    OfferInput,
    RoundInput,
)
from ehelsenord.core.forms import DesignsystemetMixin, date_field, style_inputs
from ehelsenord.municipalities.enums import WrittenLanguage
from ehelsenord.solutions.models import Solution

LETTER_NB = "\n\n".join(
    [
        (
            "eHelse Nord er e-helsesamarbeidet for kommunene i Nordland, Troms og Finnmark. Vi tilbyr hver "
            "kommune å bli med i felles innføring av nasjonale e-helseløsninger og velferdsteknologi, slik at "
            "ingen kommune blir stående alene."
        ),
        (
            "Kommuner som signerer, settes sammen i små kompisnettverk som innfører samme løsning sammen, med en "
            "erfaren vertskommune, felles plan og jevnlige møter."
        ),
        (
            "Velg hvilke av løsningene nedenfor kommunen vil være med på, og når dere tar sikte på å ha "
            "innføringen planlagt. Avtalen er en intensjon, ikke en kontrakt om kjøp."
        ),
    ]
)

LETTER_NN = "\n\n".join(
    [
        (
            "eHelse Nord er e-helsesamarbeidet for kommunane i Nordland, Troms og Finnmark. Vi tilbyr kvar "
            "kommune å vere med i felles innføring av nasjonale e-helseløysingar og velferdsteknologi, slik at "
            "ingen kommune blir ståande åleine."
        ),
        (
            "Kommunar som signerer, blir sette saman i små kompisnettverk som innfører same løysing saman, med "
            "ein erfaren vertskommune, felles plan og jamlege møte."
        ),
        (
            "Vel kva for løysingar nedanfor kommunen vil vere med på, og når de tek sikte på å ha innføringa "
            "planlagd. Avtalen er ein intensjon, ikkje ein kontrakt om kjøp."
        ),
    ]
)


class RoundForm(DesignsystemetMixin, forms.Form):
    """A round: name, period, deadline, letters, and per solution: offered?, why, national deadline."""

    name = forms.CharField(
        label=_("Name"), max_length=NAME_MAX_LENGTH, help_text=_("For example “Intent agreements 2027”.")
    )
    period_start = date_field(_("Period from"), required=True)
    period_end = date_field(_("Period to"), required=True)
    answer_deadline = date_field(_("Answer deadline"), required=True)
    letter_nb = forms.CharField(
        label=_("Letter text in bokmål"),
        max_length=LETTER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Separate paragraphs with an empty line. Municipalities with bokmål as written language get this."),
    )
    letter_nn = forms.CharField(
        label=_("Letter text in nynorsk"),
        max_length=LETTER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Municipalities with nynorsk as written language get this."),
    )

    def __init__(self, *args: Any, round_: AgreementRound | None = None, **kwargs: Any) -> None:
        self.solutions: list[Solution] = list(offerable_solutions())
        initial: dict[str, Any] = {"letter_nb": LETTER_NB, "letter_nn": LETTER_NN}
        if round_ is not None:
            initial = {
                key: getattr(round_, key)
                for key in ("name", "period_start", "period_end", "answer_deadline", "letter_nb", "letter_nn")
            }
            for offer in round_.offers.all():
                initial[f"offer_{offer.solution.slug}"] = True
                initial[f"reason_{offer.solution.slug}"] = offer.reason
                initial[f"deadline_{offer.solution.slug}"] = offer.national_deadline
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for solution in self.solutions:
            self.fields[f"offer_{solution.slug}"] = forms.BooleanField(label=solution.name, required=False)
            self.fields[f"reason_{solution.slug}"] = forms.CharField(
                label=_("Why %(solution)s is prioritised") % {"solution": solution.short_name},
                max_length=REASON_MAX_LENGTH,
                required=False,
            )
            self.fields[f"deadline_{solution.slug}"] = date_field(
                _("National deadline for %(solution)s") % {"solution": solution.short_name}
            )
        style_inputs(self)

    def solution_rows(self) -> list[dict[str, Any]]:
        """Per solution: its three fields, for the template's table of offers."""
        return [
            {
                "solution": solution,
                "offer": self[f"offer_{solution.slug}"],
                "reason": self[f"reason_{solution.slug}"],
                "deadline": self[f"deadline_{solution.slug}"],
            }
            for solution in self.solutions
        ]

    def offer_errors(self) -> list[str]:
        return [str(error) for error in self.errors.get("offers", [])]

    def to_input(self) -> RoundInput:
        data = self.cleaned_data
        return RoundInput(
            name=data["name"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            answer_deadline=data["answer_deadline"],
            letter_nb=data["letter_nb"],
            letter_nn=data["letter_nn"],
            offers=[
                OfferInput(
                    solution=solution,
                    reason=data.get(f"reason_{solution.slug}") or "",
                    national_deadline=data.get(f"deadline_{solution.slug}"),
                )
                for solution in self.solutions
                if data.get(f"offer_{solution.slug}")
            ],
        )


class RevisionForm(DesignsystemetMixin, forms.Form):
    """Carries the agreement's revision the page was rendered from (see IntentAgreement.revision)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AnswerForm(RevisionForm):
    """The municipality's answer: commitments with target quarters, contacts, signatory, signing.

    Every field may be empty in a saved draft; the service says what signing needs. So the
    template marks no field as optional (hide_optional).
    """

    hide_optional = True

    signatory_name = forms.CharField(
        label=_("Signatory's name"),
        max_length=PERSON_FIELD_MAX_LENGTH,
        required=False,
        help_text=_("The person who signs for the municipality, for example the chief executive."),
    )
    signatory_title = forms.CharField(
        label=_("Signatory's title"),
        max_length=PERSON_FIELD_MAX_LENGTH,
        required=False,
        help_text=_("For example “kommunedirektør”."),
    )
    method = forms.ChoiceField(
        label=_("How do you sign?"),
        choices=[
            (SigningMethod.PLATFORM, _("Sign here in the platform")),
            (SigningMethod.SCAN, _("Upload the agreement signed on paper, as a scanned PDF")),
        ],
        widget=forms.RadioSelect,
        initial=SigningMethod.PLATFORM,
        required=False,
    )
    scan = forms.FileField(
        label=_("Signed agreement as PDF"),
        required=False,
        help_text=_("Only when you upload a signed scan: a PDF of at most %(max)d MB.")
        % {"max": settings.AGREEMENT_SCAN_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    confirm = forms.BooleanField(
        label=_("I confirm that the signatory may commit the municipality to this agreement."),
        required=False,
    )

    def __init__(self, *args: Any, agreement: IntentAgreement, **kwargs: Any) -> None:
        self.agreement = agreement
        self.offers = list(agreement.round.offers.all())
        quarters = round_quarters(agreement.round)
        committed = {c.offer_id: c.target_quarter for c in agreement.commitments.all()}
        initial: dict[str, Any] = {
            "revision": agreement.revision,
            "signatory_name": agreement.signatory_name,
            "signatory_title": agreement.signatory_title,
            "method": SigningMethod.PLATFORM,
        }
        for offer in self.offers:
            initial[f"commit_{offer.pk}"] = offer.pk in committed
            initial[f"quarter_{offer.pk}"] = (committed.get(offer.pk) or quarters[0]).isoformat()
        for index, contact in enumerate(agreement.contacts[:MAX_CONTACTS]):
            for key in ("name", "title", "email", "phone"):
                initial[f"contact_{index}_{key}"] = contact.get(key, "")
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        quarter_choices = [(quarter.isoformat(), quarter_label(quarter)) for quarter in quarters]
        for offer in self.offers:
            self.fields[f"commit_{offer.pk}"] = forms.BooleanField(label=offer.solution.name, required=False)
            self.fields[f"quarter_{offer.pk}"] = forms.ChoiceField(
                label=_("Planned by (%(solution)s)") % {"solution": offer.solution.short_name},
                choices=quarter_choices,
                required=False,
            )
        labels = {
            "name": _("Name (contact person %(number)d)"),
            "title": _("Title (contact person %(number)d)"),
            "email": _("E-mail (contact person %(number)d)"),
            "phone": _("Phone (contact person %(number)d)"),
        }
        for index in range(MAX_CONTACTS):
            for key, label in labels.items():
                field_class = forms.EmailField if key == "email" else forms.CharField
                self.fields[f"contact_{index}_{key}"] = field_class(
                    label=label % {"number": index + 1}, max_length=PERSON_FIELD_MAX_LENGTH, required=False
                )
        style_inputs(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A commitment to anything but this round's offers (a forged or stale form) changes nothing.
        offered = {f"commit_{offer.pk}" for offer in self.offers}
        if any(key.startswith("commit_") and key not in offered for key in self.data):
            raise forms.ValidationError(_("You can only commit to solutions offered in this round."))
        return cleaned

    def offer_rows(self) -> list[dict[str, Any]]:
        return [
            {"offer": offer, "commit": self[f"commit_{offer.pk}"], "quarter": self[f"quarter_{offer.pk}"]}
            for offer in self.offers
        ]

    def contact_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "number": index + 1,
                "fields": [self[f"contact_{index}_{key}"] for key in ("name", "title", "email", "phone")],
            }
            for index in range(MAX_CONTACTS)
        ]

    def answer(self) -> Answer:
        data = self.cleaned_data
        commitments = {
            offer.pk: date.fromisoformat(data[f"quarter_{offer.pk}"])
            for offer in self.offers
            if data.get(f"commit_{offer.pk}") and data.get(f"quarter_{offer.pk}")
        }
        contacts = [
            Contact(
                name=data.get(f"contact_{index}_name") or "",
                title=data.get(f"contact_{index}_title") or "",
                email=data.get(f"contact_{index}_email") or "",
                phone=data.get(f"contact_{index}_phone") or "",
            )
            for index in range(MAX_CONTACTS)
        ]
        return Answer(
            commitments=commitments,
            contacts=contacts,
            signatory_name=data.get("signatory_name") or "",
            signatory_title=data.get("signatory_title") or "",
        )

    def scan_bytes(self) -> bytes | None:
        upload = self.cleaned_data.get("scan")
        if not upload:
            return None
        limit = settings.AGREEMENT_SCAN_MAX_BYTES
        # Read one byte more than allowed: enough to know the file is too large, never the whole of a huge one.
        return bytes(upload.read(limit + 1))


class DeclineForm(RevisionForm):
    reason = forms.CharField(
        label=_("Why does the municipality decline?"),
        max_length=DECLINE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the agreement's history and shown to the coordinators."),
    )


class ReopenForm(RevisionForm):
    reason = forms.CharField(
        label=_("Why is the agreement reopened?"),
        max_length=DECLINE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the agreement's history. The signed versions stay readable."),
    )


class DeadlineForm(DesignsystemetMixin, forms.Form):
    deadline = date_field(_("New answer deadline"), required=True)


class FingerprintForm(DesignsystemetMixin, forms.Form):
    fingerprint = forms.RegexField(
        label=_("Fingerprint"),
        regex=r"^\s*[0-9a-fA-F]{64}\s*$",
        max_length=80,
        error_messages={"invalid": _("A fingerprint is 64 characters, the digits 0–9 and the letters a–f.")},
        help_text=_("The 64 characters at the foot of the signed letter."),
    )


class LanguageForm(DesignsystemetMixin, forms.Form):
    language = forms.ChoiceField(label=_("Written language (målform)"), choices=WrittenLanguage.choices)
