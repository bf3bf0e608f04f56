"""The invitation pages: sending (network administrators only), the e-mail over real SMTP, accepting."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.models import Invitation, User
from ehelsenord.accounts.services import invitation_create
from ehelsenord.core.models import AuditEntry

# WhiteNoise warns when collectstatic has not run (a fresh clone); these pages do not need it.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

URL = "/konto/invitasjoner/"
NEW_PASSWORD = "fjelltopp-nordlys-2026"


def _link(message: Any) -> str:
    body = message.get_content()
    found = re.search(r"https?://\S+/konto/invitasjon/[\w-]+/", body)
    assert found is not None, body
    return found.group(0)


def _send(client: Client, captured: Any, **data: Any) -> Any:
    with captured(execute=True):
        return client.post(URL, data)


# --- Access -------------------------------------------------------------------------------------------


def test_invitations_anonymous_redirected_to_login(client: Client, db: Any) -> None:
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, "/konto/logg-inn/?next=/konto/invitasjoner/")


def test_invitations_refused_for_other_roles(client: Client, coordinator: Any, bodo_contact: Any, reader: Any) -> None:
    for user in (coordinator, bodo_contact, reader):
        client.force_login(user)
        for response in (
            client.get(URL),
            client.post(URL, {"email": "x@example.no", "full_name": "X", "role": "reader"}),
        ):
            assert response.status_code == 403
            assert "Bare nettverksadministratorer kan invitere nye brukere." in response.content.decode()
    assert Invitation.objects.count() == 0


def test_invitations_page_for_network_admin(client: Client, network_admin: Any) -> None:
    client.force_login(network_admin)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="ds-heading" data-size="lg">Invitasjoner</h1>' in html
    assert "Ingen invitasjoner venter på svar." in html
    assert '<option value="municipality_contact">Kommunekontakt</option>' in html
    assert '<legend class="ds-label">Kommuner</legend>' in html
    # The region's municipalities in Norwegian order (æ, ø, å after z).
    choices = [label for _value, label in response.context["form"].fields["municipalities"].choices]
    assert len(choices) == 80
    assert choices[-1] == "Øksnes"
    assert choices.index("Bodø") < choices.index("Røst") < choices.index("Vadsø")


# --- Sending ------------------------------------------------------------------------------------------------


def test_invitation_sent_over_smtp_and_accepted(
    client: Client,
    network_admin: Any,
    rost: Any,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.SITE_URL = "http://testserver"
    client.force_login(network_admin)
    response = _send(
        client,
        django_capture_on_commit_callbacks,
        full_name="Randi Røst",
        email="randi@rost.kommune.example",
        role=Role.MUNICIPALITY_CONTACT,
        municipalities=["1856"],
    )
    assert (response.status_code, response["Location"]) == (302, URL)

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "randi@rost.kommune.example"
    assert message["Subject"] == "Invitasjon til eHelse Nord"
    body = message.get_content()
    assert "Hei, Randi Røst!" in body
    assert "Nina Nettverk inviterer deg til eHelse Nord" in body
    assert "som Kommunekontakt for Røst." in body
    link = _link(message)
    assert link.startswith("http://testserver/konto/invitasjon/")

    listing = client.get(URL).content.decode()
    assert "Invitasjonen er sendt til randi@rost.kommune.example. Lenken virker i 14 dager." in listing
    assert "<td>randi@rost.kommune.example</td>" in listing

    # The invitee opens the link in another browser.
    invitee = Client()
    page = invitee.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Velkommen, Randi Røst! Du er invitert til eHelse Nord som <strong>Kommunekontakt</strong>." in html
    assert "Du skal representere Røst." in html

    done = invitee.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    assert done.redirect_chain[0] == ("/", 302)
    user = User.objects.get(email="randi@rost.kommune.example")
    assert invitee.session["_auth_user_id"] == str(user.pk)
    assert (user.role, [m.number for m in user.municipalities.all()]) == ("municipality_contact", ["1856"])
    assert "Velkommen til eHelse Nord, Randi Røst!" in done.content.decode()

    # The same link again: used, status 410, nothing changes.
    again = Client().post(link, {"password1": "et-helt-annet-passord", "password2": "et-helt-annet-passord"})
    assert again.status_code == 410
    assert "Denne invitasjonen er allerede brukt: kontoen er opprettet." in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    accepted = client.get(URL)
    assert [row.invitation.email for row in accepted.context["overview"].accepted] == ["randi@rost.kommune.example"]
    assert accepted.context["overview"].pending == []


def test_invitation_contact_without_municipality_refused(
    client: Client, network_admin: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(network_admin)
    response = _send(
        client,
        django_capture_on_commit_callbacks,
        full_name="Uten Kommune",
        email="uten@example.no",
        role=Role.MUNICIPALITY_CONTACT,
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"municipalities": ["Velg minst én kommune for en kommunekontakt."]}
    assert Invitation.objects.count() == 0
    assert smtp_server.messages == []


def test_invitation_other_role_with_municipality_refused(
    client: Client, network_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(network_admin)
    response = _send(
        client,
        django_capture_on_commit_callbacks,
        full_name="Kari Koordinator",
        email="kari@example.no",
        role=Role.IMPLEMENTATION_LEAD,
        municipalities=["1804"],
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "municipalities": ["Bare kommunekontakter knyttes til kommuner. Fjern kommunene."]
    }
    assert Invitation.objects.count() == 0


def test_invitation_existing_account_refused(
    client: Client, network_admin: Any, bodo_contact: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(network_admin)
    response = _send(
        client, django_capture_on_commit_callbacks, full_name="Berit", email=bodo_contact.email, role=Role.READER
    )
    assert response.status_code == 400
    assert f"{bodo_contact.email} har allerede en konto." in response.content.decode()
    assert Invitation.objects.count() == 0
    assert smtp_server.messages == []


def test_invitation_list_query_count_constant(
    client: Client,
    network_admin: Any,
    bodo: Any,
    rost: Any,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(network_admin)

    def invite(n: int) -> None:
        with django_capture_on_commit_callbacks(execute=False):
            invitation_create(
                invited_by=network_admin,
                email=f"person{n}@example.no",
                full_name=f"Person {n}",
                role=Role.MUNICIPALITY_CONTACT,
                municipalities=[bodo, rost],
            )

    invite(0)
    client.get(URL)  # warm the session
    with django_assert_num_queries(7) as one:
        client.get(URL)
    for n in range(1, 25):
        invite(n)
    with django_assert_num_queries(7) as many:
        response = client.get(URL)
    assert len(one.captured_queries) == len(many.captured_queries)
    assert len(response.context["overview"].pending) == 25


# --- The link -----------------------------------------------------------------------------------------------


def test_invitation_link_unknown_is_404(client: Client, db: Any) -> None:
    response = client.get("/konto/invitasjon/finnes-ikke/")
    assert response.status_code == 404
    assert "Vi finner ikke denne invitasjonen." in response.content.decode()


def test_invitation_link_expired_is_410_and_changes_nothing(
    client: Client, network_admin: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(invited_by=network_admin, email="sen@example.no", full_name="Sen Person", role=Role.READER)
    link = re.search(r"/konto/invitasjon/[\w-]+/", mailoutbox[0].body)
    assert link is not None
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        page = client.get(link.group(0))
        post = client.post(link.group(0), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    for response in (page, post):
        assert response.status_code == 410
        assert "Denne invitasjonen har utløpt." in response.content.decode()
    assert not User.objects.filter(email="sen@example.no").exists()
    assert AuditEntry.objects.filter(action="invitation.accepted").count() == 0


def test_invitation_weak_password_norwegian_errors(
    client: Client, network_admin: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            invited_by=network_admin, email="kari.nordmann@example.no", full_name="Kari Nordmann", role=Role.READER
        )
    link = re.search(r"/konto/invitasjon/[\w-]+/", mailoutbox[0].body)
    assert link is not None
    short = client.post(link.group(0), {"password1": "kort", "password2": "kort"})
    assert short.status_code == 400
    assert short.context["form"].errors == {"password2": ["Passordet er for kort. Det må være minst 12 tegn."]}
    similar = client.post(link.group(0), {"password1": "kari.nordmann", "password2": "kari.nordmann"})
    assert similar.context["form"].errors == {"password2": ["Passordet er for likt e-post."]}
    mismatch = client.post(link.group(0), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert mismatch.context["form"].errors == {"password2": ["De to passordene er ikke like."]}
    assert not User.objects.filter(email="kari.nordmann@example.no").exists()
