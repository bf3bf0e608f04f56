"""Input for proposals: what to propose, the adjustments, the names at confirmation, travel times."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ehelsenord.agreements.models import AgreementRound
from ehelsenord.core.forms import DesignsystemetMixin
from ehelsenord.municipalities.models import Municipality
from ehelsenord.networks import optimizer
from ehelsenord.networks.services import NETWORK_NAME_MAX_LENGTH, adjusted_assignment
from ehelsenord.solutions.models import Solution

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DEFAULTS = optimizer.Settings()
MAX_NETWORK_SIZE = 40
MAX_COST = 100_000


class ChooseForm(DesignsystemetMixin, forms.Form):
    """Step one (GET): which solution, and optionally which round's signed agreements."""

    solution = forms.ModelChoiceField(
        label=gettext_lazy("Solution"), queryset=Solution.objects.none(), to_field_name="slug", empty_label=None
    )
    round = forms.ModelChoiceField(
        label=gettext_lazy("Agreement round"),
        queryset=AgreementRound.objects.none(),
        required=False,
        empty_label=gettext_lazy("None: choose the participants by hand"),
        help_text=gettext_lazy("With a round, the municipalities that signed up for the solution are ticked."),
    )

    def __init__(self, *args: Any, solutions: Sequence[Solution], rounds: Sequence[AgreementRound], **kwargs: Any):
        super().__init__(*args, **kwargs)
        solution_field = self.fields["solution"]
        round_field = self.fields["round"]
        assert isinstance(solution_field, forms.ModelChoiceField) and isinstance(round_field, forms.ModelChoiceField)
        solution_field.queryset = Solution.objects.filter(pk__in=[s.pk for s in solutions])
        round_field.queryset = AgreementRound.objects.filter(pk__in=[r.pk for r in rounds])


def _cost_field(label: StrOrPromise, initial: float, help_text: StrOrPromise = "") -> forms.FloatField:
    return forms.FloatField(
        label=label, initial=initial, min_value=0, max_value=MAX_COST, help_text=help_text, localize=True
    )


class ProposalForm(DesignsystemetMixin, forms.Form):
    """Step two (POST): the participants, who may lead, and the optimizer's settings."""

    hide_optional = True

    solution = forms.ModelChoiceField(queryset=Solution.objects.all(), to_field_name="slug", widget=forms.HiddenInput)
    round = forms.ModelChoiceField(queryset=AgreementRound.objects.all(), required=False, widget=forms.HiddenInput)
    participants = forms.MultipleChoiceField(label=gettext_lazy("Takes part"), widget=forms.CheckboxSelectMultiple)
    marked_eligible = forms.MultipleChoiceField(
        label=gettext_lazy("May lead"), widget=forms.CheckboxSelectMultiple, required=False
    )
    min_size = forms.IntegerField(
        label=gettext_lazy("Smallest network"), initial=DEFAULTS.min_size, min_value=1, max_value=MAX_NETWORK_SIZE
    )
    max_size = forms.IntegerField(
        label=gettext_lazy("Largest network"), initial=DEFAULTS.max_size, min_value=1, max_value=MAX_NETWORK_SIZE
    )
    lead_population = forms.IntegerField(
        label=gettext_lazy("Inhabitants needed to lead"),
        initial=DEFAULTS.lead_population,
        min_value=0,
        max_value=10_000_000,
        help_text=gettext_lazy(
            "A municipality may lead if it is in production with the solution, has at least this many "
            "inhabitants, or is ticked under “May lead”."
        ),
    )
    network_cost = _cost_field(
        gettext_lazy("Cost per network (km)"),
        DEFAULTS.network_cost,
        gettext_lazy("What one more network counts as, in km of travel. Higher gives fewer, larger networks."),
    )
    county_penalty = _cost_field(gettext_lazy("Extra for crossing a county border (km)"), DEFAULTS.county_penalty)
    county_hard = forms.BooleanField(label=gettext_lazy("Never across a county border"), required=False)
    community_penalty = _cost_field(
        gettext_lazy("Extra for crossing a health community border (km)"), DEFAULTS.community_penalty
    )
    community_hard = forms.BooleanField(label=gettext_lazy("Never across a health community border"), required=False)
    uses_travel_times = forms.BooleanField(
        label=gettext_lazy("Use the uploaded travel times (minutes) instead of distances"), required=False
    )

    def __init__(self, *args: Any, municipalities: Sequence[Municipality], has_travel_times: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(m.number, m.name_nb) for m in municipalities]
        participants = self.fields["participants"]
        marked = self.fields["marked_eligible"]
        assert isinstance(participants, forms.MultipleChoiceField) and isinstance(marked, forms.MultipleChoiceField)
        participants.choices = choices
        marked.choices = choices
        if not has_travel_times:
            del self.fields["uses_travel_times"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("min_size"), cleaned.get("max_size")
        if low is not None and high is not None and low > high:
            self.add_error("max_size", _("The largest network cannot be smaller than the smallest."))
        return cleaned

    def settings(self) -> optimizer.Settings:
        data = self.cleaned_data
        return optimizer.Settings(
            min_size=data["min_size"],
            max_size=data["max_size"],
            lead_population=data["lead_population"],
            network_cost=data["network_cost"],
            county_penalty=data["county_penalty"],
            county_hard=data["county_hard"],
            community_penalty=data["community_penalty"],
            community_hard=data["community_hard"],
        )


def adjust_data(post: Mapping[str, Any], assignment: Mapping[str, str]) -> dict[str, str]:
    """Read the adjust form's fields: lead-<lead> radios and network-<member> selects."""
    leads = {lead: str(post.get(f"lead-{lead}", lead)) for lead in set(assignment.values())}
    moves = {member: str(post.get(f"network-{member}", lead)) for member, lead in assignment.items()}
    return adjusted_assignment(assignment, leads, moves)


class NameForm(forms.Form):
    """One name per network at confirmation; the field names are name-<lead number>."""

    def __init__(self, *args: Any, networks: Sequence[tuple[str, str, str]], **kwargs: Any) -> None:
        """`networks`: (lead number, label, default name) per network."""
        super().__init__(*args, **kwargs)
        for lead, label, name in networks:
            self.fields[f"name-{lead}"] = forms.CharField(
                label=label,
                initial=name,
                max_length=NETWORK_NAME_MAX_LENGTH,
                widget=forms.TextInput(attrs={"class": "ds-input"}),
            )

    def names(self) -> dict[str, str]:
        return {key.removeprefix("name-"): value for key, value in self.cleaned_data.items()}


class TravelTimesForm(DesignsystemetMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Travel times (CSV)"),
        help_text=gettext_lazy(
            "One line per trip: from municipality number, to municipality number, minutes. For example "
            "1865,1860,95. The file replaces all travel times."
        ),
    )
