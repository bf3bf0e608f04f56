"""The profile page: facts, editing name and title, API tokens (shown once, listed, revoked)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from ehelsenord.accounts.models import ApiToken
from ehelsenord.accounts.services import api_token_authenticate, api_token_create
from ehelsenord.core.models import AuditEntry

# WhiteNoise warns when collectstatic has not run (a fresh clone); these pages do not need it.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

URL = "/konto/"


def test_profile_anonymous_redirected(client: Client, db: Any) -> None:
    for method, url in (
        ("get", URL),
        ("post", URL),
        ("post", "/konto/api-nokler/"),
        ("post", "/konto/api-nokler/1/trekk-tilbake/"),
    ):
        response = getattr(client, method)(url)
        assert (response.status_code, response["Location"]) == (302, f"/konto/logg-inn/?next={url}")


def test_profile_shows_own_facts(client: Client, bodo_contact: Any, rost: Any) -> None:
    bodo_contact.municipalities.add(rost)
    client.force_login(bodo_contact)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<dt>Rolle</dt><dd>Kommunekontakt</dd>" in html
    assert "<dt>Kommuner</dt><dd>Bodø, Røst</dd>" in html
    assert f"<dt>E-post</dt><dd>{bodo_contact.email}</dd>" in html
    assert 'href="/konto/passord/"' in html
    assert "Du har ingen aktive API-nøkler." in html
    assert 'href="/konto/invitasjoner/"' not in html


def test_profile_admin_sees_invitation_link(client: Client, network_admin: Any) -> None:
    client.force_login(network_admin)
    html = client.get(URL).content.decode()
    assert '<a class="ds-link" href="/konto/invitasjoner/">Inviter nye brukere</a>' in html
    assert "<dt>Kommuner</dt>" not in html


def test_profile_edit_name_and_title(client: Client, reader: Any) -> None:
    client.force_login(reader)
    response = client.post(URL, {"full_name": "Lise Leser-Hansen", "title": "Rådgiver e-helse"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Profilen din er lagret." in response.content.decode()
    reader.refresh_from_db()
    assert (reader.full_name, reader.title) == ("Lise Leser-Hansen", "Rådgiver e-helse")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.changes) == (
        "user.profile_changed",
        reader,
        {"full_name": ["Lise Leser", "Lise Leser-Hansen"], "title": ["", "Rådgiver e-helse"]},
    )


def test_profile_edit_empty_name_refused(client: Client, reader: Any) -> None:
    client.force_login(reader)
    response = client.post(URL, {"full_name": "", "title": ""})
    assert response.status_code == 400
    assert response.context["profile_form"].errors == {"full_name": ["Feltet er påkrevet."]}
    reader.refresh_from_db()
    assert reader.full_name == "Lise Leser"
    assert AuditEntry.objects.count() == 0


def test_profile_edit_cannot_change_role_or_email(client: Client, reader: Any) -> None:
    client.force_login(reader)
    client.post(URL, {"full_name": "Lise Leser", "title": "", "role": "network_admin", "email": "ny@example.no"})
    reader.refresh_from_db()
    assert (reader.role, reader.email, reader.is_staff) == ("reader", reader.email, False)


def test_api_token_created_shown_once(client: Client, reader: Any) -> None:
    client.force_login(reader)
    response = client.post("/konto/api-nokler/", {"name": "Power BI"}, follow=True)
    assert response.redirect_chain == [("/konto/#tokens-heading", 302)]
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    found = re.search(r'<code class="api-token" id="new-token">(ehn_[\w-]+)</code>', html)
    assert found is not None
    raw = found.group(1)
    assert api_token_authenticate(raw) == reader
    token = ApiToken.objects.get()
    assert (token.name, token.prefix) == ("Power BI", raw[:12])
    assert raw not in str(client.session.items())

    later = client.get(URL)
    assert raw not in later.content.decode()
    assert "no-store" not in later.get("Cache-Control", "")
    assert f"<code>{raw[:12]}…</code>" in later.content.decode()
    assert "<td>Power BI</td>" in later.content.decode()


def test_api_token_without_name_refused(client: Client, reader: Any) -> None:
    client.force_login(reader)
    response = client.post("/konto/api-nokler/", {"name": ""})
    assert response.status_code == 400
    assert response.context["token_form"].errors == {"name": ["Feltet er påkrevet."]}
    assert ApiToken.objects.count() == 0


def test_api_token_revoked_by_owner(client: Client, reader: Any) -> None:
    token, raw = api_token_create(user=reader, name="Skript")
    client.force_login(reader)
    response = client.post(f"/konto/api-nokler/{token.pk}/trekk-tilbake/", follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "API-nøkkelen «Skript» er trukket tilbake og virker ikke lenger." in response.content.decode()
    assert api_token_authenticate(raw) is None
    assert list(response.context["tokens"]) == []


def test_api_token_of_bodo_contact_invisible_to_rost_contact(
    client: Client, bodo_contact: Any, rost_contact: Any
) -> None:
    token, raw = api_token_create(user=bodo_contact, name="Bodø-rapport")
    client.force_login(rost_contact)
    assert "Bodø-rapport" not in client.get(URL).content.decode()
    response = client.post(f"/konto/api-nokler/{token.pk}/trekk-tilbake/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_token_authenticate(raw) == bodo_contact


def test_api_token_revoke_needs_post(client: Client, reader: Any) -> None:
    token, _raw = api_token_create(user=reader, name="Skript")
    client.force_login(reader)
    assert client.get(f"/konto/api-nokler/{token.pk}/trekk-tilbake/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_profile_query_count_constant(client: Client, reader: Any, django_assert_num_queries: Any) -> None:
    client.force_login(reader)
    api_token_create(user=reader, name="Nøkkel 0")
    client.get(URL)
    with django_assert_num_queries(6):
        client.get(URL)
    for n in range(1, 30):
        api_token_create(user=reader, name=f"Nøkkel {n}")
    with django_assert_num_queries(6):
        response = client.get(URL)
    assert len(response.context["tokens"]) == 30
