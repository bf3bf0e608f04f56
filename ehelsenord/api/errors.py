"""One JSON shape for every error the API answers: {"detail": [{"field": ..., "message": ...}]}.

Messages are Norwegian (gettext), also for the type errors pydantic finds before our services run,
so a client sees the same kind of message whichever layer refused its input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from ehelsenord.rollout.enums import TRACKED_FIELDS

# Where ninja puts a request part in an error's location; the body's second part is the
# handler's argument name, which means nothing to a client.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, items: Iterable[tuple[str | None, str]]
) -> HttpResponse:
    detail = [{"field": field, "message": message} for field, message in items]
    return api.create_response(request, {"detail": detail}, status=status)


def _field(loc: Iterable[Any]) -> str | None:
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and parts:
            parts.pop(0)
    names = [str(part) for part in parts]
    return ".".join(names) or None


def _choices(expected: str) -> str:
    # pydantic writes the allowed values as "'a', 'b' or 'c'": keep the values, not its English.
    values = re.findall(r"'([^']*)'", expected)
    return ", ".join(values) if values else expected


def pydantic_message(error: Mapping[str, Any], field: str | None) -> str:
    """A Norwegian message for one pydantic error, chosen by its type."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "missing":
        # Only the body as a whole can be missing: every field and parameter is optional.
        return _("This field is missing.") if field else _("Send a JSON object.")
    if kind == "extra_forbidden":
        return _("Unknown field. Use one of: %(fields)s.") % {"fields": ", ".join(TRACKED_FIELDS)}
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(choices)s.") % {"choices": _choices(str(context.get("expected", "")))}
    if kind.startswith("date"):
        return _("Enter a valid date as YYYY-MM-DD.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind.startswith("string"):
        return _("Enter a text.")
    if kind.startswith("int"):
        return _("Enter a whole number.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Send a JSON object.")
    return _("The value is not valid.")


def _django_items(error: DjangoValidationError) -> list[tuple[str | None, str]]:
    if not hasattr(error, "error_dict"):
        return [(None, message) for message in error.messages]
    messages = error.message_dict
    order = [field for field in TRACKED_FIELDS if field in messages] + sorted(set(messages) - set(TRACKED_FIELDS))
    return [(None if field == "__all__" else field, text) for field in order for text in messages[field]]


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every refusal with the one error shape and a Norwegian message."""

    @api.exception_handler(NinjaValidationError)
    def invalid_params(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        items = []
        for error in exc.errors:
            field = _field(error.get("loc", ()))
            items.append((field, pydantic_message(error, field)))
        return error_response(api, request, 422, items)

    @api.exception_handler(DjangoValidationError)
    def invalid_values(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return error_response(api, request, 422, _django_items(exc))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(api, request, 403, [(None, str(exc) or _("You do not have access to this."))])

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, [(None, str(exc) or _("Not found."))])

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("Send a valid API token in the header Authorization: Bearer <token>.")
        response = error_response(api, request, 401, [(None, message)])
        response["WWW-Authenticate"] = 'Bearer realm="eHelse Nord API"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # ninja's only 400 is a body it could not parse: to a client that is invalid input too.
            return error_response(api, request, 422, [(None, _("The request body is not valid JSON."))])
        return error_response(api, request, exc.status_code, [(None, exc.message)])
