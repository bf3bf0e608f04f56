"""The accounts services: invitations, roles, profiles and API tokens, with their audit entries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.models import ApiToken, Invitation, User
from ehelsenord.accounts.selectors import InvitationState, invitation_get_by_token, invitation_state, token_hash
from ehelsenord.accounts.services import (
    InvitationUnusable,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    invitation_accept,
    invitation_create,
    profile_update,
    user_set_active,
    user_set_role,
)
from ehelsenord.core.models import AuditEntry
from ehelsenord.municipalities.models import Municipality

NEW_PASSWORD = "fjelltopp-nordlys-2026"


def _raw_token_from(mailoutbox: list[Any]) -> str:
    body = mailoutbox[-1].body
    marker = "/konto/invitasjon/"
    start = body.index(marker) + len(marker)
    return body[start : body.index("/", start)]


def _invite(admin: Any, captured: Any, **overrides: Any) -> Invitation:
    values: dict[str, Any] = {
        "invited_by": admin,
        "email": "ny.person@rost.kommune.example",
        "full_name": "Randi Røst",
        "role": Role.MUNICIPALITY_CONTACT,
        "municipalities": [Municipality.objects.get(number="1856")],
    }
    values.update(overrides)
    with captured(execute=True):
        return invitation_create(**values)


# --- invitation_create --------------------------------------------------------------------------


def test_invitation_create_stores_hash_and_mails_link_after_commit(
    network_admin: Any, rost: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://ehelsenord.example.no"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = invitation_create(
            invited_by=network_admin,
            email="  Randi.Rost@Rost.Kommune.Example ",
            full_name=" Randi   Røst ",
            role=Role.MUNICIPALITY_CONTACT,
            municipalities=[rost],
        )
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()

    assert invitation.email == "randi.rost@rost.kommune.example"
    assert invitation.full_name == "Randi Røst"
    assert [m.number for m in invitation.municipalities.all()] == ["1856"]
    assert invitation.expires_at - invitation.created_at == pytest.approx(timedelta(days=14), abs=timedelta(seconds=5))
    raw = _raw_token_from(mailoutbox)
    assert invitation.token_hash == token_hash(raw)
    assert raw not in invitation.token_hash
    assert mailoutbox[0].to == ["randi.rost@rost.kommune.example"]
    assert f"https://ehelsenord.example.no/konto/invitasjon/{raw}/" in mailoutbox[0].body
    entry = AuditEntry.objects.get(action="invitation.created")
    assert entry.actor == network_admin
    assert entry.object_id == str(invitation.pk)
    assert entry.changes["role"] == [None, "municipality_contact"]
    assert entry.changes["municipalities"] == [None, ["Røst"]]


def test_invitation_create_refuses_non_admins(coordinator: Any, reader: Any) -> None:
    for user in (coordinator, reader):
        with pytest.raises(PermissionDenied) as refused:
            invitation_create(invited_by=user, email="x@example.no", full_name="X", role=Role.READER)
        assert str(refused.value) == "Bare nettverksadministratorer kan invitere nye brukere."
    assert Invitation.objects.count() == 0


def test_invitation_create_refuses_existing_account(network_admin: Any, bodo_contact: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        invitation_create(
            invited_by=network_admin, email=bodo_contact.email.upper(), full_name="Berit", role=Role.READER
        )
    assert refused.value.message_dict == {"email": [f"{bodo_contact.email} har allerede en konto."]}
    assert Invitation.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_invitation_create_requires_municipalities_for_contacts_only(network_admin: Any, bodo: Any) -> None:
    with pytest.raises(ValidationError) as missing:
        invitation_create(invited_by=network_admin, email="a@example.no", full_name="A", role=Role.MUNICIPALITY_CONTACT)
    assert missing.value.message_dict == {"municipalities": ["Velg minst én kommune for en kommunekontakt."]}
    with pytest.raises(ValidationError) as extra:
        invitation_create(
            invited_by=network_admin, email="a@example.no", full_name="A", role=Role.READER, municipalities=[bodo]
        )
    assert extra.value.message_dict == {
        "municipalities": ["Bare kommunekontakter knyttes til kommuner. Fjern kommunene."]
    }
    assert Invitation.objects.count() == 0


def test_invitation_create_refuses_municipalities_outside_the_region(network_admin: Any) -> None:
    oslo = Municipality.objects.get(number="0301")
    with pytest.raises(ValidationError) as refused:
        invitation_create(
            invited_by=network_admin,
            email="a@example.no",
            full_name="A",
            role=Role.MUNICIPALITY_CONTACT,
            municipalities=[oslo],
        )
    assert refused.value.message_dict == {"municipalities": ["Velg bare kommuner i regionen."]}


def test_invitation_create_refuses_bad_email_and_empty_name(network_admin: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        invitation_create(invited_by=network_admin, email="ikke-en-adresse", full_name="  ", role="boss")
    assert refused.value.message_dict == {
        "email": ["Skriv inn en gyldig e-postadresse."],
        "full_name": ["Skriv inn navnet til personen."],
        "role": ["Velg en rolle fra listen."],
    }


# --- invitation_accept ------------------------------------------------------------------------------


def test_invitation_accept_creates_user_with_role_and_municipalities(
    network_admin: Any, rost: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    invitation = _invite(network_admin, django_capture_on_commit_callbacks)
    found = invitation_get_by_token(_raw_token_from(mailoutbox))
    assert found == invitation

    user = invitation_accept(invitation=invitation, password=NEW_PASSWORD)

    assert (user.email, user.full_name, user.role) == (
        "ny.person@rost.kommune.example",
        "Randi Røst",
        "municipality_contact",
    )
    assert [m.number for m in user.municipalities.all()] == ["1856"]
    assert (user.is_staff, user.is_superuser) == (False, False)
    assert user.check_password(NEW_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.accepted_user == user
    assert invitation_state(invitation) == InvitationState.ACCEPTED
    actions = sorted(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
    assert actions == ["invitation.accepted", "user.created"]


def test_invitation_accept_network_admin_gets_admin_access(
    network_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = _invite(network_admin, django_capture_on_commit_callbacks, role=Role.NETWORK_ADMIN, municipalities=[])
    user = invitation_accept(invitation=invitation, password=NEW_PASSWORD)
    assert (user.role, user.is_staff, user.is_superuser) == ("network_admin", True, True)


def test_invitation_accept_twice_refused(network_admin: Any, django_capture_on_commit_callbacks: Any) -> None:
    invitation = _invite(network_admin, django_capture_on_commit_callbacks)
    invitation_accept(invitation=invitation, password=NEW_PASSWORD)
    with pytest.raises(InvitationUnusable) as refused:
        invitation_accept(invitation=invitation, password="et-annet-langt-passord")
    assert refused.value.state == InvitationState.ACCEPTED
    assert User.objects.filter(email="ny.person@rost.kommune.example").count() == 1


def test_invitation_accept_expired_changes_nothing(network_admin: Any, django_capture_on_commit_callbacks: Any) -> None:
    invitation = _invite(network_admin, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=15)), pytest.raises(InvitationUnusable) as refused:
        invitation_accept(invitation=invitation, password=NEW_PASSWORD)
    assert refused.value.state == InvitationState.EXPIRED
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_accept_weak_password_refused(network_admin: Any, django_capture_on_commit_callbacks: Any) -> None:
    invitation = _invite(network_admin, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as refused:
        invitation_accept(invitation=invitation, password="12345678")
    assert refused.value.messages == [
        "Passordet er for kort. Det må være minst 12 tegn.",
        "Dette passordet er for vanlig.",
        "Dette passordet inneholder bare tall.",
    ]
    assert not User.objects.filter(email=invitation.email).exists()


def test_invitation_accept_refused_when_address_got_account_meanwhile(
    network_admin: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = _invite(network_admin, django_capture_on_commit_callbacks)
    make_user(email=invitation.email)
    with pytest.raises(InvitationUnusable) as refused:
        invitation_accept(invitation=invitation, password=NEW_PASSWORD)
    assert refused.value.state == InvitationState.ACCOUNT_EXISTS


def test_invitation_get_by_token_unknown_is_none(db: Any) -> None:
    assert invitation_get_by_token("finnes-ikke") is None
    assert invitation_get_by_token("") is None


# --- Roles ----------------------------------------------------------------------------------------------


def test_user_set_role_keeps_admin_flags_in_step_and_audits(network_admin: Any, reader: Any, bodo: Any) -> None:
    user_set_role(actor=network_admin, user=reader, role=Role.NETWORK_ADMIN)
    reader.refresh_from_db()
    assert (reader.role, reader.is_staff, reader.is_superuser) == ("network_admin", True, True)

    user_set_role(actor=network_admin, user=reader, role=Role.MUNICIPALITY_CONTACT, municipalities=[bodo])
    reader.refresh_from_db()
    assert (reader.role, reader.is_staff, reader.is_superuser) == ("municipality_contact", False, False)
    assert [m.number for m in reader.municipalities.all()] == ["1804"]

    entries = list(AuditEntry.objects.filter(action="user.role_changed").order_by("id"))
    assert [entry.changes for entry in entries] == [
        {"is_staff": [False, True], "is_superuser": [False, True], "role": ["reader", "network_admin"]},
        {
            "is_staff": [True, False],
            "is_superuser": [True, False],
            "municipalities": [[], ["Bodø"]],
            "role": ["network_admin", "municipality_contact"],
        },
    ]
    assert {entry.actor for entry in entries} == {network_admin}


def test_user_set_role_unchanged_writes_nothing(network_admin: Any, reader: Any) -> None:
    user_set_role(actor=network_admin, user=reader, role=Role.READER)
    assert AuditEntry.objects.count() == 0


def test_user_set_role_refuses_non_admin_actor(coordinator: Any, reader: Any) -> None:
    with pytest.raises(PermissionDenied):
        user_set_role(actor=coordinator, user=reader, role=Role.NETWORK_ADMIN)
    reader.refresh_from_db()
    assert reader.role == Role.READER


def test_user_set_role_keeps_the_last_network_admin(network_admin: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        user_set_role(actor=network_admin, user=network_admin, role=Role.READER)
    assert refused.value.message_dict == {"role": ["Det må være minst én aktiv nettverksadministrator."]}
    network_admin.refresh_from_db()
    assert network_admin.role == Role.NETWORK_ADMIN


def test_user_set_role_admin_may_step_down_when_another_remains(network_admin: Any, second_admin: Any) -> None:
    user_set_role(actor=network_admin, user=network_admin, role=Role.EHEALTH_CONTACT)
    network_admin.refresh_from_db()
    assert (network_admin.role, network_admin.is_staff) == ("ehealth_contact", False)


def test_user_set_role_contact_needs_municipality(network_admin: Any, reader: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        user_set_role(actor=network_admin, user=reader, role=Role.MUNICIPALITY_CONTACT, municipalities=[])
    assert refused.value.message_dict == {"municipalities": ["Velg minst én kommune for en kommunekontakt."]}


def test_user_set_active_refuses_self_and_audits_others(network_admin: Any, reader: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        user_set_active(actor=network_admin, user=network_admin, is_active=False)
    assert refused.value.message_dict == {"is_active": ["Du kan ikke deaktivere din egen konto."]}
    user_set_active(actor=network_admin, user=reader, is_active=False)
    reader.refresh_from_db()
    assert reader.is_active is False
    entry = AuditEntry.objects.get(action="user.active_changed")
    assert entry.changes == {"is_active": [True, False]}


# --- Profile -----------------------------------------------------------------------------------------


def test_profile_update_own_profile_audited(reader: Any) -> None:
    profile_update(actor=reader, user=reader, full_name="  Lise   Leser ", title="Rådgiver")
    reader.refresh_from_db()
    assert (reader.full_name, reader.title) == ("Lise Leser", "Rådgiver")
    entry = AuditEntry.objects.get(action="user.profile_changed")
    assert (entry.actor, entry.changes) == (reader, {"title": ["", "Rådgiver"]})


def test_profile_update_someone_else_refused(bodo_contact: Any, rost_contact: Any) -> None:
    with pytest.raises(PermissionDenied):
        profile_update(actor=rost_contact, user=bodo_contact, full_name="Hacket", title="")
    bodo_contact.refresh_from_db()
    assert bodo_contact.full_name == "Berit Bodø"


def test_profile_update_empty_name_refused(reader: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        profile_update(actor=reader, user=reader, full_name=" ", title="")
    assert refused.value.message_dict == {"full_name": ["Skriv inn navnet ditt."]}


# --- API tokens ----------------------------------------------------------------------------------------


def test_api_token_create_stores_only_prefix_and_hash(reader: Any) -> None:
    token, raw = api_token_create(user=reader, name=" Power BI ")
    assert raw.startswith("ehn_")
    assert len(raw) > 40
    assert (token.name, token.prefix, token.token_hash) == ("Power BI", raw[:12], token_hash(raw))
    stored = ApiToken.objects.values_list("prefix", "token_hash").get()
    assert raw not in stored
    entry = AuditEntry.objects.get(action="api_token.created")
    assert (entry.actor, entry.changes) == (reader, {"name": [None, "Power BI"], "prefix": [None, raw[:12]]})


def test_api_token_create_needs_name(reader: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        api_token_create(user=reader, name="  ")
    assert refused.value.message_dict == {"name": ["Gi nøkkelen et navn, så du senere vet hvor den brukes."]}
    assert ApiToken.objects.count() == 0


def test_api_token_authenticate_finds_owner_and_touches_once_a_minute(reader: Any) -> None:
    token, raw = api_token_create(user=reader, name="Skript")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert api_token_authenticate(raw) == reader
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert api_token_authenticate(raw) == reader
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert api_token_authenticate(raw) == reader
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)


def test_api_token_authenticate_refuses_unknown_revoked_and_inactive(network_admin: Any, reader: Any) -> None:
    token, raw = api_token_create(user=reader, name="Skript")
    assert api_token_authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert api_token_authenticate("") is None
    assert api_token_authenticate("Bearer " + raw) is None
    user_set_active(actor=network_admin, user=reader, is_active=False)
    assert api_token_authenticate(raw) is None
    user_set_active(actor=network_admin, user=reader, is_active=True)
    assert api_token_authenticate(raw) == reader
    api_token_revoke(user=reader, token=token)
    assert api_token_authenticate(raw) is None


def test_api_token_revoke_owner_or_admin_only(network_admin: Any, bodo_contact: Any, rost_contact: Any) -> None:
    token, _raw = api_token_create(user=bodo_contact, name="Bodø-rapport")
    with pytest.raises(PermissionDenied) as refused:
        api_token_revoke(user=rost_contact, token=token)
    assert str(refused.value) == "Du kan bare trekke tilbake dine egne API-nøkler."
    token.refresh_from_db()
    assert token.revoked_at is None

    api_token_revoke(user=network_admin, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AuditEntry.objects.get(action="api_token.revoked")
    assert entry.actor == network_admin
    api_token_revoke(user=network_admin, token=token)
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1
