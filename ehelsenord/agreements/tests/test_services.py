"""agreements.services: rounds, sending, opening, answering, signing, scans, declining, reopening.

Every refusal also checks that nothing changed. Messages are compared through gettext, so the
tests hold before and after the Norwegian translations are filled in.
"""

from __future__ import annotations

import copy
import hashlib
import socket
import threading
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ehelsenord.agreements import services
from ehelsenord.agreements.content import agreement_content, content_fingerprint
from ehelsenord.agreements.letters import letter_pdf
from ehelsenord.agreements.models import (
    AgreementCommitment,
    AgreementEvent,
    AgreementRound,
    AgreementVersion,
    IntentAgreement,
    RoundOffer,
)
from ehelsenord.agreements.quarters import quarter_label
from ehelsenord.agreements.selectors import (
    FingerprintMatch,
    agreement_events,
    agreement_version_get,
    fingerprint_lookup,
)
from ehelsenord.agreements.services import Answer, Contact
from ehelsenord.agreements.tests.conftest import (
    CONTACT,
    DEADLINE,
    DHO,
    KJ_PLO,
    LETTER_NB,
    OFFERED,
    OSLO,
    PLL,
    Q2,
    Q3,
    Q4,
    ROUND_NAME,
    agreement_of,
    fresh,
    make_answer,
    offer_pk,
    pdf_text,
    round_input,
    sign,
)
from ehelsenord.core.models import AuditEntry
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Solution

pytestmark = pytest.mark.django_db


def _state(agreement: IntentAgreement) -> tuple[Any, ...]:
    """Everything an answer can change, to show that a refused one changed nothing."""
    stored = IntentAgreement.objects.get(pk=agreement.pk)
    return (
        stored.status,
        stored.revision,
        stored.contacts,
        stored.signatory_name,
        stored.signatory_title,
        stored.decline_reason,
        stored.answered_at,
        sorted(
            AgreementCommitment.objects.filter(agreement=agreement).values_list(
                "offer__solution__slug", "target_quarter"
            )
        ),
        AgreementEvent.objects.filter(agreement=agreement).count(),
        AgreementVersion.objects.filter(agreement=agreement).count(),
        Implementation.objects.count(),
        ImplementationChange.objects.count(),
    )


def _commitments(agreement: IntentAgreement) -> list[tuple[str, date]]:
    return list(
        AgreementCommitment.objects.filter(agreement=agreement)
        .order_by("offer__position")
        .values_list("offer__solution__slug", "target_quarter")
    )


def _records(municipality: Any) -> dict[str, tuple[str, date | None]]:
    """The municipality's records: solution → (phase, target date)."""
    return {
        slug: (phase, target)
        for slug, phase, target in Implementation.objects.filter(municipality=municipality).values_list(
            "solution__slug", "phase__key", "target_date"
        )
    }


# --- round_create --------------------------------------------------------------------------------------


def test_round_create_makes_one_draft_per_municipality_of_the_region(make_round: Any, coordinator: Any) -> None:
    round_ = make_round()

    region = set(Municipality.objects.filter(county__in_region=True).values_list("number", flat=True))
    agreements = IntentAgreement.objects.filter(round=round_)
    assert agreements.count() == 80
    assert set(agreements.values_list("municipality", flat=True)) == region
    assert set(agreements.values_list("status", "revision", "signatory_name")) == {("draft", 0, "")}
    assert not AgreementCommitment.objects.filter(agreement__round=round_).exists()
    assert (round_.name, round_.period_start, round_.period_end, round_.answer_deadline, round_.created_by) == (
        ROUND_NAME,
        date(2027, 1, 1),
        date(2027, 12, 31),
        DEADLINE,
        coordinator,
    )
    assert list(round_.offers.values_list("solution__slug", "reason", "national_deadline", "position")) == [
        (PLL, f"Nasjonal prioritet for {PLL}", date(2027, 12, 31), 0),
        (KJ_PLO, f"Nasjonal prioritet for {KJ_PLO}", None, 1),
        (DHO, f"Nasjonal prioritet for {DHO}", None, 2),
    ]
    events = AgreementEvent.objects.filter(agreement__round=round_)
    assert events.count() == 80
    assert set(events.values_list("action", "from_status", "to_status", "actor")) == {
        ("created", "", "draft", coordinator.pk)
    }
    audit = AuditEntry.objects.get(action="agreement_round.create")
    assert (audit.actor, audit.object_id, audit.changes["name"]) == (coordinator, str(round_.pk), [None, ROUND_NAME])


def test_round_create_cleans_the_input(make_round: Any) -> None:
    round_ = make_round(
        [PLL, PLL, DHO],
        name="  Runde   2027  ",
        reasons={PLL: " Nasjonal\n  prioritet ", DHO: "Frist 2027"},
        letter_nb="  Brev  \n",
    )
    assert (round_.name, round_.letter_nb) == ("Runde 2027", "Brev")
    assert list(round_.offers.values_list("solution__slug", "reason")) == [
        (PLL, "Nasjonal prioritet"),
        (DHO, "Frist 2027"),
    ]


