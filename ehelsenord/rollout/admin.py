"""Records and their history in the admin: read-only, records change only through
rollout.services.implementation_update (which writes the history)."""

from __future__ import annotations

from django.contrib import admin

from ehelsenord.core.admin import ReadOnlyAdmin
from ehelsenord.rollout.models import Implementation, ImplementationChange


@admin.register(Implementation)
class ImplementationAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "solution", "phase", "traffic_light", "evidence", "updated_at", "updated_by"]
    list_filter = ["solution", "traffic_light", "evidence"]
    search_fields = ["municipality__name", "municipality__number", "solution__name"]
    list_select_related = ["municipality", "solution", "phase", "updated_by"]


@admin.register(ImplementationChange)
class ImplementationChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "implementation", "field", "old_value", "new_value", "changed_by", "source"]
    list_filter = ["source", "field"]
    search_fields = ["implementation__municipality__name", "implementation__solution__name", "changed_by__email"]
    list_select_related = ["implementation__municipality", "implementation__solution", "changed_by"]
