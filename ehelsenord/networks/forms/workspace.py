"""Input for a network's plan and meetings. The rules live in networks.workspace; these forms parse.

Field names match the keys of the service's ValidationError (core.forms.add_errors puts each
message at its field): `due_<pk>`/`note_<pk>` for the plan, MeetingInput's names for a meeting.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehelsenord.accounts.models import User
from ehelsenord.core.forms import DesignsystemetMixin, date_field, style_inputs
from ehelsenord.networks.models import BuddyNetwork, Meeting, Milestone
from ehelsenord.networks.workspace import (
    AGENDA_TEXT_MAX_LENGTH,
    MAX_AGENDA_ITEMS,
    NOTE_MAX_LENGTH,
    OTHER_ATTENDEES_MAX_LENGTH,
    PLACE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    VIDEO_URL_MAX_LENGTH,
    AgendaInput,
    MeetingInput,
    agenda_record_options,
    meeting_attendee_options,
)
from ehelsenord.rollout.models import Implementation

# --- The plan ------------------------------------------------------------------------------------


class PlanForm(DesignsystemetMixin, forms.Form):
    """One target date and one note per milestone."""

    def __init__(self, *args: Any, milestones: list[Milestone], **kwargs: Any) -> None:
        self.milestones = milestones
        initial: dict[str, Any] = {}
        for milestone in milestones:
            initial[f"due_{milestone.pk}"] = milestone.due_date
            initial[f"note_{milestone.pk}"] = milestone.note
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for milestone in milestones:
            phase = milestone.phase.name
            self.fields[f"due_{milestone.pk}"] = date_field(_("Target date for %(phase)s") % {"phase": phase})
            self.fields[f"note_{milestone.pk}"] = forms.CharField(
                label=_("Note for %(phase)s") % {"phase": phase},
                required=False,
                strip=True,
                widget=forms.TextInput(attrs={"maxlength": NOTE_MAX_LENGTH}),
            )
        style_inputs(self)

    def rows(self) -> list[tuple[Milestone, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"due_{m.pk}"], self[f"note_{m.pk}"]) for m in self.milestones]

    def to_input(self) -> dict[int, tuple[date | None, str]]:
        data = self.cleaned_data
        return {m.pk: (data.get(f"due_{m.pk}"), data.get(f"note_{m.pk}") or "") for m in self.milestones}


# --- Meetings ------------------------------------------------------------------------------------


def _attendee_label(user: User) -> str:
    municipalities = getattr(user, "member_municipalities", [])
    where = str(_("coordinator")) if user.is_coordinator else ", ".join(m.name for m in municipalities)
    return f"{user.full_name} ({where})" if where else user.full_name


class MeetingForm(DesignsystemetMixin, forms.Form):
    """A meeting: date and times (Europe/Oslo), place or video link, attendees, minutes, decisions.

    The agenda is an AgendaFormSet beside it; to_input() takes both.
    """

    title = forms.CharField(label=_("Title"), widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH}), strip=True)
    date = forms.DateField(
        label=_("Date"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    starts_at = forms.TimeField(
        label=_("Starts"),
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time", "class": "ds-input"}, format="%H:%M"),
    )
    ends_at = forms.TimeField(
        label=_("Ends"),
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time", "class": "ds-input"}, format="%H:%M"),
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        help_text=_("The room and address. Give a place, a video link or both."),
        widget=forms.TextInput(attrs={"maxlength": PLACE_MAX_LENGTH}),
    )
    video_url = forms.CharField(
        label=_("Video link"),
        required=False,
        help_text=_("The address of the video meeting, for example in Teams."),
        widget=forms.URLInput(attrs={"maxlength": VIDEO_URL_MAX_LENGTH}),
    )
    attendees = forms.MultipleChoiceField(
        label=_("Attendees"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
        help_text=_("The contacts of the network's municipalities and the coordinators."),
    )
    other_attendees = forms.CharField(
        label=_("Other attendees"),
        required=False,
        help_text=_("Names and organisation of others who took part, for example from the hospital trust."),
        widget=forms.TextInput(attrs={"maxlength": OTHER_ATTENDEES_MAX_LENGTH}),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        help_text=_("What was discussed. Never write patient data here."),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        help_text=_("One decision per line, in order."),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
    )

    def __init__(self, *args: Any, network: BuddyNetwork, meeting: Meeting | None = None, **kwargs: Any) -> None:
        if meeting is not None:
            starts = timezone.localtime(meeting.starts_at)
            kwargs.setdefault(
                "initial",
                {
                    "title": meeting.title,
                    "date": starts.date(),
                    "starts_at": starts.time(),
                    "ends_at": timezone.localtime(meeting.ends_at).time(),
                    "place": meeting.place,
                    "video_url": meeting.video_url,
                    "attendees": [str(user.pk) for user in meeting.attendees.all()],
                    "other_attendees": meeting.other_attendees,
                    "minutes": meeting.minutes,
                    "decisions": "\n".join(decision.text for decision in meeting.decisions.all()),
                },
            )
        super().__init__(*args, **kwargs)
        self.people = {str(user.pk): user for user in meeting_attendee_options(network)}
        attendees = self.fields["attendees"]
        assert isinstance(attendees, forms.MultipleChoiceField)
        attendees.choices = [(pk, _attendee_label(user)) for pk, user in self.people.items()]

    def to_input(self, agenda: AgendaFormSet) -> MeetingInput:
        data = self.cleaned_data
        day: date = data["date"]
        return MeetingInput(
            title=data["title"],
            starts_at=timezone.make_aware(datetime.combine(day, data["starts_at"])),
            ends_at=timezone.make_aware(datetime.combine(day, data["ends_at"])),
            place=data["place"],
            video_url=data["video_url"],
            minutes=data["minutes"],
            attendees=[self.people[pk] for pk in data["attendees"]],
            other_attendees=data["other_attendees"],
            agenda=agenda.to_input(),
            decisions=data["decisions"].splitlines(),
        )


RECORD_HELP = _(
    "An item can be about one member's record for the solution. Only members that already have a record "
    "are listed: a member gets one with its first status update."
)


class AgendaItemForm(DesignsystemetMixin, forms.Form):
    """One row of the agenda; a row left empty is skipped."""

    text = forms.CharField(
        label=_("Agenda item"), required=False, widget=forms.TextInput(attrs={"maxlength": AGENDA_TEXT_MAX_LENGTH})
    )
    implementation = forms.ChoiceField(label=_("About the record of"), required=False, help_text=RECORD_HELP)

    def __init__(self, *args: Any, records: dict[str, Implementation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records = records
        implementation = self.fields["implementation"]
        assert isinstance(implementation, forms.ChoiceField)
        implementation.choices = [("", _("No record")), *((pk, r.municipality.name) for pk, r in records.items())]

    def to_input(self) -> AgendaInput | None:
        text = self.cleaned_data.get("text") or ""
        record = self.records.get(self.cleaned_data.get("implementation") or "")
        if not text and record is None:
            return None
        return AgendaInput(text=text, implementation=record)


if TYPE_CHECKING:
    _AgendaBase = forms.BaseFormSet[AgendaItemForm]
else:
    _AgendaBase = forms.BaseFormSet  # not subscriptable at run time


class AgendaFormSet(_AgendaBase):
    def to_input(self) -> list[AgendaInput]:
        items = [form.to_input() for form in self.forms]
        return [item for item in items if item is not None]


def agenda_formset(
    data: Any, *, network: BuddyNetwork, meeting: Meeting | None = None, extra: int = 3
) -> AgendaFormSet:
    """The agenda rows: the meeting's items, then `extra` empty rows. A record can be chosen among
    the members' existing records for the network's solution."""
    records = {str(record.pk): record for record in agenda_record_options(network)}
    initial = (
        [{"text": item.text, "implementation": str(item.implementation_id or "")} for item in meeting.agenda.all()]
        if meeting is not None
        else []
    )
    formset_class = forms.formset_factory(
        AgendaItemForm,
        formset=AgendaFormSet,
        extra=extra,
        max_num=MAX_AGENDA_ITEMS,
        validate_max=True,
    )
    return cast(AgendaFormSet, formset_class(data, prefix="agenda", initial=initial, form_kwargs={"records": records}))


class DissolveForm(DesignsystemetMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the network is dissolved"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the log of changes."),
    )
