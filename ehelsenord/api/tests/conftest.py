"""Fixtures for the API tests: personal tokens made the way the profile page makes them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from ehelsenord.accounts.models import User
from ehelsenord.accounts.services import api_token_create


@pytest.fixture
def token_for(db: Any) -> Callable[[User], str]:
    """A new personal API token (the secret) for the user."""

    def make(user: User) -> str:
        _token, raw = api_token_create(user=user, name="Rapportskript")
        return raw

    return make


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def get(url: str, token: str | None = None) -> Any:
    return Client().get(url, headers=bearer(token) if token else {})


def patch(url: str, token: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return Client().patch(url, data=data, content_type="application/json", headers=bearer(token))
