"""Admin building blocks shared by every app's admin.py, and the audit log's admin.

Access to the admin comes from the role (network administrator), not from Django's model
permissions: the site (accounts.adminsite) lets only network administrators in, and these
base classes decide per model what may be changed at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ehelsenord.core.models import AuditEntry


def _is_network_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_network_admin", False))


class BaseAdmin(admin.ModelAdmin):
    """A model admin whose permissions follow the role, not Django's per-model permissions."""

    # Addresses typed without a scheme are https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_network_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_network_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _is_network_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_network_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_network_admin(request)


class ReadOnlyAdmin(BaseAdmin):
    """For data that changes elsewhere (reference data loads, services, the audit log itself)."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor__email", "actor__full_name", "object_id"]
    list_select_related = ["actor"]
    fields = readonly_fields = ("at", "actor", "action", "object_type", "object_id", "object_repr", "changes_table")

    @admin.display(description=_("before → after"))
    def changes_table(self, entry: AuditEntry) -> str:
        if not entry.changes:
            return "–"
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
            ((field, _show(values[0]), _show(values[1])) for field, values in entry.changes.items()),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>{}</th><th scope='col'>{}</th><th scope='col'>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Field"),
            _("Before"),
            _("After"),
            rows,
        )


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