@pytest.mark.parametrize("who", ["bodo_contact", "reader"])
def test_round_create_only_by_a_coordinator(request: pytest.FixtureRequest, who: str) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied) as refused:
        services.round_create(by=user, data=round_input())
    assert str(refused.value) == _("Only coordinators can manage agreement rounds.")
    assert (AgreementRound.objects.count(), IntentAgreement.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("slugs", "overrides", "errors"),
    [
        pytest.param(
            [PLL, "akson"],
            {},
            {
                "offers": [
                    _("%(solution)s is no longer in use and cannot be offered.")
                    % {"solution": "Akson / Felles kommunal journal"}
                ]
            },
            id="historical-solution",
        ),
        pytest.param(
            OFFERED,
            {"reasons": {KJ_PLO: "   "}},
            {
                "offers": [
                    _("Say why %(solution)s is prioritised.")
                    % {"solution": "Kjernejournal i sykehjem og hjemmetjeneste"}
                ]
            },
            id="missing-reason",
        ),
        pytest.param(
            OFFERED,
            {"reasons": {PLL: "x" * 301}},
            {"offers": [_("The reason can be at most %(max)d characters.") % {"max": 300}]},
            id="reason-too-long",
        ),
        pytest.param(
            OFFERED,
            {"answer_deadline": date(2028, 1, 1)},
            {"answer_deadline": [_("The answer deadline must be within the round's period.")]},
            id="deadline-after-period-end",
        ),
        pytest.param(
            OFFERED,
            {"answer_deadline": date(2026, 8, 31)},
            {"answer_deadline": [_("The answer deadline cannot be in the past.")]},
            id="deadline-in-the-past",
        ),
        pytest.param((), {}, {"offers": [_("Choose at least one solution to offer.")]}, id="no-offers"),
        pytest.param(
            OFFERED,
            {"name": "  ", "letter_nn": "", "period_end": date(2026, 12, 31), "answer_deadline": date(2026, 10, 1)},
            {
                "name": [_("Give the round a name.")],
                "letter_nn": [_("Write the letter's text.")],
                "period_end": [_("The period must end after it starts.")],
            },
            id="several-errors",
        ),
    ],
)
def test_round_create_refuses_bad_input(
    coordinator: Any, slugs: list[str], overrides: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.round_create(by=coordinator, data=round_input(slugs, **overrides))
    assert refused.value.message_dict == errors
    assert (AgreementRound.objects.count(), RoundOffer.objects.count(), IntentAgreement.objects.count()) == (0, 0, 0)


# --- round_update --------------------------------------------------------------------------------------


def test_round_update_while_every_agreement_is_a_draft(agreement_round: AgreementRound, coordinator: Any) -> None:
    services.round_update(
        by=coordinator,
        round_=agreement_round,
        data=round_input([DHO, "digihelse"], name="Ny runde", answer_deadline=date(2026, 11, 1)),
    )
    round_ = AgreementRound.objects.get(pk=agreement_round.pk)
    assert (round_.name, round_.answer_deadline) == ("Ny runde", date(2026, 11, 1))
    assert list(round_.offers.values_list("solution__slug", "position")) == [(DHO, 0), ("digihelse", 1)]
    audit = AuditEntry.objects.get(action="agreement_round.update")
    assert audit.changes["name"] == [ROUND_NAME, "Ny runde"]
    assert IntentAgreement.objects.filter(round=round_, status="draft").count() == 80


def test_round_update_refused_once_an_agreement_is_sent(sent_bodo: IntentAgreement, coordinator: Any) -> None:
    round_ = sent_bodo.round
    with pytest.raises(ValidationError) as refused:
        services.round_update(by=coordinator, round_=round_, data=round_input([DHO], name="Endret"))
    assert refused.value.messages == [
        _("Agreements of this round have been sent; its solutions and letter can no longer change.")
    ]
    stored = AgreementRound.objects.get(pk=round_.pk)
    assert (stored.name, list(stored.offers.values_list("solution__slug", flat=True))) == (ROUND_NAME, list(OFFERED))
    assert not AuditEntry.objects.filter(action="agreement_round.update").exists()


def test_round_update_refuses_a_deadline_in_the_past(agreement_round: AgreementRound, coordinator: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.round_update(
            by=coordinator, round_=agreement_round, data=round_input(answer_deadline=date(2026, 8, 31))
        )
    assert refused.value.message_dict == {"answer_deadline": [_("The answer deadline cannot be in the past.")]}
    assert AgreementRound.objects.get(pk=agreement_round.pk).answer_deadline == DEADLINE


def test_round_update_only_by_a_coordinator(agreement_round: AgreementRound, bodo_contact: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.round_update(by=bodo_contact, round_=agreement_round, data=round_input([DHO], name="Endret"))
    assert AgreementRound.objects.get(pk=agreement_round.pk).name == ROUND_NAME


# --- agreement_send ------------------------------------------------------------------------------------


def _subject(message: Any) -> str:
    """The decoded subject; Python's e-mail folding puts a space before an encoded subject."""
    return " ".join(str(message["Subject"]).split())


def _body(message: Any) -> str:
    """The plain text body, with the line ends as written (SMTP carries them as CRLF)."""
    return str(message.get_body(("plain",)).get_content()).replace("\r\n", "\n")


def _attachments(message: Any) -> list[tuple[str, str, bytes]]:
    return [(part.get_filename(), part.get_content_type(), part.get_content()) for part in message.iter_attachments()]


def test_agreement_send_mails_the_active_contacts_through_smtp(
    agreement_round: AgreementRound,
    bodo: Any,
    rost: Any,
    bodo_contact: Any,
    rost_contact: Any,
    coordinator: Any,
    make_user: Any,
    smtp_server: Any,
    settings: Any,
) -> None:
    settings.SITE_URL = "https://ehelsenord.example.no"
    other = make_user(role="municipality_contact", email="anne@bodo.kommune.example", municipalities=[bodo])
    make_user(role="municipality_contact", email="sluttet@bodo.kommune.example", municipalities=[bodo], is_active=False)
    make_user(role="reader", email="leser@bodo.kommune.example", municipalities=[bodo])
    agreement = agreement_of(agreement_round, bodo)

    sent = services.agreement_send(agreement=agreement, by=coordinator)

    assert sent.status == "sent"
    stored = IntentAgreement.objects.get(pk=agreement.pk)
    assert (stored.status, stored.sent_at is not None, stored.revision) == ("sent", True, 1)
    event = agreement_events(agreement).first()
    assert event is not None
    assert (event.action, event.actor, event.from_status, event.to_status, event.note) == (
        "sent",
        coordinator,
        "draft",
        "sent",
        f"{other.email}, {bodo_contact.email}",
    )
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert sorted(address.strip() for address in message["To"].split(",")) == sorted([bodo_contact.email, other.email])
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    assert _subject(message) == f"Intensjonsavtale fra eHelse Nord: {ROUND_NAME}"
    link = f"https://ehelsenord.example.no/avtaler/{agreement.pk}/"
    assert _body(message) == (
        "Hei,\n\n"
        "eHelse Nord inviterer Bodø kommune til å bli med i felles innføring av prioriterte nasjonale "
        f"e-helseløsninger. Avtalerunden «{ROUND_NAME}» tilbyr:\n\n"
        "- Pasientens legemiddelliste (PLL)\n"
        "- Kjernejournal i sykehjem og hjemmetjeneste\n"
        "- Digital hjemmeoppfølging\n\n"
        "Åpne avtalen for å velge løsninger, oppgi kontaktpersoner og signere, eller for å avslå:\n"
        f"{link}\n\n"
        "Svarfristen er 15.10.2026. Brevet ligger også vedlagt som PDF.\n\n"
        "Vennlig hilsen\neHelse Nord\n\n"
        "Du får denne e-posten fordi du er kontaktperson for Bodø i eHelse Nord.\n"
    )
    ((filename, content_type, data),) = _attachments(message)
    assert (filename, content_type) == ("intensjonsavtale-1804.pdf", "application/pdf")
    text = pdf_text(data)
    assert "Til Bodø kommune (kommunenummer 1804)" in text
    assert "Løsninger eHelse Nord tilbyr felles innføring av" in text
    assert "Ikke signert" in text
    assert "Røst" not in text
    # Røst's agreement is untouched.
    assert IntentAgreement.objects.get(round=agreement_round, municipality=rost).status == "draft"


def test_agreement_send_in_nynorsk_to_a_nynorsk_municipality(
    agreement_round: AgreementRound, rost: Any, rost_contact: Any, coordinator: Any, smtp_server: Any
) -> None:
    Municipality.objects.filter(pk=rost.pk).update(written_language="nn")
    agreement = agreement_of(agreement_round, rost)
    services.agreement_send(agreement=agreement, by=coordinator)

    (message,) = smtp_server.messages
    assert message["To"] == rost_contact.email
    assert _subject(message) == f"Intensjonsavtale frå eHelse Nord: {ROUND_NAME}"
    body = _body(message)
    assert body.startswith(
        "Hei,\n\neHelse Nord inviterer Røst kommune til å vere med i felles innføring av prioriterte nasjonale "
        "e-helseløysingar."
    )
    assert (
        f"Opne avtalen for å velje løysingar, oppgi kontaktpersonar og signere, eller for å avslå:\nhttp://testserver/avtaler/{agreement.pk}/\n"
        in body
    )
    assert "Venleg helsing" in body
    ((filename, _type, data),) = _attachments(message)
    text = pdf_text(data)
    assert filename == "intensjonsavtale-1856.pdf"
    assert "Til Røst kommune (kommunenummer 1856)" in text
    assert "Løysingar eHelse Nord tilbyr felles innføring av" in text
    assert "Svar innan fristen." in text  # the round's nynorsk letter
    assert "Løsninger eHelse Nord" not in text


def test_agreement_send_keeps_special_characters_of_the_round_name(
    make_round: Any, bodo: Any, bodo_contact: Any, coordinator: Any, smtp_server: Any
) -> None:
    round_ = make_round(name='Runde «Trygg & digital» "2027"')
    services.agreement_send(agreement=agreement_of(round_, bodo), by=coordinator)
    (message,) = smtp_server.messages
    assert _subject(message) == 'Intensjonsavtale fra eHelse Nord: Runde «Trygg & digital» "2027"'
    assert 'Avtalerunden «Runde «Trygg & digital» "2027"» tilbyr:' in _body(message)


def test_agreement_send_only_by_a_coordinator(
    agreement_round: AgreementRound, bodo: Any, bodo_contact: Any, smtp_server: Any
) -> None:
    agreement = agreement_of(agreement_round, bodo)
    with pytest.raises(PermissionDenied):
        services.agreement_send(agreement=agreement, by=bodo_contact)
    assert (fresh(agreement).status, fresh(agreement).revision, smtp_server.messages) == ("draft", 0, [])


def test_agreement_send_refused_without_a_contact_person(
    agreement_round: AgreementRound, bodo: Any, coordinator: Any, make_user: Any, smtp_server: Any
) -> None:
    make_user(role="municipality_contact", municipalities=[bodo], is_active=False)
    agreement = agreement_of(agreement_round, bodo)
    with pytest.raises(ValidationError) as refused:
        services.agreement_send(agreement=agreement, by=coordinator)
    assert refused.value.messages == [
        _("%(municipality)s has no contact person with an account yet. Invite one first.") % {"municipality": "Bodø"}
    ]
    assert (fresh(agreement).status, fresh(agreement).revision, fresh(agreement).sent_at) == ("draft", 0, None)
    assert [event.action for event in agreement_events(agreement)] == ["created"]
    assert smtp_server.messages == []


def test_agreement_send_refused_after_the_answer_deadline_until_it_is_extended(
    agreement_round: AgreementRound, bodo: Any, bodo_contact: Any, coordinator: Any, smtp_server: Any
) -> None:
    agreement = agreement_of(agreement_round, bodo)
    late = "The answer deadline (%(date)s) has passed. Extend it before sending."
    with time_machine.travel(datetime(2026, 10, 16, 9, 0, tzinfo=OSLO)):
        with pytest.raises(ValidationError) as refused:
            services.agreement_send(agreement=agreement, by=coordinator)
        assert refused.value.messages == [_(late) % {"date": "15.10.2026"}]
        result = services.round_send(round_=agreement_round, by=coordinator)
        assert (result.sent, result.error) == ([], _(late) % {"date": "15.10.2026"})
        assert (fresh(agreement).status, fresh(agreement).revision, smtp_server.messages) == ("draft", 0, [])

        services.round_extend_deadline(by=coordinator, round_=agreement_round, deadline=date(2026, 11, 1))
        assert fresh(agreement).status == "draft"
        services.agreement_send(agreement=agreement, by=coordinator)
    assert fresh(agreement).status == "sent"
    assert [message["To"] for message in smtp_server.messages] == [bodo_contact.email]


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_agreement_send_stays_a_draft_when_the_mail_server_is_down(
    agreement_round: AgreementRound, bodo: Any, bodo_contact: Any, coordinator: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    agreement = agreement_of(agreement_round, bodo)
    with pytest.raises(OSError):
        services.agreement_send(agreement=agreement, by=coordinator)
    assert (fresh(agreement).status, fresh(agreement).revision, fresh(agreement).sent_at) == ("draft", 0, None)
    assert [event.action for event in agreement_events(agreement)] == ["created"]


# --- round_send ----------------------------------------------------------------------------------------


def test_round_send_sends_every_draft_with_a_contact(
    agreement_round: AgreementRound,
    bodo: Any,
    rost: Any,
    bodo_contact: Any,
    rost_contact: Any,
    coordinator: Any,
    smtp_server: Any,
) -> None:
    result = services.round_send(round_=agreement_round, by=coordinator)

    assert [agreement.municipality.name for agreement in result.sent] == ["Bodø", "Røst"]
    assert len(result.without_recipients) == 78
    assert {agreement.municipality_id for agreement in result.without_recipients} == set(
        Municipality.objects.filter(county__in_region=True)
        .exclude(number__in=["1804", "1856"])
        .values_list("number", flat=True)
    )
    assert result.error == ""
    assert sorted(message["To"] for message in smtp_server.messages) == sorted([bodo_contact.email, rost_contact.email])
    statuses = dict(
        IntentAgreement.objects.filter(round=agreement_round)
        .exclude(status="draft")
        .values_list("municipality", "status")
    )
    assert statuses == {"1804": "sent", "1856": "sent"}

    again = services.round_send(round_=agreement_round, by=coordinator)
    assert (again.sent, len(again.without_recipients), len(smtp_server.messages)) == ([], 78, 2)


def test_round_send_only_by_a_coordinator(agreement_round: AgreementRound, bodo_contact: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.round_send(round_=agreement_round, by=bodo_contact)
    assert not IntentAgreement.objects.filter(round=agreement_round).exclude(status="draft").exists()


class _RefusingCollector:
    """An aiosmtpd handler that accepts mail, except to the addresses it is told to refuse."""

    def __init__(self, refuse: set[str]) -> None:
        self.refuse = refuse
        self.recipients: list[list[str]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address in self.refuse:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@pytest.fixture
def refusing_smtp_server(settings: Any, rost_contact: Any) -> Iterator[_RefusingCollector]:
    from aiosmtpd.controller import Controller

    port = _closed_port()
    collector = _RefusingCollector({rost_contact.email})
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield collector
    finally:
        controller.stop()


def test_round_send_stops_at_a_mail_server_failure_and_keeps_what_was_sent(
    agreement_round: AgreementRound,
    bodo: Any,
    rost: Any,
    bodo_contact: Any,
    coordinator: Any,
    rost_contact: Any,
    refusing_smtp_server: _RefusingCollector,
    make_user: Any,
) -> None:
    tromso = Municipality.objects.get(name="Tromsø")
    make_user(role="municipality_contact", municipalities=[tromso])

    result = services.round_send(round_=agreement_round, by=coordinator)

    assert [agreement.municipality.name for agreement in result.sent] == ["Bodø"]
    assert result.error == str({rost_contact.email: (550, b"No such user here")})
    assert refusing_smtp_server.recipients == [[bodo_contact.email]]
    statuses = dict(
        IntentAgreement.objects.filter(round=agreement_round, municipality__in=[bodo, rost, tromso]).values_list(
            "municipality__name", "status"
        )
    )
    assert statuses == {"Bodø": "sent", "Røst": "draft", "Tromsø": "draft"}
    assert [event.action for event in agreement_events(agreement_of(agreement_round, rost))] == ["created"]


# --- agreement_open ------------------------------------------------------------------------------------


def test_agreement_open_by_the_municipality_s_contact_once(sent_bodo: IntentAgreement, bodo_contact: Any) -> None:
    opened = services.agreement_open(agreement=sent_bodo, by=bodo_contact)
    assert opened.status == "opened"
    stored = IntentAgreement.objects.get(pk=sent_bodo.pk)
    assert (stored.status, stored.opened_at is not None, stored.revision) == ("opened", True, sent_bodo.revision + 1)
    services.agreement_open(agreement=fresh(sent_bodo), by=bodo_contact)
    assert [(e.action, e.actor) for e in agreement_events(sent_bodo)][:2] == [
        ("opened", bodo_contact),
        ("sent", sent_bodo.round.created_by),
    ]
    assert IntentAgreement.objects.get(pk=sent_bodo.pk).opened_at == stored.opened_at


@pytest.mark.parametrize("who", ["rost_contact", "coordinator", "reader"])
def test_agreement_open_by_anyone_else_changes_nothing(
    request: pytest.FixtureRequest, sent_bodo: IntentAgreement, who: str
) -> None:
    before = _state(sent_bodo)
    agreement = services.agreement_open(agreement=sent_bodo, by=request.getfixturevalue(who))
    assert agreement.status == "sent"
    assert _state(sent_bodo) == before
    assert IntentAgreement.objects.get(pk=sent_bodo.pk).opened_at is None


def test_agreement_open_of_a_draft_changes_nothing(
    agreement_round: AgreementRound, bodo: Any, bodo_contact: Any
) -> None:
    agreement = agreement_of(agreement_round, bodo)
    before = _state(agreement)
    assert services.agreement_open(agreement=agreement, by=bodo_contact).status == "draft"
    assert _state(agreement) == before


# --- agreement_save_answer -------------------------------------------------------------------------------


def test_agreement_save_answer_stores_a_draft_answer(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    answer = make_answer(opened_bodo, {PLL: Q2}, signatory=("Ola Ordfører", ""))
    saved = services.agreement_save_answer(
        agreement=opened_bodo, by=bodo_contact, revision=opened_bodo.revision, answer=answer
    )
    assert (saved.status, saved.revision) == ("opened", opened_bodo.revision + 1)
    assert _commitments(opened_bodo) == [(PLL, Q2)]
    assert (saved.contacts, saved.signatory_name, saved.signatory_title) == (
        [
            {
                "name": "Berit Bodø",
                "title": "Rådgiver e-helse",
                "email": "berit@bodo.kommune.example",
                "phone": "75 55 50 00",
            }
        ],
        "Ola Ordfører",
        "",
    )
    event = agreement_events(opened_bodo).first()
    assert event is not None
    assert (event.action, event.actor, event.from_status, event.to_status) == ("saved", bodo_contact, "", "")
    assert event.changes == {
        "commitments": [[], [f"PLL ({quarter_label(Q2)})"]],
        "contacts": [[], ["Berit Bodø, Rådgiver e-helse, berit@bodo.kommune.example, 75 55 50 00"]],
        "signatory_name": ["", "Ola Ordfører"],
    }
    # Saving again with another quarter replaces the commitment; the history has only what changed.
    again = services.agreement_save_answer(
        agreement=saved,
        by=bodo_contact,
        revision=saved.revision,
        answer=make_answer(saved, {PLL: Q3}, signatory=("Ola Ordfører", "")),
    )
    assert _commitments(again) == [(PLL, Q3)]
    latest = agreement_events(opened_bodo).first()
    assert latest is not None
    assert latest.changes == {"commitments": [[f"PLL ({quarter_label(Q2)})"], [f"PLL ({quarter_label(Q3)})"]]}
    assert Implementation.objects.count() == 0  # only signing touches the records


STALE = (
    "The agreement has changed since you opened it (perhaps the form was sent twice, or someone else "
    "saved it meanwhile). Nothing was changed: reload the page and try again."
)


def test_agreement_save_answer_from_a_stale_page_changes_nothing(
    opened_bodo: IntentAgreement, bodo_contact: Any
) -> None:
    before = _state(opened_bodo)
    with pytest.raises(ValidationError) as refused:
        services.agreement_save_answer(
            agreement=opened_bodo, by=bodo_contact, revision=opened_bodo.revision - 1, answer=make_answer(opened_bodo)
        )
    assert refused.value.messages == [_(STALE)]
    assert _state(opened_bodo) == before


def test_agreement_save_answer_second_submit_of_the_same_form_changes_nothing(
    opened_bodo: IntentAgreement, bodo_contact: Any
) -> None:
    revision = opened_bodo.revision
    services.agreement_save_answer(
        agreement=opened_bodo, by=bodo_contact, revision=revision, answer=make_answer(opened_bodo, {PLL: Q2})
    )
    after_first = _state(opened_bodo)
    with pytest.raises(ValidationError) as refused:
        services.agreement_save_answer(
            agreement=opened_bodo, by=bodo_contact, revision=revision, answer=make_answer(opened_bodo, {DHO: Q4})
        )
    assert refused.value.messages == [_(STALE)]
    assert _state(opened_bodo) == after_first
    assert _commitments(opened_bodo) == [(PLL, Q2)]


@pytest.mark.parametrize("who", ["rost_contact", "coordinator", "reader"])
def test_agreement_save_answer_by_anyone_but_the_municipality_s_contact_is_denied(
    request: pytest.FixtureRequest, opened_bodo: IntentAgreement, who: str
) -> None:
    before = _state(opened_bodo)
    with pytest.raises(PermissionDenied) as refused:
        services.agreement_save_answer(
            agreement=opened_bodo,
            by=request.getfixturevalue(who),
            revision=opened_bodo.revision,
            answer=make_answer(opened_bodo),
        )
    assert str(refused.value) == _("Only the contacts of %(municipality)s can answer this agreement.") % {
        "municipality": "Bodø"
    }
    assert _state(opened_bodo) == before


def test_agreement_save_answer_refuses_a_solution_offered_in_another_round(
    opened_bodo: IntentAgreement, bodo_contact: Any, make_round: Any
) -> None:
    other_round = make_round(["digihelse"], name="En annen runde")
    before = _state(opened_bodo)
    answer = Answer(
        commitments={offer_pk(opened_bodo.round, PLL): Q2, offer_pk(other_round, "digihelse"): Q2},
        contacts=[CONTACT],
    )
    with pytest.raises(ValidationError) as refused:
        services.agreement_save_answer(
            agreement=opened_bodo, by=bodo_contact, revision=opened_bodo.revision, answer=answer
        )
    assert refused.value.message_dict == {"commitments": [_("You can only commit to solutions offered in this round.")]}
    assert _state(opened_bodo) == before


@pytest.mark.parametrize("quarter", [date(2026, 10, 1), date(2028, 1, 1), date(2027, 2, 15)])
def test_agreement_save_answer_refuses_a_quarter_outside_the_period(
    opened_bodo: IntentAgreement, bodo_contact: Any, quarter: date
) -> None:
    before = _state(opened_bodo)
    with pytest.raises(ValidationError) as refused:
        services.agreement_save_answer(
            agreement=opened_bodo,
            by=bodo_contact,
            revision=opened_bodo.revision,
            answer=make_answer(opened_bodo, {PLL: quarter}),
        )
    assert refused.value.message_dict == {
        "commitments": [
            _("Choose a target quarter within the round's period for %(solution)s.")
            % {"solution": "Pasientens legemiddelliste (PLL)"}
        ]
    }
    assert _state(opened_bodo) == before


@pytest.mark.parametrize(
    ("contacts", "errors"),
    [
        pytest.param(
            [Contact(name="", email="a@b.example")], {"contacts": ["Give each contact person a name."]}, id="no-name"
        ),
        pytest.param(
            [Contact(name="Anne", email="ikke-en-adresse")],
            {"contacts": ["“%(email)s” is not a valid e-mail address."]},
            id="bad-email",
        ),
        pytest.param(
            [Contact(name=f"Person {i}") for i in range(4)],
            {"contacts": ["Name at most %(max)d contact persons."]},
            id="too-many",
        ),
    ],
)
def test_agreement_save_answer_refuses_bad_contacts(
    opened_bodo: IntentAgreement, bodo_contact: Any, contacts: list[Contact], errors: dict[str, list[str]]
) -> None:
    before = _state(opened_bodo)
    with pytest.raises(ValidationError) as refused:
        services.agreement_save_answer(
            agreement=opened_bodo,
            by=bodo_contact,
            revision=opened_bodo.revision,
            answer=make_answer(opened_bodo, contacts=contacts),
        )
    expected = {
        key: [_(message) % {"email": "ikke-en-adresse", "max": 3} for message in messages]
        for key, messages in errors.items()
    }
    assert refused.value.message_dict == expected
    assert _state(opened_bodo) == before


# --- agreement_sign ------------------------------------------------------------------------------------


def test_agreement_sign_freezes_a_version_and_plans_the_records(
    opened_bodo: IntentAgreement, bodo: Any, bodo_contact: Any
) -> None:
    result = sign(opened_bodo, bodo_contact)

    version = AgreementVersion.objects.get(agreement=opened_bodo)
    assert result.version == version
    assert (version.number, version.method, version.signatory_name, version.signatory_title, version.signed_by) == (
        1,
        "platform",
        "Ola Ordfører",
        "Kommunedirektør",
        bodo_contact,
    )
    assert version.fingerprint == content_fingerprint(version.content)
    assert len(version.fingerprint) == 64
    assert version.content["signature"] == {
        "version": 1,
        "signed_at": version.signed_at.isoformat(),
        "signed_by": "Berit Bodø",
        "method": "platform",
        "scan_sha256": "",
    }
    assert version.content["municipality"] == {"number": "1804", "name": "Bodø"}
    assert version.content["commitments"] == [
        {
            "solution": PLL,
            "name": "Pasientens legemiddelliste (PLL)",
            "target_quarter": "2027-04-01",
            "target_date": "2027-06-30",
        },
        {
            "solution": KJ_PLO,
            "name": "Kjernejournal i sykehjem og hjemmetjeneste",
            "target_quarter": "2027-10-01",
            "target_date": "2027-12-31",
        },
    ]
    assert [offer["solution"] for offer in version.content["offers"]] == list(OFFERED)
    assert version.content["letter"] == LETTER_NB
    assert version.content["signatory"] == {"name": "Ola Ordfører", "title": "Kommunedirektør"}
    # The content is what the agreement says now, plus the signature.
    current = fresh(opened_bodo)
    assert version.content == agreement_content(
        current, version=1, signed_at=version.signed_at, signed_by="Berit Bodø", method="platform"
    )

    assert (current.status, current.answered_at) == ("signed", version.signed_at)
    event = agreement_events(opened_bodo).first()
    assert event is not None
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "signed",
        bodo_contact,
        "opened",
        "signed",
    )

    assert result.records_changed == 2
    assert _records(bodo) == {PLL: ("planlagt", date(2027, 6, 30)), KJ_PLO: ("planlagt", date(2027, 12, 31))}
    assert set(
        ImplementationChange.objects.values_list(
            "implementation__solution__slug",
            "field",
            "old_value",
            "new_value",
            "source",
            "agreement_version",
            "changed_by",
        )
    ) == {
        (PLL, "phase", "ikke_startet", "planlagt", "agreement", version.pk, bodo_contact.pk),
        (PLL, "target_date", "", "2027-06-30", "agreement", version.pk, bodo_contact.pk),
        (KJ_PLO, "phase", "ikke_startet", "planlagt", "agreement", version.pk, bodo_contact.pk),
        (KJ_PLO, "target_date", "", "2027-12-31", "agreement", version.pk, bodo_contact.pk),
    }
    assert set(ImplementationChange.objects.values_list("reason", flat=True)) == {
        _("Intent agreement %(round)s, version %(number)d") % {"round": ROUND_NAME, "number": 1}
    }


def test_agreement_sign_keeps_records_that_are_further_along(
    opened_bodo: IntentAgreement, bodo: Any, bodo_contact: Any, coordinator: Any
) -> None:
    pll, kj_plo, dho = (Solution.objects.get(slug=slug) for slug in OFFERED)
    implementation_update(
        municipality=bodo, solution=pll, user=coordinator, changes={"phase": "i_drift", "target_date": date(2025, 5, 1)}
    )
    implementation_update(
        municipality=bodo, solution=kj_plo, user=coordinator, changes={"phase": "forberedelse", "target_date": None}
    )
    implementation_update(municipality=bodo, solution=dho, user=coordinator, changes={"phase": "ikke_aktuell"})
    changes_before = ImplementationChange.objects.count()

    result = sign(opened_bodo, bodo_contact, make_answer(opened_bodo, {PLL: Q2, KJ_PLO: Q3, DHO: Q4}))

    assert _records(bodo) == {
        PLL: ("i_drift", date(2025, 5, 1)),  # in use: neither phase nor date changes
        KJ_PLO: ("forberedelse", date(2027, 9, 30)),  # beyond planned: keeps its phase, gets the date
        DHO: ("planlagt", date(2027, 12, 31)),  # was not relevant: now planned
    }
    assert result.records_changed == 2
    assert list(
        ImplementationChange.objects.order_by("id")[changes_before:].values_list(
            "implementation__solution__slug", "field", "old_value", "new_value", "agreement_version"
        )
    ) == [
        (KJ_PLO, "target_date", "", "2027-09-30", result.version.pk),
        (DHO, "phase", "ikke_aktuell", "planlagt", result.version.pk),
        (DHO, "target_date", "", "2027-12-31", result.version.pk),
    ]


def test_agreement_sign_of_a_signed_agreement_is_refused(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    sign(opened_bodo, bodo_contact)
    before = _state(opened_bodo)
    with pytest.raises(ValidationError) as refused:
        sign(opened_bodo, bodo_contact, make_answer(opened_bodo, {DHO: Q2}))
    assert refused.value.messages == [_("The agreement is signed and locked. A coordinator can reopen it.")]
    current = fresh(opened_bodo)
    with pytest.raises(ValidationError):
        services.agreement_save_answer(
            agreement=current, by=bodo_contact, revision=current.revision, answer=make_answer(current, {DHO: Q2})
        )
    with pytest.raises(ValidationError):
        services.agreement_decline(agreement=current, by=bodo_contact, revision=current.revision, reason="Nei likevel")
    assert _state(opened_bodo) == before


ALREADY_SIGNED = "The agreement has already been signed, so nothing was changed. Reload the page to see it."


def test_agreement_sign_second_submit_of_the_same_form_is_told_it_is_signed(
    opened_bodo: IntentAgreement, bodo_contact: Any
) -> None:
    answer = make_answer(opened_bodo)
    services.agreement_sign(agreement=opened_bodo, by=bodo_contact, revision=opened_bodo.revision, answer=answer)
    before = _state(opened_bodo)
    with pytest.raises(ValidationError) as refused:
        services.agreement_sign(agreement=opened_bodo, by=bodo_contact, revision=opened_bodo.revision, answer=answer)
    assert refused.value.messages == [_(ALREADY_SIGNED)]
    assert _state(opened_bodo) == before


def test_agreement_sign_needs_a_complete_answer(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    before = _state(opened_bodo)
    with pytest.raises(ValidationError) as refused:
        sign(opened_bodo, bodo_contact, make_answer(opened_bodo, {}, contacts=(), signatory=("", "")))
    assert refused.value.message_dict == {
        "commitments": [_("Choose at least one solution to sign, or decline the agreement.")],
        "contacts": [_("Name at least one contact person.")],
        "signatory_name": [_("Enter the signatory's name.")],
        "signatory_title": [_("Enter the signatory's title.")],
    }
    assert _state(opened_bodo) == before


def test_agreement_sign_by_a_contact_of_another_municipality_is_denied(
    opened_bodo: IntentAgreement, rost_contact: Any
) -> None:
    before = _state(opened_bodo)
    with pytest.raises(PermissionDenied):
        sign(opened_bodo, rost_contact)
    assert _state(opened_bodo) == before


# --- Signed scans --------------------------------------------------------------------------------------


@pytest.fixture
def scan_pdf(opened_bodo: IntentAgreement) -> bytes:
    """A real PDF: the unsigned letter, as if printed, signed on paper and scanned."""
    return letter_pdf(agreement_content(opened_bodo))


def test_agreement_sign_with_a_scanned_pdf(opened_bodo: IntentAgreement, bodo_contact: Any, scan_pdf: bytes) -> None:
    result = sign(opened_bodo, bodo_contact, method="scan", scan=scan_pdf)
    version = AgreementVersion.objects.get(pk=result.version.pk)
    assert (version.method, bytes(version.scan or b"")) == ("scan", scan_pdf)
    assert version.content["signature"]["method"] == "scan"
    assert version.content["signature"]["scan_sha256"] == hashlib.sha256(scan_pdf).hexdigest()
    assert version.fingerprint == content_fingerprint(version.content)
    assert fresh(opened_bodo).status == "signed"


@pytest.mark.parametrize(
    ("scan", "message"),
    [
        pytest.param(b"", "Choose the signed PDF to upload.", id="missing"),
        pytest.param(
            b"GIF89a\x01\x00\x01\x00", "The file is not a PDF. Upload the signed agreement as a PDF.", id="gif"
        ),
        pytest.param(
            b"%PDF-1.7\nthis is not really a PDF\n%%EOF\n",
            "The PDF cannot be read. Scan the signed agreement again and upload it.",
            id="broken-pdf",
        ),
    ],
)
def test_agreement_sign_refuses_a_scan_that_is_not_a_pdf(
    opened_bodo: IntentAgreement, bodo_contact: Any, scan: bytes, message: str
) -> None:
    before = _state(opened_bodo)
    with pytest.raises(ValidationError) as refused:
        sign(opened_bodo, bodo_contact, method="scan", scan=scan)
    assert refused.value.message_dict == {"scan": [_(message)]}
    assert _state(opened_bodo) == before


def test_agreement_sign_refuses_a_scan_that_is_too_large(
    opened_bodo: IntentAgreement, bodo_contact: Any, scan_pdf: bytes, settings: Any
) -> None:
    settings.AGREEMENT_SCAN_MAX_BYTES = 2000
    assert len(scan_pdf) > 2000
    before = _state(opened_bodo)
    with pytest.raises(ValidationError) as refused:
        sign(opened_bodo, bodo_contact, method="scan", scan=scan_pdf)
    assert refused.value.message_dict == {
        "scan": [_("The file is too large. It can be at most %(size)s.") % {"size": filesizeformat(2000)}]
    }
    assert _state(opened_bodo) == before
    # Exactly at the limit is accepted.
    settings.AGREEMENT_SCAN_MAX_BYTES = len(scan_pdf)
    assert sign(opened_bodo, bodo_contact, method="scan", scan=scan_pdf).version.number == 1


def test_agreement_sign_refuses_an_unknown_method(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    before = _state(opened_bodo)
    with pytest.raises(ValidationError) as refused:
        sign(opened_bodo, bodo_contact, method="fax")
    assert refused.value.message_dict == {"method": [_("Choose how the agreement is signed.")]}
    assert _state(opened_bodo) == before


# --- agreement_decline ---------------------------------------------------------------------------------


def test_agreement_decline_keeps_the_reason(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    services.agreement_decline(
        agreement=opened_bodo, by=bodo_contact, revision=opened_bodo.revision, reason="  Ingen kapasitet i 2027. "
    )
    stored = IntentAgreement.objects.get(pk=opened_bodo.pk)
    assert (stored.status, stored.decline_reason, stored.answered_at is not None) == (
        "declined",
        "Ingen kapasitet i 2027.",
        True,
    )
    event = agreement_events(opened_bodo).first()
    assert event is not None
    assert (event.action, event.actor, event.note) == ("declined", bodo_contact, "Ingen kapasitet i 2027.")
    assert Implementation.objects.count() == 0


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_agreement_decline_needs_a_reason(opened_bodo: IntentAgreement, bodo_contact: Any, reason: str) -> None:
    before = _state(opened_bodo)
    with pytest.raises(ValidationError) as refused:
        services.agreement_decline(agreement=opened_bodo, by=bodo_contact, revision=opened_bodo.revision, reason=reason)
    assert refused.value.message_dict == {"reason": [_("Say why the municipality declines.")]}
    assert _state(opened_bodo) == before


def test_agreement_decline_by_another_municipality_is_denied(opened_bodo: IntentAgreement, rost_contact: Any) -> None:
    before = _state(opened_bodo)
    with pytest.raises(PermissionDenied):
        services.agreement_decline(agreement=opened_bodo, by=rost_contact, revision=opened_bodo.revision, reason="Nei")
    assert _state(opened_bodo) == before


# --- agreement_reopen, new versions and the fingerprint check ------------------------------------------------


@pytest.fixture
def signed_bodo(opened_bodo: IntentAgreement, bodo_contact: Any) -> IntentAgreement:
    sign(opened_bodo, bodo_contact)
    return fresh(opened_bodo)


REASON = "Kommunen vil også ta i bruk digital hjemmeoppfølging."


@pytest.mark.parametrize("who", ["bodo_contact", "reader"])
def test_agreement_reopen_only_by_a_coordinator(
    request: pytest.FixtureRequest, signed_bodo: IntentAgreement, who: str
) -> None:
    before = _state(signed_bodo)
    with pytest.raises(PermissionDenied):
        services.agreement_reopen(
            agreement=signed_bodo, by=request.getfixturevalue(who), revision=signed_bodo.revision, reason=REASON
        )
    assert _state(signed_bodo) == before


@pytest.mark.parametrize("reason", ["", "For kort", "  kort     "])
def test_agreement_reopen_needs_a_written_reason(signed_bodo: IntentAgreement, coordinator: Any, reason: str) -> None:
    before = _state(signed_bodo)
    with pytest.raises(ValidationError) as refused:
        services.agreement_reopen(agreement=signed_bodo, by=coordinator, revision=signed_bodo.revision, reason=reason)
    assert refused.value.message_dict == {
        "reason": [_("Write why the agreement is reopened (at least %(min)d characters).") % {"min": 10}]
    }
    assert _state(signed_bodo) == before


def test_agreement_reopen_accepts_a_reason_of_ten_characters(signed_bodo: IntentAgreement, coordinator: Any) -> None:
    services.agreement_reopen(
        agreement=signed_bodo, by=coordinator, revision=signed_bodo.revision, reason=" Ti tegn ok "
    )
    assert (fresh(signed_bodo).status, agreement_events(signed_bodo)[0].note) == ("reopened", "Ti tegn ok")


def test_agreement_reopen_and_sign_again_makes_a_new_version(
    signed_bodo: IntentAgreement, bodo: Any, bodo_contact: Any, coordinator: Any
) -> None:
    first = AgreementVersion.objects.get(agreement=signed_bodo, number=1)
    first_content = copy.deepcopy(first.content)
    first_pdf_text = pdf_text(letter_pdf(first.content, first.fingerprint))

    services.agreement_reopen(agreement=signed_bodo, by=coordinator, revision=signed_bodo.revision, reason=REASON)

    reopened = fresh(signed_bodo)
    assert reopened.status == "reopened"
    event = agreement_events(reopened).first()
    assert event is not None
    assert (event.action, event.actor, event.from_status, event.to_status, event.note) == (
        "reopened",
        coordinator,
        "signed",
        "reopened",
        REASON,
    )
    assert list(reopened.versions.values_list("number", flat=True)) == [1]
    assert _commitments(reopened) == [(PLL, Q2), (KJ_PLO, Q4)]  # the answer stays as signed
    assert fingerprint_lookup(first.fingerprint) == FingerprintMatch(
        round_name=ROUND_NAME,
        municipality_name="Bodø",
        municipality_number="1804",
        version=1,
        signed_at=first.signed_at,
        is_current=False,
    )

    result = sign(reopened, bodo_contact, make_answer(reopened, {PLL: Q3, DHO: Q2}))

    second = result.version
    assert (second.number, fresh(signed_bodo).status) == (2, "signed")
    assert second.fingerprint != first.fingerprint
    assert second.fingerprint == content_fingerprint(second.content)
    assert [c["solution"] for c in second.content["commitments"]] == [PLL, DHO]
    # Version 1 reads as it was signed.
    kept = agreement_version_get(fresh(signed_bodo), 1)
    assert (kept.content, kept.fingerprint) == (first_content, first.fingerprint)
    assert content_fingerprint(kept.content) == first.fingerprint
    assert pdf_text(letter_pdf(kept.content, kept.fingerprint)) == first_pdf_text
    # The records follow the new version; KJ PLO, planned by version 1, stays planned.
    assert _records(bodo) == {
        PLL: ("planlagt", date(2027, 9, 30)),
        KJ_PLO: ("planlagt", date(2027, 12, 31)),
        DHO: ("planlagt", date(2027, 6, 30)),
    }
    assert sorted(
        ImplementationChange.objects.filter(agreement_version=second).values_list(
            "implementation__solution__slug", "field", "old_value", "new_value"
        )
    ) == [
        (DHO, "phase", "ikke_startet", "planlagt"),
        (DHO, "target_date", "", "2027-06-30"),
        (PLL, "target_date", "2027-06-30", "2027-09-30"),
    ]

    assert fingerprint_lookup(first.fingerprint) == FingerprintMatch(
        round_name=ROUND_NAME,
        municipality_name="Bodø",
        municipality_number="1804",
        version=1,
        signed_at=first.signed_at,
        is_current=False,
    )
    assert fingerprint_lookup(f"  {second.fingerprint.upper()} \n") == FingerprintMatch(
        round_name=ROUND_NAME,
        municipality_name="Bodø",
        municipality_number="1804",
        version=2,
        signed_at=second.signed_at,
        is_current=True,
    )


def test_fingerprint_lookup_of_a_current_version_and_of_unknown_ones(signed_bodo: IntentAgreement) -> None:
    version = AgreementVersion.objects.get(agreement=signed_bodo)
    match = fingerprint_lookup(version.fingerprint)
    assert match is not None
    assert (match.version, match.is_current, match.municipality_name) == (1, True, "Bodø")
    assert fingerprint_lookup("0" * 64) is None
    assert fingerprint_lookup("") is None
    assert fingerprint_lookup(version.fingerprint[:63]) is None


# --- Two people sign at once (PostgreSQL) ------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_agreement_sign_two_people_at_once_exactly_one_succeeds(reference_data: Any, settings: Any) -> None:
    from ehelsenord.accounts.enums import Role
    from ehelsenord.accounts.tests.factories import UserFactory

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    bodo = Municipality.objects.get(number="1804")
    coordinator: Any = UserFactory(role=Role.EHEALTH_CONTACT)
    contacts = [
        UserFactory(role=Role.MUNICIPALITY_CONTACT, full_name=name, municipalities=[bodo])
        for name in ("Berit Bodø", "Anne Bodø")
    ]
    round_ = services.round_create(by=coordinator, data=round_input())
    services.agreement_send(agreement=agreement_of(round_, bodo), by=coordinator)
    agreement = agreement_of(round_, bodo)
    revision = agreement.revision
    barrier = threading.Barrier(2)
    results: list[Any] = []
    errors: list[BaseException] = []

    def sign_as(user: Any, quarter: date) -> None:
        try:
            mine = agreement_of(round_, bodo)
            answer = make_answer(mine, {PLL: quarter}, signatory=(user.full_name, "Kommunedirektør"))
            barrier.wait()
            results.append(services.agreement_sign(agreement=mine, by=user, revision=revision, answer=answer))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_as, args=(user, q)) for user, q in zip(contacts, (Q2, Q3), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 1
    assert [type(error) for error in errors] == [ValidationError]
    assert errors[0].messages == [_(ALREADY_SIGNED)]  # type: ignore[attr-defined]
    winner = results[0].version
    assert list(AgreementVersion.objects.filter(agreement=agreement).values_list("number", "signatory_name")) == [
        (1, winner.signatory_name)
    ]
    stored = fresh(agreement)
    assert (stored.status, stored.signatory_name, stored.revision) == ("signed", winner.signatory_name, revision + 1)
    quarter = Q2 if winner.signatory_name == "Berit Bodø" else Q3
    assert _commitments(stored) == [(PLL, quarter)]
    assert [event.action for event in agreement_events(stored)].count("signed") == 1
    assert ImplementationChange.objects.filter(agreement_version=winner).count() == 2
