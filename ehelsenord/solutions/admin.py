"""The catalogue in the admin: editable by network administrators, every change audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ehelsenord.core.admin import AuditedAdmin
from ehelsenord.solutions.models import Phase, PhaseTemplate, Solution


@admin.register(Solution)
class SolutionAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "status", "statutory", "phase_template", "position"]
    list_filter = ["kind", "status", "statutory"]
    search_fields = ["name", "short_name", "slug", "owner"]
    list_select_related = ["phase_template"]
    filter_horizontal = ["prerequisites"]
    ordering = ["position", "slug"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The key is in every page address and in exported spreadsheets: fixed once created.
        return ["slug"] if obj is not None else []


@admin.register(PhaseTemplate)
class PhaseTemplateAdmin(AuditedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["slug"] if obj is not None else []


@admin.register(Phase)
class PhaseAdmin(AuditedAdmin):
    list_display = ["template", "position", "name", "key", "stage"]
    list_filter = ["template", "stage"]
    search_fields = ["name", "key"]
    list_select_related = ["template"]
    ordering = ["template__name", "position"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Record history stores phase keys: a changed key or template would orphan that history.
        return ["template", "key"] if obj is not None else []
