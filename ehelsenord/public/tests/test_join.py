"""Joining eHelse Nord: the public form, the network administrators' queue, decisions with e-mail over
real SMTP (aiosmtpd on loopback), the robot trap, the rate limit and the deletion of personal data."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.models import Invitation
from ehelsenord.core.models import AuditEntry
from ehelsenord.municipalities.models import Municipality
from ehelsenord.public.enums import JoinRequestStatus
from ehelsenord.public.models import JoinRequest
from ehelsenord.public.services import (
    join_request_approve,
    join_request_reject,
    join_request_submit,
    join_requests_delete_personal_data,
)

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

URL = "/delta/"
THANKS = "/delta/takk/"
QUEUE = "/delta/foresporsler/"
EMAIL = "kari.nordmann@bodo.kommune.example"
NOT_ADMIN = "Bare nettverksadministratorer kan se og avgjøre forespørsler om å delta."
# A fixed, recent moment (sessions made at real time stay valid when the tests return to it).
T0 = timezone.now().replace(second=0, microsecond=0) - timedelta(days=1)


def decide_url(join_request: JoinRequest) -> str:
    return f"{QUEUE}{join_request.pk}/"


def _body(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content()).replace("\r\n", "\n")


def _link(message: Any) -> str:
    found = re.search(r"https?://\S+/konto/invitasjon/[\w-]+/", _body(message))
    assert found is not None, _body(message)
    return found.group(0)


def _submit(
    *, full_name: str = "Kari Nordmann", email: str = EMAIL, municipality: Municipality | None = None, **extra: Any
) -> JoinRequest:
    data: dict[str, Any] = {
        "employer_other": "" if municipality else "Helse Nord RHF",
        "job_title": "Rådgiver",
        "arenas": ["erfaring"],
        "message": "",
        "consent": True,
        **extra,
    }
    return join_request_submit(full_name=full_name, email=email, municipality=municipality, **data)


def _snapshot(join_request: JoinRequest) -> dict[str, Any]:
    return {
        key: value
        for key, value in JoinRequest.objects.filter(pk=join_request.pk).values().get().items()
        if key != "id"
    }


def _join_audit() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="public.joinrequest").order_by("pk"))


def _assert_no_personal_data(entries: list[AuditEntry], *secrets: str) -> None:
    for entry in entries:
        stored = json.dumps([entry.object_repr, entry.changes], ensure_ascii=False).lower()
        for secret in secrets:
            assert secret.lower() not in stored, (entry.action, stored)


# --- The form ---------------------------------------------------------------------------------------


def test_join_form_is_public(client: Client, db: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="ds-heading" data-size="lg">Er du e-helsepersonell og ønsker å delta?</h1>' in html
    assert "opplysningene dine slettes 30 dager etter avgjørelsen" in html
    choices = response.context["form"].fields["employer"].choices
    assert choices[:2] == [("", "Velg arbeidsgiveren din"), ("annen", "Annen arbeidsgiver (ikke en kommune)")]
    group, municipalities = choices[2]
    assert group == "Kommuner i regionen"
    names = [name for _number, name in municipalities]
    assert len(names) == 80
    assert names.index("Bodø") < names.index("Røst") < names.index("Vadsø") < names.index("Øksnes") == 79
    # The robot trap: off-screen, hidden from screen readers and out of the Tab order.
    assert '<div class="join-trap" aria-hidden="true">' in html
    assert re.search(r'<input type="text" name="website"[^>]*tabindex="-1"[^>]*autocomplete="off"', html)


def test_other_employer_is_stored(client: Client, db: Any, join_data: dict[str, Any]) -> None:
    response = client.post(
        URL, {**join_data, "employer": "annen", "employer_other": " Helse  Nord RHF ", "message": ""}
    )
    assert (response.status_code, response["Location"]) == (302, THANKS)
    stored = JoinRequest.objects.get()
    assert (stored.municipality, stored.employer_other, stored.employer, stored.message) == (
        None,
        "Helse Nord RHF",
        "Helse Nord RHF",
        "",
    )


BAD_INPUT = [
    ({"full_name": " "}, "full_name", "Skriv inn navnet ditt."),
    ({"full_name": "x" * 151}, "full_name", "Navnet er for langt."),
    ({"email": "kari.bodo.no"}, "email", "Skriv en gyldig e-postadresse, for eksempel ola.nordmann@kommune.no."),
    ({"email": ""}, "email", "Skriv en gyldig e-postadresse, for eksempel ola.nordmann@kommune.no."),
    ({"job_title": ""}, "job_title", "Skriv rollen eller stillingen din."),
    ({"job_title": "x" * 151}, "job_title", "Rollen eller stillingen er for lang."),
    ({"employer": ""}, "employer", "Velg kommunen din, eller velg «Annen arbeidsgiver» og skriv navnet."),
    ({"employer": "0301"}, "employer", "Velg en kommune i regionen."),  # Oslo: outside the region
    ({"employer": "annen"}, "employer_other", "Du valgte «Annen arbeidsgiver»: skriv navnet på den."),
    (
        {"employer_other": "Helse Nord RHF"},
        "employer_other",
        "Du valgte en kommune: la «Navn på annen arbeidsgiver» stå tomt, eller velg «Annen arbeidsgiver» i listen.",
    ),
    ({"employer": "annen", "employer_other": "x" * 151}, "employer_other", "Navnet på arbeidsgiveren er for langt."),
    ({"arenas": []}, "arenas", "Velg minst ett av målene du vil jobbe med."),
    ({"arenas": ["erfaring", "tull"]}, "arenas", "Velg arenaer fra listen."),
    ({"message": "x" * 1001}, "message", "Skriv høyst 1000 tegn (du skrev 1001)."),
    (
        {"consent": ""},
        "consent",
        "Kryss av for å samtykke til at opplysningene lagres. Uten samtykke kan vi ikke behandle forespørselen.",
    ),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_its_message(
    client: Client,
    db: Any,
    join_data: dict[str, Any],
    smtp_server: Any,
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    data = {key: value for key, value in {**join_data, **change}.items() if value != "" or key != "consent"}
    response = client.post(URL, data)
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    html = response.content.decode()
    assert "Skjemaet har feil" in html
    assert f'href="#id_{field}"' in html
    assert (JoinRequest.objects.count(), len(_join_audit()), smtp_server.messages, mail.outbox) == (0, 0, [], [])


def test_service_validates_again(db: Any) -> None:
    oslo = Municipality.objects.get(number="0301")
    with pytest.raises(ValidationError) as refused:
        _submit(municipality=oslo, consent=False, arenas=[])
    assert refused.value.message_dict == {
        "employer": ["Velg en kommune i regionen."],
        "arenas": ["Velg minst ett av målene du vil jobbe med."],
        "consent": [
            "Kryss av for å samtykke til at opplysningene lagres. Uten samtykke kan vi ikke behandle forespørselen."
        ],
    }
    with pytest.raises(ValidationError) as both:
        _submit(municipality=Municipality.objects.get(number="1804"), employer_other="Helse Nord RHF")
    assert list(both.value.message_dict) == ["employer_other"]
    assert JoinRequest.objects.count() == 0


# --- Spam: the robot trap and the rate limit ---------------------------------------------------------


@pytest.mark.parametrize("valid", [True, False])
def test_filled_trap_looks_like_success_but_keeps_nothing(
    client: Client, db: Any, join_data: dict[str, Any], smtp_server: Any, valid: bool
) -> None:
    data = {**join_data, "website": "https://billig-reise.example"}
    if not valid:
        data["email"] = "ikke-en-adresse"
    response = client.post(URL, data)
    assert (response.status_code, response["Location"]) == (302, THANKS)
    assert (JoinRequest.objects.count(), AuditEntry.objects.count(), smtp_server.messages, mail.outbox) == (
        0,
        0,
        [],
        [],
    )


def test_sixth_request_within_an_hour_from_one_address_is_refused(
    client: Client, db: Any, join_data: dict[str, Any], settings: Any
) -> None:
    assert settings.JOIN_REQUESTS_PER_HOUR == 5
    # Corrections of a form with errors do not count: a person fixing typos is never locked out.
    for _attempt in range(3):
        assert client.post(URL, {**join_data, "email": "feil"}).status_code == 400
    for number in range(5):
        response = client.post(URL, {**join_data, "email": f"person{number}@bodo.kommune.example"})
        assert (response.status_code, response["Location"]) == (302, THANKS)
    sixth = client.post(URL, {**join_data, "email": "person5@bodo.kommune.example"})
    assert sixth.status_code == 429
    assert (
        "Det er sendt mange forespørsler om å delta fra nettverket ditt den siste timen, så denne ble ikke mottatt."
        in sixth.content.decode()
    )
    assert JoinRequest.objects.count() == 5
    assert not JoinRequest.objects.filter(email="person5@bodo.kommune.example").exists()

    # Another address is not held back.
    other = client.post(URL, {**join_data, "email": "annen@rost.kommune.example"}, REMOTE_ADDR="10.0.0.7")
    assert (other.status_code, JoinRequest.objects.count()) == (302, 6)

    # An hour later the first address may send again.
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        later = client.post(URL, {**join_data, "email": "person6@bodo.kommune.example"})
    assert (later.status_code, JoinRequest.objects.count()) == (302, 7)


# --- The whole flow: approve ------------------------------------------------------------------------


def test_join_approve_flow_over_smtp(
    client: Client,
    join_admin: Any,
    join_data: dict[str, Any],
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.SITE_URL = "http://testserver"
    bodo = Municipality.objects.get(number="1804")
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, join_data)
    assert (response.status_code, response["Location"]) == (302, THANKS)
    thanks = client.get(THANKS)
    assert thanks.status_code == 200
    assert "Vi har mottatt forespørselen din om å delta i eHelse Nord." in thanks.content.decode()
    assert smtp_server.messages == []  # the person gets mail only when the request is decided

    stored = JoinRequest.objects.get()
    assert _snapshot(stored) == {
        "full_name": "Kari Nordmann",
        "email": EMAIL,
        "municipality_id": bodo.pk,
        "employer_other": "",
        "job_title": "E-helserådgiver",
        "arenas": ["koordinering", "erfaring"],
        "message": "Jeg vil jobbe med innføringen av PLL i Salten.",
        "consent_at": T0,
        "submitted_at": T0,
        "status": "pending",
        "decided_by_id": None,
        "decided_at": None,
        "rejection_reason": "",
        "invitation_id": None,
        "personal_data_deleted_at": None,
    }

    # The network administrator finds it in the queue; the decide page suggests Bodø's contact.
    client.force_login(join_admin)
    listing = client.get(QUEUE)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "1 forespørsel venter på avgjørelse." in html
    assert f'<a class="ds-link" href="/delta/foresporsler/{stored.pk}/">Kari Nordmann</a>' in html
    page = client.get(decide_url(stored))
    assert page.status_code == 200
    approve_form = page.context["approve_form"]
    assert (approve_form["role"].value(), approve_form["municipalities"].value()) == ("municipality_contact", ["1804"])
    page_html = page.content.decode()
    assert "Samordne innføringen av nasjonale e-helseløsninger" in page_html
    assert "Jeg vil jobbe med innføringen av PLL i Salten." in page_html

    with django_capture_on_commit_callbacks(execute=True):
        decided = client.post(
            decide_url(stored), {"action": "approve", "role": Role.MUNICIPALITY_CONTACT, "municipalities": ["1804"]}
        )
    assert (decided.status_code, decided["Location"]) == (302, QUEUE)
    assert f"Forespørselen er godkjent. Invitasjonen er sendt til {EMAIL}." in client.get(QUEUE).content.decode()

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.full_name, invitation.role, invitation.invited_by) == (
        EMAIL,
        "Kari Nordmann",
        "municipality_contact",
        join_admin,
    )
    assert [m.number for m in invitation.municipalities.all()] == ["1804"]
    stored.refresh_from_db()
    assert (stored.status, stored.decided_by, stored.invitation) == ("approved", join_admin, invitation)
    assert stored.decided_at is not None

    assert [message["To"] for message in smtp_server.messages] == [EMAIL]
    message = smtp_server.messages[0]
    assert message["Subject"] == "Invitasjon til eHelse Nord"
    assert "som Kommunekontakt for Bodø." in _body(message)
    accept = Client().get(_link(message))
    assert accept.status_code == 200
    assert "Velkommen, Kari Nordmann!" in accept.content.decode()

    entries = _join_audit()
    assert [(entry.action, entry.actor, entry.object_id) for entry in entries] == [
        ("join_request.submitted", None, str(stored.pk)),
        ("join_request.approved", join_admin, str(stored.pk)),
    ]
    assert entries[1].changes == {
        "status": ["pending", "approved"],
        "role": [None, "municipality_contact"],
        "invitation": [None, invitation.pk],
    }
    _assert_no_personal_data(entries, EMAIL, "Kari", "Nordmann", "E-helserådgiver", "PLL")

    # An approved request is kept as it is, also after the retention period.
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        assert join_requests_delete_personal_data() == 0
    assert _snapshot(stored)["full_name"] == "Kari Nordmann"


# --- The whole flow: reject, then the deletion ----------------------------------------------------


def test_join_reject_flow_and_deletion_after_the_retention_period(
    client: Client,
    join_admin: Any,
    join_data: dict[str, Any],
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.JOIN_REQUEST_RETENTION_DAYS = 30
    bodo = Municipality.objects.get(number="1804")
    with time_machine.travel(T0, tick=False):
        assert client.post(URL, join_data).status_code == 302
        waiting = _submit(full_name="Per Venter", email="per@rost.kommune.example")
        approved = _submit(full_name="Anne Godkjent", email="anne@vadso.kommune.example")
        with django_capture_on_commit_callbacks(execute=False):
            join_request_approve(actor=join_admin, join_request=approved, role=Role.READER)
    rejected = JoinRequest.objects.get(email=EMAIL)
    client.force_login(join_admin)

    decided_at = T0 + timedelta(hours=2)
    with time_machine.travel(decided_at, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(rejected),
            {"action": "reject", "reason": "Vi tar bare inn folk fra Vestlandet.\nLykke til!"},
        )
    assert (response.status_code, response["Location"]) == (302, QUEUE)
    assert f"Forespørselen er avvist. {EMAIL} får begrunnelsen på e-post." in client.get(QUEUE).content.decode()
    rejected.refresh_from_db()
    assert (rejected.status, rejected.decided_by, rejected.decided_at, rejected.rejection_reason) == (
        "rejected",
        join_admin,
        decided_at,
        "Vi tar bare inn folk fra Vestlandet.\nLykke til!",
    )

    assert [message["To"] for message in smtp_server.messages] == [EMAIL]
    message = smtp_server.messages[0]
    assert message["Subject"] == "Forespørselen din om å delta i eHelse Nord"
    body = _body(message)
    assert body.startswith("Hei, Kari Nordmann!")
    assert "Vi tar bare inn folk fra Vestlandet.\nLykke til!" in body
    assert "Opplysningene dine slettes fra eHelse Nord 30 dager etter denne avgjørelsen." in body
    rejected_entry = _join_audit()[-1]
    assert (rejected_entry.action, rejected_entry.changes) == (
        "join_request.rejected",
        {"status": ["pending", "rejected"]},
    )
    _assert_no_personal_data(_join_audit(), EMAIL, "Kari", "Nordmann", "Vestlandet", "Per Venter", "per@rost")

    before = {join_request.pk: _snapshot(join_request) for join_request in (rejected, waiting, approved)}
    # A day short of the retention period: nothing is deleted.
    with time_machine.travel(decided_at + timedelta(days=29, hours=23), tick=False):
        out = StringIO()
        call_command("delete_join_requests", stdout=out)
    assert out.getvalue() == "Forespørsler tømt for personopplysninger: 0 (avvist for over 30 dager siden).\n"
    assert {pk: _snapshot(JoinRequest(pk=pk)) for pk in before} == before

    deleted_at = decided_at + timedelta(days=30, minutes=1)
    with time_machine.travel(deleted_at, tick=False):
        out = StringIO()
        call_command("delete_join_requests", stdout=out)
    assert out.getvalue() == "Forespørsler tømt for personopplysninger: 1 (avvist for over 30 dager siden).\n"
    assert _snapshot(rejected) == {
        "full_name": "",
        "email": "",
        "municipality_id": bodo.pk,
        "employer_other": "",
        "job_title": "",
        "arenas": [],
        "message": "",
        "consent_at": T0,
        "submitted_at": T0,
        "status": "rejected",
        "decided_by_id": join_admin.pk,
        "decided_at": decided_at,
        "rejection_reason": "",
        "invitation_id": None,
        "personal_data_deleted_at": deleted_at,
    }
    # The pending and the approved request are untouched.
    assert _snapshot(waiting) == before[waiting.pk]
    assert _snapshot(approved) == before[approved.pk]
    deletion = AuditEntry.objects.get(action="join_request.personal_data_deleted")
    assert (deletion.actor, deletion.object_type, deletion.changes) == (
        None,
        "public.joinrequest",
        {"count": [None, 1], "ids": [None, [rejected.pk]]},
    )

    # Running it again deletes nothing twice.
    with time_machine.travel(deleted_at + timedelta(days=1), tick=False):
        assert join_requests_delete_personal_data() == 0
    assert _snapshot(rejected)["personal_data_deleted_at"] == deleted_at
    assert AuditEntry.objects.filter(action="join_request.personal_data_deleted").count() == 1

    # The queue still counts it, without the name.
    client.force_login(join_admin)
    html = client.get(QUEUE).content.decode()
    assert f"Forespørsel {rejected.pk} (opplysninger slettet)" in html
    assert "Kari Nordmann" not in html
    assert "Godkjent så langt: 1. Avvist: 1." in html
    page = client.get(decide_url(rejected)).content.decode()
    assert "Vestlandet" not in page and EMAIL not in page


def test_rejection_without_reason_is_refused(client: Client, join_admin: Any, smtp_server: Any) -> None:
    join_request = _submit()
    client.force_login(join_admin)
    response = client.post(decide_url(join_request), {"action": "reject", "reason": "   "})
    assert response.status_code == 400
    assert response.context["reject_form"].errors == {
        "reason": ["Skriv hvorfor forespørselen avvises. Personen får begrunnelsen på e-post."]
    }
    assert _snapshot(join_request)["status"] == "pending"
    assert smtp_server.messages == []


def test_unknown_action_changes_nothing(client: Client, join_admin: Any) -> None:
    join_request = _submit()
    client.force_login(join_admin)
    response = client.post(decide_url(join_request), {"action": "slett", "reason": "x"})
    assert response.status_code == 400
    assert "Velg om forespørselen skal godkjennes eller avvises." in response.content.decode()
    assert _snapshot(join_request)["status"] == "pending"


# --- Approval refused by the invitation's rules ------------------------------------------------------


def test_approval_refused_when_the_address_has_an_account(
    client: Client,
    join_admin: Any,
    bodo_contact: Any,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    join_request = _submit(email=bodo_contact.email)
    before = _snapshot(join_request)
    client.force_login(join_admin)
    page = client.get(decide_url(join_request)).content.decode()
    assert f"{bodo_contact.email} har allerede en konto, så det kan ikke sendes noen invitasjon." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(join_request), {"action": "approve", "role": Role.READER})
    assert response.status_code == 400
    assert response.context["approve_form"].non_field_errors() == [f"{bodo_contact.email} har allerede en konto."]
    assert _snapshot(join_request) == before
    assert (Invitation.objects.count(), smtp_server.messages) == (0, [])
    assert [entry.action for entry in _join_audit()] == ["join_request.submitted"]


def test_approval_as_municipality_contact_needs_a_municipality(
    client: Client, join_admin: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    join_request = _submit()  # another employer: nothing is suggested
    client.force_login(join_admin)
    page = client.get(decide_url(join_request))
    assert (page.context["approve_form"]["role"].value(), page.context["approve_form"]["municipalities"].value()) == (
        None,
        None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(join_request), {"action": "approve", "role": Role.MUNICIPALITY_CONTACT})
    assert response.status_code == 400
    assert response.context["approve_form"].errors == {
        "municipalities": ["Velg minst én kommune for en kommunekontakt."]
    }
    assert _snapshot(join_request)["status"] == "pending"
    assert (Invitation.objects.count(), smtp_server.messages) == (0, [])


# --- A second decision ---------------------------------------------------------------------------------


def test_second_decision_is_refused(
    client: Client, join_admin: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    join_request = _submit()
    with django_capture_on_commit_callbacks(execute=True):
        join_request_approve(actor=join_admin, join_request=join_request, role=Role.NETWORK_RESOURCE)
    assert len(smtp_server.messages) == 1
    before = _snapshot(join_request)
    client.force_login(join_admin)

    page = client.get(decide_url(join_request))
    assert (page.status_code, "approve-heading" in page.content.decode()) == (200, False)
    for data in ({"action": "reject", "reason": "Likevel ikke."}, {"action": "approve", "role": Role.READER}):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(decide_url(join_request), data)
        assert response.status_code == 400
        assert (
            "Denne forespørselen er allerede avgjort (godkjent). En avgjørelse kan ikke endres."
            in response.content.decode()
        )
    assert _snapshot(join_request) == before
    assert (Invitation.objects.count(), len(smtp_server.messages)) == (1, 1)

    # The service refuses too, also for a stale copy read before the decision.
    stale = JoinRequest.objects.get(pk=join_request.pk)
    stale.status = JoinRequestStatus.PENDING
    with pytest.raises(ValidationError) as refused:
        join_request_reject(actor=join_admin, join_request=stale, reason="Likevel ikke.")
    assert refused.value.messages == [
        "Denne forespørselen er allerede avgjort (godkjent). En avgjørelse kan ikke endres."
    ]
    assert _snapshot(join_request) == before


# --- Access ----------------------------------------------------------------------------------------------


def test_queue_and_decide_need_login(client: Client, db: Any) -> None:
    join_request = _submit()
    for url in (QUEUE, decide_url(join_request)):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"/konto/logg-inn/?next={url}")
    response = client.post(decide_url(join_request), {"action": "reject", "reason": "Nei."})
    assert response.status_code == 302
    assert _snapshot(join_request)["status"] == "pending"


def test_queue_and_decide_refused_for_other_roles(
    client: Client,
    coordinator: Any,
    bodo_contact: Any,
    reader: Any,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    join_request = _submit(municipality=Municipality.objects.get(number="1804"))
    before = _snapshot(join_request)
    for user in (coordinator, bodo_contact, reader):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            responses = [
                client.get(QUEUE),
                client.get(decide_url(join_request)),
                client.post(decide_url(join_request), {"action": "approve", "role": Role.NETWORK_ADMIN}),
                client.post(decide_url(join_request), {"action": "reject", "reason": "Nei."}),
            ]
        for response in responses:
            assert response.status_code == 403
            html = response.content.decode()
            assert NOT_ADMIN in html
            assert "Kari Nordmann" not in html
        for service in (
            lambda actor: join_request_approve(actor=actor, join_request=join_request, role=Role.READER),
            lambda actor: join_request_reject(actor=actor, join_request=join_request, reason="Nei."),
        ):
            with pytest.raises(PermissionDenied):
                service(user)
    assert _snapshot(join_request) == before
    assert (Invitation.objects.count(), smtp_server.messages) == (0, [])
    assert [entry.action for entry in _join_audit()] == ["join_request.submitted"]


def test_decide_unknown_request_is_404(client: Client, join_admin: Any) -> None:
    client.force_login(join_admin)
    assert client.get(f"{QUEUE}999999/").status_code == 404


# --- Query counts -------------------------------------------------------------------------------------


def test_queue_query_count_does_not_grow(
    client: Client, join_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    municipalities = list(Municipality.objects.filter(county__in_region=True).order_by("number")[:20])
    client.force_login(join_admin)

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            join_request = _submit(
                full_name=f"Person {number}", email=f"p{number}@example.no", municipality=municipalities[number]
            )
            with django_capture_on_commit_callbacks(execute=False):
                if number % 3 == 1:
                    join_request_reject(actor=join_admin, join_request=join_request, reason="Nei.")
                elif number % 3 == 2:
                    join_request_approve(actor=join_admin, join_request=join_request, role=Role.READER)

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    add(2, 0)
    few = measure()
    add(18, 2)
    queue = client.get(QUEUE).context["queue"]
    assert (queue.pending_count, queue.approved_count, queue.rejected_count) == (7, 6, 7)
    assert measure() == few


def test_queue_lists_pending_oldest_first(client: Client, join_admin: Any) -> None:
    with time_machine.travel(T0, tick=False):
        first = _submit(full_name="Første", email="a@example.no")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        second = _submit(full_name="Andre", email="b@example.no")
    client.force_login(join_admin)
    queue = client.get(QUEUE).context["queue"]
    assert [join_request.pk for join_request in queue.pending] == [first.pk, second.pk]


def test_behind_the_proxy_each_visitor_has_a_limit_of_their_own(
    client: Client, db: Any, join_data: dict[str, Any], settings: Any
) -> None:
    settings.PROXY_COUNT = 1  # nginx in front: every request comes from its address
    for number in range(6):
        response = client.post(
            URL,
            {**join_data, "email": f"person{number}@bodo.kommune.example"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
        assert (response.status_code, response["Location"]) == (302, THANKS)
    assert JoinRequest.objects.count() == 6
    # One visitor's sixth request is still refused, whatever it claims in front of our proxy's entry.
    for number in range(5):
        client.post(
            URL,
            {**join_data, "email": f"again{number}@bodo.kommune.example"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"{number}.{number}.{number}.{number}, 198.51.100.9",
        )
    refused = client.post(
        URL,
        {**join_data, "email": "again5@bodo.kommune.example"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="7.7.7.7, 198.51.100.9",
    )
    assert (refused.status_code, JoinRequest.objects.count()) == (429, 11)
