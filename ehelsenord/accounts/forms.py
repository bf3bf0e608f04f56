"""Input validation for logging in, invitations, passwords, the profile and API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    SetPasswordMixin,
)
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.models import User
from ehelsenord.accounts.services import API_TOKEN_NAME_MAX_LENGTH, NAME_MAX_LENGTH
from ehelsenord.core.forms import DesignsystemetMixin
from ehelsenord.municipalities.models import Municipality


def _password_help_text() -> str:
    # One sentence per validator, in the active language; a plain string fits in the field's <p>.
    return " ".join(str(text) for text in password_validation.password_validators_help_texts())


password_help_text = lazy(_password_help_text, str)()


class LoginForm(DesignsystemetMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    error_messages = {
        "invalid_login": _("Wrong e-mail or password. Check both and try again."),
        "inactive": _("This account is deactivated."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")


class InvitationForm(DesignsystemetMixin, forms.Form):
    """Who to invite; the service checks the rule tying roles to municipalities."""

    full_name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    municipalities = forms.MultipleChoiceField(
        label=_("Municipalities"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
        help_text=_("Only for municipality contacts: the municipalities the person speaks for."),
    )

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality_by_number = {municipality.number: municipality for municipality in municipalities}
        field = self.fields["municipalities"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(m.number, m.name) for m in municipalities]

    def clean_municipalities(self) -> list[Municipality]:
        return [self.municipality_by_number[number] for number in self.cleaned_data["municipalities"]]


class AcceptInvitationForm(DesignsystemetMixin, SetPasswordMixin, forms.Form):
    """The invited person chooses a password; Django's validators judge it against their name and e-mail."""

    error_messages = {"password_mismatch": _("The two passwords are not the same.")}
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Repeat the password")
    )

    def __init__(self, *args: Any, candidate: User, **kwargs: Any) -> None:
        self.candidate = candidate
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_help_text
        self.fields["password2"].help_text = ""

    def clean(self) -> dict[str, Any]:
        self.validate_passwords()
        self.validate_password_for_user(self.candidate)
        return self.cleaned_data


class PasswordResetRequestForm(DesignsystemetMixin, PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail")
        self.fields["email"].widget.attrs["autofocus"] = True


class NewPasswordForm(DesignsystemetMixin, SetPasswordForm):
    error_messages = {"password_mismatch": _("The two passwords are not the same.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = password_help_text
        self.fields["new_password2"].label = _("Repeat the new password")
        self.fields["new_password2"].help_text = ""


class ChangePasswordForm(DesignsystemetMixin, PasswordChangeForm):
    error_messages = {
        "password_mismatch": _("The two passwords are not the same."),
        "password_incorrect": _("Your current password is wrong. Try again."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = password_help_text
        self.fields["new_password2"].label = _("Repeat the new password")
        self.fields["new_password2"].help_text = ""


class ProfileForm(DesignsystemetMixin, forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    title = forms.CharField(
        label=_("Title"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("Your job title, for example “E-health adviser”."),
    )


class ApiTokenForm(DesignsystemetMixin, forms.Form):
    name = forms.CharField(
        label=_("Name of the new token"),
        max_length=API_TOKEN_NAME_MAX_LENGTH,
        help_text=_("Where the token will be used, for example “Power BI report”."),
    )


# Django 5.2's own nb catalogue lacks this validator message (its msgid changed in 5.2); naming it
# here keeps its translation in our catalogue. The validator itself formats it.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
