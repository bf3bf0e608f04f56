"""Users, invitations and API tokens in the admin. Every change goes through accounts.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ehelsenord.accounts.models import ApiToken, Invitation, User
from ehelsenord.accounts.selectors import InvitationState, invitation_state
from ehelsenord.accounts.services import (
    api_token_revoke,
    profile_update,
    user_change_errors,
    user_set_active,
    user_set_role,
)
from ehelsenord.core.admin import BaseAdmin, ReadOnlyAdmin
from ehelsenord.core.text import norwegian_key
from ehelsenord.municipalities.models import Municipality


class UserAdminForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "title", "role", "municipalities", "is_active"]

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        if "municipalities" in self.fields:
            field = self.fields["municipalities"]
            field.queryset = Municipality.objects.filter(county__in_region=True).order_by("name")  # type: ignore[attr-defined]
            field.help_text = _("Only for municipality contacts: the municipalities the person speaks for.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        # self.instance still holds the stored values here: construct_instance runs after clean().
        errors = user_change_errors(
            actor=self.actor,
            user=self.instance,
            role=cleaned["role"],
            municipalities=list(cleaned.get("municipalities") or []),
            is_active=cleaned["is_active"],
        )
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(User)
class UserAdmin(BaseAdmin):
    form = UserAdminForm
    list_display = ["full_name", "email", "role", "municipality_names", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["full_name", "email", "title"]
    filter_horizontal = ["municipalities"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "title"]}),
        (_("Role and access"), {"fields": ["role", "municipalities", "is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["date_joined", "last_login"]}),
    ]
    readonly_fields = ["email", "is_staff", "is_superuser", "date_joined", "last_login"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        actor = request.user

        class FormWithActor(form_class):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, actor=actor, **inner)

        return FormWithActor

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("municipalities")

    @admin.display(description=_("Municipalities"))
    def municipality_names(self, user: User) -> str:
        return ", ".join(sorted((m.name for m in user.municipalities.all()), key=norwegian_key)) or "–"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Accounts are created by accepting an invitation (/konto/invitasjoner/).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deactivate instead: the audit log and record history keep pointing at the person.
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # obj already carries the form's values; the services need the stored user to compare.
        actor = request.user
        assert isinstance(actor, User)
        stored = User.objects.get(pk=obj.pk)
        data = form.cleaned_data
        profile_update(actor=actor, user=stored, full_name=data["full_name"], title=data["title"])
        user_set_role(actor=actor, user=stored, role=data["role"], municipalities=list(data["municipalities"]))
        user_set_active(actor=actor, user=stored, is_active=data["is_active"])

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The municipalities were saved by user_set_role in save_model.
        return None


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "email", "role", "invited_by", "created_at", "expires_at", "state"]
    list_filter = ["role"]
    search_fields = ["full_name", "email"]
    list_select_related = ["invited_by"]
    fields = readonly_fields = (
        "full_name",
        "email",
        "role",
        "municipalities",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_user",
    )

    @admin.display(description=_("Status"))
    def state(self, invitation: Invitation) -> str:
        labels = {
            InvitationState.PENDING: _("Waiting for an answer"),
            InvitationState.EXPIRED: _("Expired"),
            InvitationState.ACCEPTED: _("Accepted"),
        }
        return str(labels[invitation_state(invitation)])


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__email", "user__full_name", "prefix"]
    list_select_related = ["user"]
    fields = readonly_fields = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected API tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        actor = request.user
        assert isinstance(actor, User)
        tokens = [token for token in queryset if token.revoked_at is None]
        for token in tokens:
            api_token_revoke(user=actor, token=token)
        self.message_user(
            request,
            ngettext("%(count)d API token is revoked.", "%(count)d API tokens are revoked.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )
