"""The catalogue in the admin, read-only.

The catalogue's one source of truth is ehelsenord/solutions/data/catalogue.json, changed by
review like code and loaded by `load_reference_data` (which checks every phase template). Editing
it here as well would be overwritten by the next load, and could break the phase rules.
"""

from __future__ import annotations

from django.contrib import admin

from ehelsenord.core.admin import ReadOnlyAdmin
from ehelsenord.solutions.models import Phase, PhaseTemplate, Solution


@admin.register(Solution)
class SolutionAdmin(ReadOnlyAdmin):
    list_display = ["name", "short_name", "kind", "status", "statutory", "phase_template", "position"]
    list_filter = ["kind", "status", "statutory"]
    search_fields = ["name", "short_name", "slug", "owner"]
    list_select_related = ["phase_template"]
    ordering = ["position", "slug"]


@admin.register(PhaseTemplate)
class PhaseTemplateAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Phase)
class PhaseAdmin(ReadOnlyAdmin):
    list_display = ["template", "position", "name", "key", "stage"]
    list_filter = ["template", "stage"]
    search_fields = ["name", "key"]
    list_select_related = ["template"]
    ordering = ["template__name", "position"]
