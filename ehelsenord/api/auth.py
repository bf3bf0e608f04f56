"""Bearer-token authentication for the API: personal tokens from the profile page."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from ehelsenord.accounts.models import User
from ehelsenord.accounts.services import api_token_authenticate


class ApiRequest(HttpRequest):
    """A request to an operation behind ApiTokenAuth: request.auth is the token's active user."""

    auth: User


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; unknown, revoked and deactivated users' tokens are refused."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return api_token_authenticate(token)
