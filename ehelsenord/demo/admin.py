"""The demo marker in the admin: read-only; load_demo_data sets it."""

from __future__ import annotations

from django.contrib import admin

from ehelsenord.core.admin import ReadOnlyAdmin
from ehelsenord.demo.models import DemoDataset


@admin.register(DemoDataset)
class DemoDatasetAdmin(ReadOnlyAdmin):
    list_display = ["loaded_at"]
