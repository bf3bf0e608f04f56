"""django.contrib.admin with our AdminSite as the default site.

INSTALLED_APPS names AdminConfig instead of "django.contrib.admin", so that `admin.site` (used by
every app's admin.py) is EhelseNordAdminSite. Kept apart from adminsite.py because this module is
imported while the app registry loads, before models can be imported.
"""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "ehelsenord.accounts.adminsite.EhelseNordAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib import admin
        from django.contrib.auth.models import Group

        # Access comes from roles, not groups: the group admin would only confuse.
        if admin.site.is_registered(Group):
            admin.site.unregister(Group)
