"""Password reset by e-mail (over real SMTP) and changing the password while logged in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from ehelsenord.accounts.tests.factories import TEST_PASSWORD
from ehelsenord.core.models import AuditEntry

# WhiteNoise warns when collectstatic has not run (a fresh clone); these pages do not need it.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

NEW_PASSWORD = "midnattsol-over-lofoten"


def test_password_reset_mail_over_smtp_and_link_sets_new_password(
    client: Client, bodo_contact: Any, smtp_server: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://ehelsenord.example.no"
    page = client.get("/konto/passord/glemt/")
    assert page.status_code == 200
    assert '<h1 class="ds-heading" data-size="lg">Glemt passordet?</h1>' in page.content.decode()

    response = client.post("/konto/passord/glemt/", {"email": bodo_contact.email.upper()}, follow=True)
    assert response.redirect_chain == [("/konto/passord/glemt/sendt/", 302)]
    assert "Sjekk e-posten din" in response.content.decode()

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == bodo_contact.email
    assert message["Subject"] == "Nytt passord til eHelse Nord"
    body = message.get_content()
    assert "Hei, Berit Bodø!" in body
    assert "Lenken virker én gang, i 24 timer." in body
    found = re.search(r"https://ehelsenord\.example\.no(/konto/passord/nytt/[\w-]+/[\w-]+/)", body)
    assert found is not None, body

    form_page = client.get(found.group(1), follow=True)
    assert form_page.status_code == 200
    assert form_page.redirect_chain[0][0].endswith("/set-password/")
    assert '<h1 class="ds-heading" data-size="lg">Velg nytt passord</h1>' in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[0][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain == [("/konto/passord/nytt/ferdig/", 302)]
    assert "Passordet ditt er endret" in done.content.decode()
    bodo_contact.refresh_from_db()
    assert bodo_contact.check_password(NEW_PASSWORD)
    assert list(AuditEntry.objects.values_list("action", "actor")) == [("user.password_reset", bodo_contact.pk)]

    # The link works once.
    again = client.get(found.group(1))
    assert again.status_code == 200
    assert "Lenken virker ikke" in again.content.decode()


def test_password_reset_unknown_address_sends_nothing_and_says_the_same(
    client: Client, db: Any, smtp_server: Any
) -> None:
    response = client.post("/konto/passord/glemt/", {"email": "ukjent@example.no"}, follow=True)
    assert response.redirect_chain == [("/konto/passord/glemt/sendt/", 302)]
    assert smtp_server.messages == []


def test_password_reset_confirm_bad_link(client: Client, db: Any) -> None:
    response = client.get("/konto/passord/nytt/MQ/ugyldig-token/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lenken for å velge nytt passord er brukt, for gammel eller ufullstendig." in html


def test_password_change_requires_login(client: Client, db: Any) -> None:
    response = client.get("/konto/passord/")
    assert (response.status_code, response["Location"]) == (302, "/konto/logg-inn/?next=/konto/passord/")


def test_password_change_keeps_session_and_audits(client: Client, reader: Any) -> None:
    client.force_login(reader)
    wrong = client.post(
        "/konto/passord/",
        {"old_password": "feil", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors == {"old_password": ["Det nåværende passordet ditt er feil. Prøv igjen."]}

    response = client.post(
        "/konto/passord/",
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [("/konto/", 302)]
    assert "Passordet ditt er endret." in response.content.decode()
    assert response.context["user"] == reader
    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD)
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["user.password_changed"]


def test_password_reset_sends_at_most_three_mails_an_hour_per_address(
    client: Client, bodo_contact: Any, smtp_server: Any
) -> None:
    for _ in range(5):
        response = client.post("/konto/passord/glemt/", {"email": bodo_contact.email})
        assert (response.status_code, response["Location"]) == (302, "/konto/passord/glemt/sendt/")
    assert [message["To"] for message in smtp_server.messages] == [bodo_contact.email] * 3
