"""Form helpers shared by every app: Designsystemet classes on widgets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_INPUT_WIDGETS = (
    forms.TextInput,
    forms.EmailInput,
    forms.PasswordInput,
    forms.NumberInput,
    forms.DateInput,
    forms.URLInput,
    forms.Textarea,
    forms.Select,
    forms.SelectMultiple,
    forms.CheckboxInput,
    forms.ClearableFileInput,
)


class DesignsystemetMixin:
    """Adds class="ds-input" to every input-like widget (radio and checkbox lists style themselves)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_inputs(self)


def style_inputs(form: Any) -> None:
    """Add the Designsystemet class to input-like widgets; call it again after adding fields."""
    for field in form.fields.values():
        if isinstance(field.widget, _INPUT_WIDGETS):
            classes = field.widget.attrs.get("class", "")
            if "ds-input" not in classes.split():
                field.widget.attrs["class"] = f"{classes} ds-input".strip()


DATE_HELP = _("As dd.mm.yyyy, for example 01.03.2027.")


def date_field(label: StrOrPromise, *, required: bool = False) -> forms.DateField:
    """A date typed as dd.mm.yyyy.

    A text field, not type=date: a browser sends an impossible date (31.02) as an empty value,
    which would silently clear a stored date instead of getting an error message.
    """
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        help_text=DATE_HELP,
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on a field when it names one, else on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        form.add_error(key if key in form.fields else None, errors)
