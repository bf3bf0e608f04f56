"""The Django admin site: for network administrators only, in Norwegian (see adminconfig.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache


class EhelseNordAdminSite(admin.AdminSite):
    site_header = gettext_lazy("eHelse Nord – administration")
    site_title = gettext_lazy("eHelse Nord – administration")
    index_title = gettext_lazy("Administration")
    site_url = "/"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_authenticated and user.is_active and getattr(user, "is_network_admin", False))

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """No second login form: anonymous visitors use the site's own (rate-limited) login,
        logged-in users without the role get a clear refusal instead of a login form."""
        if self.has_permission(request):
            return super().login(request, extra_context)
        if request.user.is_authenticated:
            from ehelsenord.accounts.views import forbidden

            return forbidden(request, _("Only network administrators have access to the administration."))
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url)

    def password_change(  # type: ignore[override]  # a redirect, not the admin's own form page
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # One place to change a password: the site's own page, which writes the audit entry.
        return redirect("accounts:password_change")
