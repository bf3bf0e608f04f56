"""Deny by default: every record operation needs a valid personal token; reference data needs none."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ehelsenord.accounts.models import ApiToken
from ehelsenord.accounts.services import api_token_revoke
from ehelsenord.api.tests.conftest import get

pytestmark = pytest.mark.django_db

RECORD_URL = "/api/v1/records/1804/kjernejournal"
UNAUTHORIZED = {
    "detail": [{"field": None, "message": "Send en gyldig API-nøkkel i headeren Authorization: Bearer <nøkkel>."}]
}


def test_anonymous_call_to_a_protected_endpoint_is_401_json_not_a_login_redirect() -> None:
    response = Client().get("/api/v1/records")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["WWW-Authenticate"] == 'Bearer realm="eHelse Nord API"'
    assert response.json() == UNAUTHORIZED


def test_anonymous_patch_is_401_and_changes_nothing() -> None:
    response = Client().patch(RECORD_URL, data='{"phase": "planlagt"}', content_type="application/json")

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


@pytest.mark.parametrize("url", ["/api/v1/municipalities", "/api/v1/municipalities/1804", "/api/v1/solutions"])
def test_anonymous_call_to_a_public_endpoint_is_200(url: str) -> None:
    response = Client().get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_wrong_token_is_401(bodo_contact: Any, token_for: Any) -> None:
    token_for(bodo_contact)

    response = get(RECORD_URL, "ehn_dette-er-ikke-en-ekte-nokkel")

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_token_in_another_scheme_is_401(bodo_contact: Any, token_for: Any) -> None:
    raw = token_for(bodo_contact)

    response = Client().get(RECORD_URL, headers={"Authorization": f"Token {raw}"})

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_revoked_token_is_401(bodo_contact: Any, token_for: Any) -> None:
    raw = token_for(bodo_contact)
    assert get(RECORD_URL, raw).status_code == 200
    api_token_revoke(user=bodo_contact, token=ApiToken.objects.get(user=bodo_contact))

    response = get(RECORD_URL, raw)

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_token_of_a_deactivated_user_is_401(bodo_contact: Any, token_for: Any) -> None:
    raw = token_for(bodo_contact)
    bodo_contact.is_active = False
    bodo_contact.save(update_fields=["is_active"])

    response = get(RECORD_URL, raw)

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_logged_in_session_without_token_is_401(coordinator: Any) -> None:
    # The API authenticates programs by token only; a browser session does not count.
    client = Client()
    client.force_login(coordinator)

    response = client.get(RECORD_URL)

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_valid_token_is_200_and_marks_the_token_used(reader: Any, token_for: Any) -> None:
    raw = token_for(reader)

    response = get(RECORD_URL, raw)

    assert response.status_code == 200
    assert response.json()["municipality"] == "1804"
    assert ApiToken.objects.get(user=reader).last_used_at is not None
