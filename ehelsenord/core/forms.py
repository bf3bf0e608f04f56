"""Form helpers shared by every app: Designsystemet classes on widgets."""

from __future__ import annotations

from typing import Any

from django import forms

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
        for field in self.fields.values():
            if isinstance(field.widget, _INPUT_WIDGETS):
                classes = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{classes} ds-input".strip()
