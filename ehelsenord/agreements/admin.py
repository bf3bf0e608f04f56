"""Agreements in the admin: read-only. Every change goes through the agreement pages and services."""

from __future__ import annotations

from django.contrib import admin

from ehelsenord.agreements.models import AgreementEvent, AgreementRound, IntentAgreement
from ehelsenord.core.admin import ReadOnlyAdmin, ReadOnlyInline


@admin.register(AgreementRound)
class AgreementRoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "period_start", "period_end", "answer_deadline", "created_at"]
    search_fields = ["name"]


class AgreementEventInline(ReadOnlyInline):
    model = AgreementEvent
    fields = ["at", "actor", "action", "from_status", "to_status", "note"]


@admin.register(IntentAgreement)
class IntentAgreementAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "round", "status", "last_activity_at"]
    list_filter = ["status", "round"]
    list_select_related = ["municipality", "round"]
    search_fields = ["municipality__name", "municipality__number"]
    inlines = [AgreementEventInline]
