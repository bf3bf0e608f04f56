"""Reminders before the answer deadline and expiry after it: agreements_remind_and_expire and
`manage.py send_agreement_reminders`, with the mail going through a real SMTP server on loopback.

The round's deadline is 15 October 2026 and the reminder days are 14, 7 and 1 (the default).
"""

from __future__ import annotations

import socket
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from ehelsenord.agreements import services
from ehelsenord.agreements.models import AgreementReminder, AgreementRound, IntentAgreement
from ehelsenord.agreements.selectors import agreement_events
from ehelsenord.agreements.services import ReminderRun, agreements_remind_and_expire
from ehelsenord.agreements.tests.conftest import (
    DEADLINE,
    OSLO,
    ROUND_NAME,
    agreement_of,
    fresh,
    pdf_text,
    sign,
)
from ehelsenord.municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def _day(days_before: int) -> date:
    return DEADLINE - timedelta(days=days_before)


def _subject(message: Any) -> str:
    return " ".join(str(message["Subject"]).split())


def _body(message: Any) -> str:
    return str(message.get_body(("plain",)).get_content()).replace("\r\n", "\n")


@pytest.fixture
def outbox(sent_bodo: IntentAgreement, smtp_server: Any) -> list[Any]:
    """The mail the SMTP server receives after Bodø's agreement was sent."""
    smtp_server.messages.clear()
    return smtp_server.messages


def _reminders(agreement: IntentAgreement) -> list[tuple[date, int, list[str]]]:
    return list(
        AgreementReminder.objects.filter(agreement=agreement)
        .order_by("-deadline", "-days_before")
        .values_list("deadline", "days_before", "recipients")
    )


def test_reminders_go_out_on_the_configured_days_only(
    sent_bodo: IntentAgreement, bodo_contact: Any, outbox: list[Any]
) -> None:
    sent_on: dict[date, int] = {}
    day = date(2026, 9, 1)
    while day <= DEADLINE:
        run = agreements_remind_and_expire(today=day)
        assert run.expired == 0
        if run.reminded:
            sent_on[day] = run.reminded
        day += timedelta(days=1)

    assert sent_on == {_day(14): 1, _day(7): 1, _day(1): 1}
    assert [message["To"] for message in outbox] == [bodo_contact.email] * 3
    assert _reminders(sent_bodo) == [
        (DEADLINE, 14, [bodo_contact.email]),
        (DEADLINE, 7, [bodo_contact.email]),
        (DEADLINE, 1, [bodo_contact.email]),
    ]
    first, _second, last = outbox
    assert _subject(first) == f"Påminnelse: intensjonsavtalen «{ROUND_NAME}» har svarfrist 15.10.2026"
    assert _body(first) == (
        "Hei,\n\n"
        f"Bodø kommune har ikke svart på intensjonsavtalen «{ROUND_NAME}» fra eHelse Nord. "
        "Svarfristen er 15.10.2026, om 14 dager.\n\n"
        "Åpne avtalen for å signere eller avslå:\n"
        f"http://testserver/avtaler/{sent_bodo.pk}/\n\n"
        "Brevet ligger vedlagt som PDF.\n\n"
        "Vennlig hilsen\neHelse Nord\n\n"
        "Du får denne e-posten fordi du er kontaktperson for Bodø i eHelse Nord.\n"
    )
    assert "Svarfristen er 15.10.2026, altså i morgen." in _body(last)
    ((filename, data),) = [(part.get_filename(), part.get_content()) for part in first.iter_attachments()]
    assert filename == "intensjonsavtale-1804.pdf"
    assert "Til Bodø kommune (kommunenummer 1804)" in pdf_text(data)
    events = [(event.action, event.actor, event.note) for event in agreement_events(sent_bodo)]
    assert events[:3] == [("reminded", None, bodo_contact.email)] * 3
    assert fresh(sent_bodo).status == "sent"  # a reminder changes no status


def test_running_twice_on_the_same_day_sends_nothing_twice(sent_bodo: IntentAgreement, outbox: list[Any]) -> None:
    assert agreements_remind_and_expire(today=_day(14)) == ReminderRun(reminded=1, expired=0)
    assert agreements_remind_and_expire(today=_day(14)) == ReminderRun(reminded=0, expired=0)
    # Nor on the days until the next threshold.
    assert agreements_remind_and_expire(today=_day(10)) == ReminderRun(reminded=0, expired=0)
    assert len(outbox) == 1
    assert AgreementReminder.objects.count() == 1


