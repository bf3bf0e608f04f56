"""Request typing and small view helpers."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from ehelsenord.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind LoginRequiredMiddleware: the user is a real, logged-in User."""

    user: User
    htmx: HtmxDetails


class AnyRequest(HttpRequest):
    htmx: HtmxDetails


def client_ip(request: HttpRequest) -> str:
    """The visitor's address, for rate limits and the login lockout (AXES_CLIENT_IP_CALLABLE).

    Behind our own proxies (PROXY_COUNT of them, each appending to X-Forwarded-For), the client is
    the PROXY_COUNT-th address from the right: the ones further left are whatever the client sent
    and cannot be trusted. Without proxies, the connection's own address.
    """
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return str(request.META.get("REMOTE_ADDR", ""))
