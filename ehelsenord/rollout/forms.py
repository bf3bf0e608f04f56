"""Input validation for changing a record. Views pass cleaned_data to implementation_update."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ehelsenord.core.forms import DesignsystemetMixin, date_field
from ehelsenord.rollout.enums import Evidence, TrafficLight
from ehelsenord.rollout.selectors import RecordView
from ehelsenord.rollout.services import NOTE_MAX_LENGTH
from ehelsenord.solutions.models import Phase

PATIENT_DATA_REMINDER = _("One line, no patient data or other personal health information.")
PUBLIC_HELP = _(
    "Only the phase is shown, never the note, the traffic light or names, and only as it stood %(days)d days ago."
)


class RecordForm(DesignsystemetMixin, forms.Form):
    """Every field of one record; the phase choices come from the solution's template.

    Each field carries the value the user saw (show_hidden_initial), so a save sends only the fields
    the user changed: a change someone else made meanwhile to another field is never overwritten.
    """

    phase = forms.ChoiceField(label=_("Phase"))
    traffic_light = forms.ChoiceField(label=_("Traffic light"), choices=TrafficLight.choices)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX_LENGTH, required=False, help_text=PATIENT_DATA_REMINDER)
    target_date = date_field(_("Target date"))
    go_live_date = date_field(_("Go-live date"))
    evidence = forms.ChoiceField(label=_("Evidence"), choices=Evidence.choices)
    public = forms.BooleanField(
        label=_("Show the phase on the public status pages"),
        required=False,
    )

    def __init__(self, *args: Any, record: RecordView, **kwargs: Any) -> None:
        self.record = record
        self.phases: dict[str, Phase] = {phase.key: phase for phase in record.solution.phase_template.phases.all()}
        kwargs.setdefault(
            "initial",
            {
                "phase": record.phase.key,
                "traffic_light": record.traffic_light,
                "note": record.note,
                "target_date": record.target_date,
                "go_live_date": record.go_live_date,
                "evidence": record.evidence,
                "public": record.public,
            },
        )
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True
        self.fields["public"].help_text = PUBLIC_HELP % {"days": settings.PUBLIC_EMBARGO_DAYS}
        phase_field = self.fields["phase"]
        assert isinstance(phase_field, forms.ChoiceField)
        phase_field.choices = [(key, phase.name) for key, phase in self.phases.items()]

    def clean_phase(self) -> Phase:
        return self.phases[self.cleaned_data["phase"]]

    def changes(self) -> dict[str, Any]:
        """The fields the user changed, ready for implementation_update."""
        return {name: self.cleaned_data[name] for name in self.changed_data}

    def radio_initials(self) -> str:
        """Hidden "seen" values of fields a template renders radio by radio (not through {{ field }})."""
        return mark_safe(  # noqa: S308 - Django's own widget rendering, escaped
            "".join(
                str(self[name].as_hidden(only_initial=True))
                for name, field in self.fields.items()
                if isinstance(field.widget, forms.RadioSelect)
            )
        )


class QuickUpdateForm(RecordForm):
    """The matrix's quick update: phase, traffic light and note only."""

    def __init__(self, *args: Any, record: RecordView, **kwargs: Any) -> None:
        super().__init__(*args, record=record, **kwargs)
        for name in ("target_date", "go_live_date", "evidence", "public"):
            del self.fields[name]
        phase_field = self.fields["phase"]
        assert isinstance(phase_field, forms.ChoiceField)
        phase_field.widget = forms.RadioSelect(attrs={"class": "ds-input"})
        phase_field.choices = phase_field.choices  # re-assigning hands the choices to the new widget
        self.fields["traffic_light"].widget = forms.RadioSelect(
            attrs={"class": "ds-input"}, choices=TrafficLight.choices
        )
