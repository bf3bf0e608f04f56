"""Input validation for the join form and for deciding a join request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ehelsenord.accounts.enums import Role
from ehelsenord.core.forms import DesignsystemetMixin
from ehelsenord.municipalities.models import Municipality
from ehelsenord.public import services
from ehelsenord.public.enums import Arena

# The employer choice for people who do not work in a municipality of the region.
OTHER_EMPLOYER = "annen"


def _region_choices(municipalities: list[Municipality]) -> list[tuple[str, str]]:
    return [(municipality.number, municipality.name) for municipality in municipalities]


class JoinForm(DesignsystemetMixin, forms.Form):
    """The public join form. `website` is a trap for robots: people never see it, so it stays empty."""

    full_name = forms.CharField(
        label=_("Name"),
        max_length=services.JOIN_TEXT_MAX_LENGTH,
        error_messages={"required": services.NAME_REQUIRED, "max_length": services.NAME_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Preferably your work address. We answer you there."),
        error_messages={"required": services.EMAIL_INVALID, "invalid": services.EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    job_title = forms.CharField(
        label=_("Role or position"),
        max_length=services.JOIN_TEXT_MAX_LENGTH,
        help_text=_("For example “E-health adviser” or “Head of home-based services”."),
        error_messages={"required": services.JOB_TITLE_REQUIRED, "max_length": services.JOB_TITLE_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    employer = forms.ChoiceField(
        label=_("Employer"),
        help_text=_("Your municipality, or “Another employer” if you work elsewhere, for example in a hospital trust."),
        error_messages={"required": services.EMPLOYER_REQUIRED, "invalid_choice": services.EMPLOYER_OUTSIDE_REGION},
    )
    employer_other = forms.CharField(
        label=_("Name of the other employer"),
        required=False,
        max_length=services.JOIN_TEXT_MAX_LENGTH,
        help_text=_("Only when you chose “Another employer” above: its name."),
        error_messages={"max_length": services.EMPLOYER_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    arenas = forms.MultipleChoiceField(
        label=_("Where would you like to contribute?"),
        choices=Arena.choices,
        help_text=_("eHelse Nord works towards six goals. Choose one or more."),
        error_messages={"required": services.ARENAS_REQUIRED, "invalid_choice": services.ARENAS_INVALID},
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
    )
    message = forms.CharField(
        label=_("What would you like to work on?"),
        required=False,
        max_length=services.JOIN_MESSAGE_MAX_LENGTH,
        help_text=_("At most 1000 characters. Do not write anything about patients or anyone's health here."),
        error_messages={"max_length": services.TEXT_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    consent = forms.BooleanField(
        label=_("I consent to eHelse Nord storing these details to handle my request."),
        error_messages={"required": services.CONSENT_REQUIRED},
    )
    website = forms.CharField(
        label=_("Website"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality_by_number = {municipality.number: municipality for municipality in municipalities}
        field = self.fields["employer"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Choose your employer")),
            (OTHER_EMPLOYER, _("Another employer (not a municipality)")),
            (_("Municipalities in the region"), _region_choices(municipalities)),
        ]

    @property
    def is_trap_filled(self) -> bool:
        """Did a robot fill in the field people cannot see?"""
        return bool(self.data.get("website", "").strip())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        employer = data.get("employer")
        other = " ".join(data.get("employer_other", "").split())
        data["municipality"] = None
        if employer == OTHER_EMPLOYER:
            if not other and "employer_other" not in self.errors:
                self.add_error("employer_other", services.EMPLOYER_OTHER_REQUIRED)
        elif employer:
            data["municipality"] = self.municipality_by_number[employer]
            if other:
                self.add_error("employer_other", services.EMPLOYER_BOTH)
        data["employer_other"] = other if employer == OTHER_EMPLOYER else ""
        return data


class JoinApproveForm(DesignsystemetMixin, forms.Form):
    """The role the invitation gives; municipalities only for a municipality contact (the service checks)."""

    role = forms.ChoiceField(
        label=_("Role"),
        error_messages={"required": _("Choose the role the person gets.")},
    )
    municipalities = forms.MultipleChoiceField(
        label=_("Municipalities"),
        required=False,
        help_text=_("Only for municipality contacts: the municipalities the person speaks for."),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
    )

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality_by_number = {municipality.number: municipality for municipality in municipalities}
        role = self.fields["role"]
        chosen = self.fields["municipalities"]
        assert isinstance(role, forms.ChoiceField) and isinstance(chosen, forms.MultipleChoiceField)
        role.choices = [("", _("Choose a role")), *Role.choices]
        chosen.choices = _region_choices(municipalities)

    def clean_municipalities(self) -> list[Municipality]:
        return [self.municipality_by_number[number] for number in self.cleaned_data["municipalities"]]


class JoinRejectForm(DesignsystemetMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=services.JOIN_MESSAGE_MAX_LENGTH,
        help_text=_("The person gets this text by e-mail. It is deleted with the request's other data."),
        error_messages={"required": services.REASON_REQUIRED, "max_length": services.TEXT_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 4}),
    )
