"""Counties and municipalities in the admin: read-only, they come from the reference data load."""

from __future__ import annotations

from django.contrib import admin

from ehelsenord.core.admin import ReadOnlyAdmin
from ehelsenord.municipalities.models import County, Municipality


@admin.register(County)
class CountyAdmin(ReadOnlyAdmin):
    list_display = ["number", "name_nb", "name", "in_region"]
    list_filter = ["in_region"]
    search_fields = ["number", "name", "name_nb"]


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "county", "population", "in_sami_language_area"]
    list_filter = ["county", "in_sami_language_area"]
    search_fields = ["number", "name", "name_nb", "name_other", "name_other2"]
    list_select_related = ["county"]
