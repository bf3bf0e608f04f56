"""The Django admin: network administrators only, changes through the services, every change audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.models import ApiToken
from ehelsenord.accounts.services import api_token_authenticate, api_token_create
from ehelsenord.core.models import AuditEntry
from ehelsenord.solutions.models import PhaseTemplate, Solution

# WhiteNoise warns when collectstatic has not run (a fresh clone); these pages do not need it.
pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

CHANGELISTS = [
    "/admin/accounts/user/",
    "/admin/accounts/invitation/",
    "/admin/accounts/apitoken/",
    "/admin/municipalities/county/",
    "/admin/municipalities/municipality/",
    "/admin/solutions/solution/",
    "/admin/solutions/phasetemplate/",
    "/admin/solutions/phase/",
    "/admin/rollout/implementation/",
    "/admin/rollout/implementationchange/",
    "/admin/core/auditentry/",
    "/admin/demo/demodataset/",
]


def test_admin_anonymous_redirected_to_site_login(client: Client, db: Any) -> None:
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1] == ("/konto/logg-inn/?next=/admin/", 302)
    assert '<h1 class="ds-heading" data-size="lg">Logg inn</h1>' in response.content.decode()


def test_admin_refused_for_coordinator_contact_and_reader(
    client: Client, coordinator: Any, bodo_contact: Any, reader: Any
) -> None:
    for user in (coordinator, bodo_contact, reader):
        client.force_login(user)
        response = client.get("/admin/", follow=True)
        assert response.status_code == 403
        assert "Bare nettverksadministratorer har tilgang til administrasjonen." in response.content.decode()
        assert client.get("/admin/accounts/user/", follow=True).status_code == 403


def test_admin_refuses_deactivated_network_admin(client: Client, network_admin: Any) -> None:
    client.force_login(network_admin)
    network_admin.is_active = False
    network_admin.save()
    response = client.get("/admin/")
    assert response.status_code == 302


def test_admin_index_norwegian_for_network_admin(client: Client, network_admin: Any) -> None:
    client.force_login(network_admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Administrasjon | eHelse Nord – administrasjon</title>" in html
    assert "eHelse Nord – administrasjon" in html
    assert "/admin/auth/group/" not in html


@pytest.mark.parametrize("url", CHANGELISTS)
def test_admin_changelists_open_for_network_admin(client: Client, network_admin: Any, url: str) -> None:
    client.force_login(network_admin)
    assert client.get(url).status_code == 200


def test_admin_read_only_models_cannot_be_added(client: Client, network_admin: Any) -> None:
    client.force_login(network_admin)
    for url in ("/admin/accounts/user/add/", "/admin/accounts/invitation/add/", "/admin/rollout/implementation/add/"):
        assert client.get(url).status_code == 403
    assert client.get("/admin/core/auditentry/add/").status_code == 403


def _user_form(user: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "full_name": user.full_name,
        "title": user.title,
        "role": user.role,
        "municipalities": [m.number for m in user.municipalities.all()],
        "is_active": "on" if user.is_active else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_admin_user_role_change_goes_through_service_and_is_audited(
    client: Client, network_admin: Any, reader: Any
) -> None:
    client.force_login(network_admin)
    response = client.post(
        f"/admin/accounts/user/{reader.pk}/change/",
        _user_form(reader, role=Role.MUNICIPALITY_CONTACT, municipalities=["1856"], title="Rådgiver"),
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert (reader.role, reader.title, [m.number for m in reader.municipalities.all()]) == (
        "municipality_contact",
        "Rådgiver",
        ["1856"],
    )
    entries = {entry.action: entry for entry in AuditEntry.objects.filter(actor=network_admin)}
    assert set(entries) == {"user.role_changed", "user.profile_changed"}
    assert entries["user.role_changed"].changes == {
        "municipalities": [[], ["Røst"]],
        "role": ["reader", "municipality_contact"],
    }


def test_admin_user_promoted_to_network_admin_gets_admin_access(
    client: Client, network_admin: Any, coordinator: Any
) -> None:
    client.force_login(network_admin)
    client.post(f"/admin/accounts/user/{coordinator.pk}/change/", _user_form(coordinator, role=Role.NETWORK_ADMIN))
    coordinator.refresh_from_db()
    assert (coordinator.is_staff, coordinator.is_superuser) == (True, True)
    other = Client()
    other.force_login(coordinator)
    assert other.get("/admin/").status_code == 200


def test_admin_user_rule_errors_shown_and_nothing_changes(client: Client, network_admin: Any, reader: Any) -> None:
    client.force_login(network_admin)
    response = client.post(
        f"/admin/accounts/user/{reader.pk}/change/", _user_form(reader, role=Role.MUNICIPALITY_CONTACT)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "municipalities": ["Velg minst én kommune for en kommunekontakt."]
    }
    own = client.post(f"/admin/accounts/user/{network_admin.pk}/change/", _user_form(network_admin, role=Role.READER))
    assert own.context["adminform"].form.errors == {"role": ["Det må være minst én aktiv nettverksadministrator."]}
    reader.refresh_from_db()
    network_admin.refresh_from_db()
    assert (reader.role, network_admin.role) == ("reader", "network_admin")
    assert AuditEntry.objects.count() == 0


def test_admin_user_deactivation_audited(client: Client, network_admin: Any, bodo_contact: Any) -> None:
    client.force_login(network_admin)
    client.post(f"/admin/accounts/user/{bodo_contact.pk}/change/", _user_form(bodo_contact, is_active=""))
    bodo_contact.refresh_from_db()
    assert bodo_contact.is_active is False
    assert AuditEntry.objects.get().changes == {"is_active": [True, False]}


def test_admin_catalogue_is_read_only(client: Client, network_admin: Any) -> None:
    # The catalogue's source of truth is catalogue.json (loaded by load_reference_data), not the admin.
    client.force_login(network_admin)
    solution = Solution.objects.get(slug="pasientens-legemiddelliste")
    page = client.get(f"/admin/solutions/solution/{solution.pk}/change/")
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    response = client.post(f"/admin/solutions/solution/{solution.pk}/change/", {"short_name": "Ny kortform"})
    assert response.status_code == 403
    solution.refresh_from_db()
    assert solution.short_name == "PLL"
    assert AuditEntry.objects.count() == 0


def test_admin_token_revoke_action(client: Client, network_admin: Any, bodo_contact: Any) -> None:
    token, raw = api_token_create(user=bodo_contact, name="Bodø-rapport")
    client.force_login(network_admin)
    response = client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [str(token.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 API-nøkkel er trukket tilbake." in response.content.decode()
    assert api_token_authenticate(raw) is None
    entry = AuditEntry.objects.get(action="api_token.revoked")
    assert entry.actor == network_admin
    assert ApiToken.objects.get().revoked_at is not None


def test_admin_token_hash_never_shown(client: Client, network_admin: Any, reader: Any) -> None:
    token, _raw = api_token_create(user=reader, name="Skript")
    client.force_login(network_admin)
    html = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert token.token_hash not in html
    assert token.prefix in html


def test_admin_phase_templates_cannot_be_added(client: Client, network_admin: Any) -> None:
    client.force_login(network_admin)
    response = client.post("/admin/solutions/phasetemplate/add/", {"slug": "kort-mal", "name": "Kort mal"})
    assert response.status_code == 403
    assert not PhaseTemplate.objects.filter(slug="kort-mal").exists()
    assert AuditEntry.objects.count() == 0