def test_a_missed_run_still_sends_the_reminder_once(
    sent_bodo: IntentAgreement, bodo_contact: Any, outbox: list[Any]
) -> None:
    assert agreements_remind_and_expire(today=_day(10)).reminded == 1
    assert agreements_remind_and_expire(today=_day(9)).reminded == 0
    assert "Svarfristen er 15.10.2026, om 10 dager." in _body(outbox[0])
    assert _reminders(sent_bodo) == [(DEADLINE, 14, [bodo_contact.email])]


def test_no_reminder_on_the_day_the_agreement_was_sent(
    make_round: Any, bodo: Any, bodo_contact: Any, coordinator: Any, smtp_server: Any
) -> None:
    round_ = make_round(answer_deadline=date(2026, 9, 10))
    services.agreement_send(agreement=agreement_of(round_, bodo), by=coordinator)
    assert agreements_remind_and_expire(today=date(2026, 9, 1)).reminded == 0
    assert agreements_remind_and_expire(today=date(2026, 9, 2)).reminded == 1
    assert len(smtp_server.messages) == 2  # the agreement itself, then the reminder
    assert "om 8 dager" in _body(smtp_server.messages[1])


def test_the_reminder_days_come_from_the_settings(sent_bodo: IntentAgreement, outbox: list[Any], settings: Any) -> None:
    settings.AGREEMENT_REMINDER_DAYS = [3]
    reminded = [day for day in (_day(n) for n in range(20, -1, -1)) if agreements_remind_and_expire(today=day).reminded]
    assert reminded == [_day(3)]
    assert _reminders(sent_bodo)[0][:2] == (DEADLINE, 3)


def test_answered_and_draft_agreements_get_no_reminder(
    agreement_round: AgreementRound,
    bodo: Any,
    rost: Any,
    bodo_contact: Any,
    rost_contact: Any,
    coordinator: Any,
    make_user: Any,
    smtp_server: Any,
) -> None:
    tromso, narvik, vagan = (Municipality.objects.get(name=name) for name in ("Tromsø", "Narvik", "Vågan"))
    tromso_contact, narvik_contact, vagan_contact = (
        make_user(role="municipality_contact", municipalities=[municipality])
        for municipality in (tromso, narvik, vagan)
    )
    for municipality in (bodo, rost, tromso, vagan):
        services.agreement_send(agreement=agreement_of(agreement_round, municipality), by=coordinator)
    services.agreement_open(agreement=agreement_of(agreement_round, vagan), by=vagan_contact)
    sign(agreement_of(agreement_round, rost), rost_contact)
    tromso_agreement = agreement_of(agreement_round, tromso)
    services.agreement_decline(
        agreement=tromso_agreement, by=tromso_contact, revision=tromso_agreement.revision, reason="Ikke i år."
    )
    smtp_server.messages.clear()

    assert agreements_remind_and_expire(today=_day(14)) == ReminderRun(reminded=2, expired=0)

    assert sorted(message["To"] for message in smtp_server.messages) == sorted(
        [bodo_contact.email, vagan_contact.email]
    )
    assert set(AgreementReminder.objects.values_list("agreement__municipality__name", flat=True)) == {"Bodø", "Vågan"}
    assert narvik_contact.email not in {message["To"] for message in smtp_server.messages}


def test_past_the_deadline_unanswered_agreements_expire(
    agreement_round: AgreementRound,
    bodo: Any,
    rost: Any,
    bodo_contact: Any,
    rost_contact: Any,
    coordinator: Any,
    make_user: Any,
    smtp_server: Any,
) -> None:
    vagan, narvik = Municipality.objects.get(name="Vågan"), Municipality.objects.get(name="Narvik")
    vagan_contact = make_user(role="municipality_contact", municipalities=[vagan])
    make_user(role="municipality_contact", municipalities=[narvik])
    for municipality in (bodo, rost, vagan):
        services.agreement_send(agreement=agreement_of(agreement_round, municipality), by=coordinator)
    services.agreement_open(agreement=agreement_of(agreement_round, vagan), by=vagan_contact)
    sign(agreement_of(agreement_round, rost), rost_contact)
    messages_before = len(smtp_server.messages)

    # On the deadline day nothing expires yet.
    assert agreements_remind_and_expire(today=DEADLINE).expired == 0
    assert agreements_remind_and_expire(today=DEADLINE + timedelta(days=1)) == ReminderRun(reminded=0, expired=2)

    statuses = dict(
        IntentAgreement.objects.filter(round=agreement_round, municipality__in=[bodo, rost, vagan, narvik]).values_list(
            "municipality__name", "status"
        )
    )
    assert statuses == {"Bodø": "expired", "Røst": "signed", "Vågan": "expired", "Narvik": "draft"}
    event = agreement_events(agreement_of(agreement_round, vagan)).first()
    assert event is not None
    assert (event.action, event.actor, event.from_status, event.to_status) == ("expired", None, "opened", "expired")
    # Expired agreements get no reminders, and the next run changes nothing.
    assert agreements_remind_and_expire(today=DEADLINE + timedelta(days=2)) == ReminderRun(reminded=0, expired=0)
    sent_after = len(smtp_server.messages) - messages_before
    assert sent_after == 2  # the 1-day reminders of the deadline-day run; nothing after the deadline


def test_an_extended_deadline_gets_its_own_reminders(
    sent_bodo: IntentAgreement, bodo_contact: Any, coordinator: Any, outbox: list[Any]
) -> None:
    for days in (14, 7, 1):
        agreements_remind_and_expire(today=_day(days))
    with time_machine.travel(datetime(2026, 10, 16, 6, 0, tzinfo=OSLO)):
        assert agreements_remind_and_expire().expired == 1
        services.round_extend_deadline(by=coordinator, round_=sent_bodo.round, deadline=date(2026, 11, 30))
    assert fresh(sent_bodo).status == "sent"
    assert agreements_remind_and_expire(today=date(2026, 11, 16)) == ReminderRun(reminded=1, expired=0)
    assert _reminders(sent_bodo)[0] == (date(2026, 11, 30), 14, [bodo_contact.email])
    assert _subject(outbox[-1]) == f"Påminnelse: intensjonsavtalen «{ROUND_NAME}» har svarfrist 30.11.2026"
    assert len(outbox) == 4


def test_the_reminder_in_nynorsk(
    agreement_round: AgreementRound, rost: Any, rost_contact: Any, coordinator: Any, smtp_server: Any
) -> None:
    Municipality.objects.filter(pk=rost.pk).update(written_language="nn")
    services.agreement_send(agreement=agreement_of(agreement_round, rost), by=coordinator)
    agreements_remind_and_expire(today=_day(14))
    reminder = smtp_server.messages[-1]
    assert _subject(reminder) == f"Påminning: intensjonsavtalen «{ROUND_NAME}» har svarfrist 15.10.2026"
    assert _body(reminder).startswith(
        f"Hei,\n\nRøst kommune har ikkje svart på intensjonsavtalen «{ROUND_NAME}» frå eHelse Nord. "
        "Svarfristen er 15.10.2026, om 14 dagar.\n\nOpne avtalen for å signere eller avslå:\n"
    )


def test_no_reminder_without_an_active_contact_but_it_still_expires(
    sent_bodo: IntentAgreement, bodo_contact: Any, outbox: list[Any]
) -> None:
    bodo_contact.is_active = False
    bodo_contact.save(update_fields=["is_active"])
    assert agreements_remind_and_expire(today=_day(14)) == ReminderRun(reminded=0, expired=0)
    assert (outbox, AgreementReminder.objects.count()) == ([], 0)
    assert agreements_remind_and_expire(today=DEADLINE + timedelta(days=1)).expired == 1


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_reminder_the_mail_server_did_not_take_is_sent_on_the_next_run(
    sent_bodo: IntentAgreement, settings: Any, outbox: list[Any]
) -> None:
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    with pytest.raises(OSError):
        agreements_remind_and_expire(today=_day(14))
    assert AgreementReminder.objects.count() == 0
    assert [event.action for event in agreement_events(sent_bodo)] == ["sent", "created"]
    settings.EMAIL_PORT = working_port
    assert agreements_remind_and_expire(today=_day(13)).reminded == 1
    assert _reminders(sent_bodo)[0][:2] == (DEADLINE, 14)


# --- The management command -------------------------------------------------------------------------


def _command() -> str:
    out = StringIO()
    call_command("send_agreement_reminders", stdout=out)
    return out.getvalue()


def test_send_agreement_reminders_command(sent_bodo: IntentAgreement, bodo_contact: Any, outbox: list[Any]) -> None:
    with time_machine.travel(datetime(2026, 10, 1, 7, 0, tzinfo=OSLO)):
        assert _command() == "Påminnelser sendt: 1. Utløpt: 0.\n"
        assert _command() == "Påminnelser sendt: 0. Utløpt: 0.\n"
    with time_machine.travel(datetime(2026, 10, 2, 7, 0, tzinfo=OSLO)):
        assert _command() == "Påminnelser sendt: 0. Utløpt: 0.\n"
    with time_machine.travel(datetime(2026, 10, 16, 0, 5, tzinfo=OSLO)):
        assert _command() == "Påminnelser sendt: 0. Utløpt: 1.\n"
    assert [message["To"] for message in outbox] == [bodo_contact.email]
    assert fresh(sent_bodo).status == "expired"
    assert _reminders(sent_bodo) == [(DEADLINE, 14, [bodo_contact.email])]
