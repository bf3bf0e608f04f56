"""Deny by default, also for htmx requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django_htmx.http import HttpResponseClientRedirect


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware; an htmx request whose session has ended gets a full-page
    redirect to the login page, instead of the login page swapped silently into part of a page."""

    def handle_no_permission(  # type: ignore[override]  # htmx gets a 200 with HX-Redirect, not a 302
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponse:
        response = super().handle_no_permission(request, view_func)
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(response["Location"])
        return response
