"""Logging in and out, and the lock-out after repeated failures (django-axes)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ehelsenord.accounts.tests.factories import TEST_PASSWORD

# WhiteNoise warns when collectstatic has not run (a fresh clone); these pages do not need it.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

LOGIN_URL = "/konto/logg-inn/"


def _login(client: Client, email: str, password: str) -> Any:
    return client.post(LOGIN_URL, {"username": email, "password": password})


def test_login_page_public_and_norwegian(client: Client, db: Any) -> None:
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="ds-heading" data-size="lg">Logg inn</h1>' in html
    assert '<label class="ds-label" for="id_username">E-post</label>' in html
    assert '<label class="ds-label" for="id_password">Passord</label>' in html
    assert 'href="/konto/passord/glemt/"' in html


def test_login_right_password_logs_in_and_redirects(client: Client, reader: Any) -> None:
    response = client.post(
        LOGIN_URL + "?next=/konto/", {"username": reader.email, "password": TEST_PASSWORD, "next": "/konto/"}
    )
    assert (response.status_code, response["Location"]) == (302, "/konto/")
    assert client.get("/konto/").context["user"] == reader


def test_login_wrong_password_norwegian_error(client: Client, reader: Any) -> None:
    response = _login(client, reader.email, "feil-passord")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Feil e-postadresse eller passord. Sjekk begge og prøv igjen."
    ]
    assert "Feil e-postadresse eller passord. Sjekk begge og prøv igjen." in response.content.decode()


def test_login_deactivated_account_refused(client: Client, make_user: Any) -> None:
    user = make_user(is_active=False)
    response = _login(client, user.email, TEST_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_session(client: Client, reader: Any) -> None:
    client.force_login(reader)
    assert client.get("/konto/logg-ut/").status_code == 405
    response = client.post("/konto/logg-ut/", follow=True)
    assert response.redirect_chain == [("/konto/logg-inn/", 302)]
    assert "_auth_user_id" not in client.session
    assert "Du er logget ut." in response.content.decode()


def test_pages_deny_anonymous_by_default(client: Client, db: Any) -> None:
    for url in ("/konto/", "/konto/passord/", "/konto/invitasjoner/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"/konto/logg-inn/?next={url}")


def test_login_locked_after_five_failures_even_with_right_password(client: Client, reader: Any) -> None:
    for _attempt in range(4):
        response = _login(client, reader.email, "feil-passord")
        assert response.status_code == 200
        assert "Feil e-postadresse eller passord." in response.content.decode()
    fifth = _login(client, reader.email, "feil-passord")
    sixth = _login(client, reader.email, "feil-passord")
    right = _login(client, reader.email, TEST_PASSWORD)
    for response in (fifth, sixth, right):
        assert response.status_code == 429
        html = response.content.decode()
        assert '<h1 class="ds-heading" data-size="lg">For mange forsøk</h1>' in html
        assert "Innloggingen har mislyktes for mange ganger. Vent 15 minutter og prøv igjen" in html
    assert "_auth_user_id" not in client.session


def test_login_lockout_is_per_account(client: Client, reader: Any, coordinator: Any) -> None:
    for _attempt in range(6):
        _login(client, reader.email, "feil-passord")
    response = _login(client, coordinator.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_only_the_intended_account_pages_are_public() -> None:
    from django.urls import URLPattern

    from ehelsenord.accounts.urls import urlpatterns

    public = sorted(
        str(pattern.name)
        for pattern in urlpatterns
        if isinstance(pattern, URLPattern) and not getattr(pattern.callback, "login_required", True)
    )
    assert public == [
        "invitation_accept",
        "login",
        "password_reset",
        "password_reset_complete",
        "password_reset_confirm",
        "password_reset_done",
    ]


def test_login_email_is_case_insensitive(client: Client, bodo_contact: Any) -> None:
    # Phones capitalise the first letter of what is typed.
    response = client.post("/konto/logg-inn/", {"username": bodo_contact.email.capitalize(), "password": TEST_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/min-kommune/")


def test_login_takes_a_municipality_contact_to_min_kommune(client: Client, bodo_contact: Any, coordinator: Any) -> None:
    response = client.post("/konto/logg-inn/", {"username": bodo_contact.email, "password": TEST_PASSWORD})
    assert response["Location"] == "/min-kommune/"
    client.logout()
    response = client.post("/konto/logg-inn/", {"username": coordinator.email, "password": TEST_PASSWORD})
    assert response["Location"] == "/"
    client.logout()
    # An explicit destination wins.
    response = client.post(
        "/konto/logg-inn/?next=/status/", {"username": bodo_contact.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/status/"
