"""The API's documentation page: our own server-rendered page, built from the OpenAPI schema."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ehelsenord.api.api import api
from ehelsenord.api.docs import TOKEN_VARIABLE, api_doc
from ehelsenord.core.http import AnyRequest


@login_not_required
def docs(request: AnyRequest) -> HttpResponse:
    return render(
        request,
        "api/docs.html",
        {
            "doc": api_doc(dict(api.get_openapi_schema()), site_url=settings.SITE_URL),
            "base_url": settings.SITE_URL + reverse("api:api-v1:api-root"),
            "openapi_url": reverse("api:api-v1:openapi-json"),
            "token_variable": TOKEN_VARIABLE,
        },
    )


@login_not_required
def root(request: AnyRequest) -> HttpResponse:
    """/api/v1/ itself: a person who types it wants the documentation."""
    return redirect("api:docs")
