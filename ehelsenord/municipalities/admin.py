"""Counties and municipalities in the admin: read-only, they come from the reference data load.

Health communities are the exception: the load gives the defaults, and coordinators with access
to the admin name them and choose their municipalities (through municipalities.services).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ehelsenord.accounts.models import User
from ehelsenord.core.admin import BaseAdmin, ReadOnlyAdmin
from ehelsenord.municipalities.models import County, HealthCommunity, Municipality
from ehelsenord.municipalities.services import (
    health_community_delete,
    health_community_name_error,
    health_community_save,
)


@admin.register(County)
class CountyAdmin(ReadOnlyAdmin):
    list_display = ["number", "name_nb", "name", "in_region"]
    list_filter = ["in_region"]
    search_fields = ["number", "name", "name_nb"]


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "county", "health_community", "population", "in_sami_language_area"]
    list_filter = ["county", "health_community", "in_sami_language_area"]
    search_fields = ["number", "name", "name_nb", "name_other", "name_other2"]
    list_select_related = ["county", "health_community"]


class _MunicipalityChoice(forms.ModelMultipleChoiceField):
    """Each municipality with the health community it is in now, when another one."""

    community_pk: int | None = None

    def label_from_instance(self, obj: Any) -> str:
        if obj.health_community_id is None or obj.health_community_id == self.community_pk:
            return str(obj)
        return gettext("%(municipality)s (now in %(community)s)") % {
            "municipality": obj,
            "community": obj.health_community,
        }


class HealthCommunityAdminForm(forms.ModelForm):
    municipalities = _MunicipalityChoice(
        queryset=Municipality.objects.none(),
        required=False,
        label=_("Municipalities"),
        widget=FilteredSelectMultiple(_("municipalities"), is_stacked=False),
        help_text=_(
            "A municipality you choose leaves the health community it is in now. One you remove "
            "belongs to no health community until you choose one for it."
        ),
    )

    class Meta:
        model = HealthCommunity
        fields = ["name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        community = self.instance if self.instance.pk else None
        # The region's municipalities, and any other member (so saving never drops it unseen).
        offered = Q(county__in_region=True)
        if community is not None:
            offered |= Q(health_community=community)
        field = self.fields["municipalities"]
        assert isinstance(field, _MunicipalityChoice)
        field.queryset = Municipality.objects.filter(offered).select_related("health_community").order_by("name")
        field.community_pk = community.pk if community else None
        if community is not None:
            field.initial = [m.number for m in community.municipalities.all()]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        error = health_community_name_error(name, self.instance if self.instance.pk else None)
        if error:
            raise forms.ValidationError(error)
        return str(name)

    def validate_unique(self) -> None:
        # clean_name checks the name (also against letter case); the model's own check would repeat it.
        return None


@admin.register(HealthCommunity)
class HealthCommunityAdmin(BaseAdmin):
    form = HealthCommunityAdminForm
    list_display = ["name", "member_count"]
    search_fields = ["name"]
    fields = ["name", "municipalities"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HealthCommunity]:
        return super().get_queryset(request).annotate(member_count=Count("municipalities"))

    @admin.display(description=_("Municipalities"), ordering="member_count")
    def member_count(self, community: HealthCommunity) -> int:
        return int(community.member_count)  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: HealthCommunity, form: Any, change: bool) -> None:
        # obj already carries the form's name; the service needs the stored community to compare.
        actor = request.user
        assert isinstance(actor, User)
        saved = health_community_save(
            by=actor,
            community=HealthCommunity.objects.get(pk=obj.pk) if change else None,
            name=form.cleaned_data["name"],
            municipalities=list(form.cleaned_data["municipalities"]),
        )
        obj.pk, obj.name = saved.pk, saved.name  # the admin's message, log and redirect use obj

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The municipalities were saved by health_community_save in save_model.
        return None

    def delete_model(self, request: HttpRequest, obj: HealthCommunity) -> None:
        actor = request.user
        assert isinstance(actor, User)
        health_community_delete(by=actor, community=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HealthCommunity]) -> None:
        actor = request.user
        assert isinstance(actor, User)
        for community in queryset:
            health_community_delete(by=actor, community=community)
