"""Every status change goes through agreement_transition: the allowed ones happen, every other is refused.

Then each service that changes a status does so only from the statuses it may, with a clear message.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ehelsenord.agreements import services
from ehelsenord.agreements.enums import TRANSITIONS, AgreementAction, AgreementStatus
from ehelsenord.agreements.models import AgreementEvent, AgreementRound, IntentAgreement
from ehelsenord.agreements.selectors import agreement_events
from ehelsenord.agreements.tests.conftest import (
    DEADLINE,
    OSLO,
    agreement_of,
    fresh,
    make_answer,
    sign,
)
from ehelsenord.core.models import AuditEntry
from ehelsenord.municipalities.models import Municipality

pytestmark = pytest.mark.django_db

STATUSES = list(AgreementStatus)
ALLOWED = [(a, b) for a in STATUSES for b in STATUSES if b in TRANSITIONS.get(a, frozenset())]
REFUSED = [(a, b) for a in STATUSES for b in STATUSES if b not in TRANSITIONS.get(a, frozenset())]
TIMESTAMP: dict[str, str] = {
    AgreementStatus.SENT: "sent_at",
    AgreementStatus.OPENED: "opened_at",
    AgreementStatus.SIGNED: "answered_at",
    AgreementStatus.DECLINED: "answered_at",
}


def test_the_transition_table() -> None:
    assert {status: sorted(TRANSITIONS[status]) for status in TRANSITIONS} == {
        "draft": ["sent"],
        "sent": ["declined", "expired", "opened", "signed"],
        "opened": ["declined", "expired", "signed"],
        "reopened": ["declined", "expired", "signed"],
        "signed": ["reopened"],
        "declined": ["reopened"],
        # reopened by a coordinator, or back to sent / opened when the deadline is extended
        "expired": ["opened", "reopened", "sent"],
    }
    assert (len(ALLOWED), len(REFUSED)) == (16, 33)


def _at_status(round_: AgreementRound, municipality: Any, status: str) -> IntentAgreement:
    agreement = agreement_of(round_, municipality)
    IntentAgreement.objects.filter(pk=agreement.pk).update(status=status)  # test setup: any starting status
    return fresh(agreement)


def _columns(agreement: IntentAgreement) -> tuple[Any, ...]:
    return tuple(
        IntentAgreement.objects.filter(pk=agreement.pk)
        .values_list("status", "sent_at", "opened_at", "answered_at", "last_activity_at", "revision")
        .get()
    )


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_agreement_transition_allowed(
    agreement_round: AgreementRound, bodo: Any, coordinator: Any, from_status: str, to_status: str
) -> None:
    agreement = _at_status(agreement_round, bodo, from_status)
    at = timezone.now() + timedelta(minutes=3)
    action = AgreementAction(to_status)  # each status has the action of the same name
    event = services.agreement_transition(agreement, to_status, actor=coordinator, action=action, note="Grunn", at=at)
    stored = IntentAgreement.objects.get(pk=agreement.pk)
    assert (stored.status, stored.last_activity_at) == (to_status, at)
    stamps = {name: getattr(stored, name) for name in ("sent_at", "opened_at", "answered_at")}
    expected_stamps = dict.fromkeys(stamps)
    if to_status in TIMESTAMP:
        expected_stamps[TIMESTAMP[to_status]] = at
    assert stamps == expected_stamps
    assert list(
        AgreementEvent.objects.filter(agreement=agreement)
        .exclude(action=AgreementAction.CREATED)
        .values_list("pk", "actor", "action", "from_status", "to_status", "note", "at")
    ) == [(event.pk, coordinator.pk, action, from_status, to_status, "Grunn", at)]


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_agreement_transition_refused(
    agreement_round: AgreementRound, bodo: Any, coordinator: Any, from_status: str, to_status: str
) -> None:
    agreement = _at_status(agreement_round, bodo, from_status)
    before = _columns(agreement)
    with pytest.raises(ValidationError) as refused:
        services.agreement_transition(agreement, to_status, actor=coordinator, action=AgreementAction.SENT)
    assert refused.value.messages == [
        _("An agreement that is “%(from)s” cannot become “%(to)s”.")
        % {"from": AgreementStatus(from_status).label, "to": AgreementStatus(to_status).label}
    ]
    assert agreement.status == from_status
    assert _columns(agreement) == before
    assert list(AgreementEvent.objects.filter(agreement=agreement).values_list("action", flat=True)) == ["created"]


# --- The services walk the table -----------------------------------------------------------------------


def _statuses_in_history(agreement: IntentAgreement) -> list[tuple[str, str, str, str]]:
    return [
        (event.action, event.from_status, event.to_status, event.actor.email if event.actor else "")
        for event in reversed(list(agreement_events(agreement)))
    ]


def test_the_whole_path_through_the_services_is_in_the_history(
    agreement_round: AgreementRound, bodo: Any, bodo_contact: Any, coordinator: Any
) -> None:
    agreement = agreement_of(agreement_round, bodo)
    services.agreement_send(agreement=agreement, by=coordinator)
    services.agreement_open(agreement=fresh(agreement), by=bodo_contact)
    sign(agreement, bodo_contact)
    current = fresh(agreement)
    services.agreement_reopen(
        agreement=current, by=coordinator, revision=current.revision, reason="Kommunen vil legge til en løsning."
    )
    current = fresh(agreement)
    services.agreement_decline(agreement=current, by=bodo_contact, revision=current.revision, reason="Ikke nå.")
    assert fresh(agreement).status == "declined"
    coordinator_email, contact_email = coordinator.email, bodo_contact.email
    assert _statuses_in_history(agreement) == [
        ("created", "", "draft", coordinator_email),
        ("sent", "draft", "sent", coordinator_email),
        ("opened", "sent", "opened", contact_email),
        ("signed", "opened", "signed", contact_email),
        ("reopened", "signed", "reopened", coordinator_email),
        ("declined", "reopened", "declined", contact_email),
    ]


def test_a_sent_agreement_can_be_signed_without_being_opened_first(
    sent_bodo: IntentAgreement, bodo_contact: Any
) -> None:
    sign(sent_bodo, bodo_contact)
    assert next((e.action, e.from_status, e.to_status) for e in agreement_events(sent_bodo)) == (
        "signed",
        "sent",
        "signed",
    )


def test_a_draft_cannot_be_answered(
    agreement_round: AgreementRound, bodo: Any, bodo_contact: Any, coordinator: Any
) -> None:
    agreement = agreement_of(agreement_round, bodo)
    with pytest.raises(ValidationError) as refused:
        sign(agreement, bodo_contact)
    assert refused.value.messages == [_("The agreement has not been sent yet.")]
    with pytest.raises(ValidationError):
        services.agreement_decline(agreement=agreement, by=bodo_contact, revision=agreement.revision, reason="Nei")
    assert _statuses_in_history(agreement) == [("created", "", "draft", coordinator.email)]
    assert fresh(agreement).revision == 0


def test_an_agreement_is_sent_only_once(sent_bodo: IntentAgreement, coordinator: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.agreement_send(agreement=sent_bodo, by=coordinator)
    assert refused.value.messages == [
        _("%(municipality)s's agreement has already been sent.") % {"municipality": sent_bodo.municipality}
    ]
    assert [event.action for event in agreement_events(sent_bodo)] == ["sent", "created"]


@pytest.mark.parametrize("status", ["sent", "opened", "reopened", "draft"])
def test_only_a_signed_declined_or_expired_agreement_can_be_reopened(
    agreement_round: AgreementRound, bodo: Any, coordinator: Any, status: str
) -> None:
    agreement = _at_status(agreement_round, bodo, status)
    with pytest.raises(ValidationError) as refused:
        services.agreement_reopen(
            agreement=agreement, by=coordinator, revision=agreement.revision, reason="Vi prøver å gjenåpne."
        )
    assert refused.value.messages == [
        _("An agreement that is “%(from)s” cannot become “%(to)s”.")
        % {"from": AgreementStatus(status).label, "to": AgreementStatus.REOPENED.label}
    ]
    assert (fresh(agreement).status, fresh(agreement).revision) == (status, 0)


def test_a_declined_agreement_is_closed_until_reopened(opened_bodo: IntentAgreement, bodo_contact: Any) -> None:
    services.agreement_decline(
        agreement=opened_bodo, by=bodo_contact, revision=opened_bodo.revision, reason="Har ikke kapasitet i år."
    )
    current = fresh(opened_bodo)
    with pytest.raises(ValidationError) as refused:
        sign(current, bodo_contact)
    assert refused.value.messages == [_("The agreement has been declined. A coordinator can reopen it.")]
    with pytest.raises(ValidationError) as again:
        services.agreement_save_answer(
            agreement=current, by=bodo_contact, revision=current.revision, answer=make_answer(current)
        )
    assert again.value.messages == [_("The agreement has been declined. A coordinator can reopen it.")]
    assert (fresh(opened_bodo).status, fresh(opened_bodo).revision, fresh(opened_bodo).commitments.count()) == (
        "declined",
        current.revision,
        0,
    )


def test_an_expired_agreement_says_when_the_deadline_passed(sent_bodo: IntentAgreement, bodo_contact: Any) -> None:
    services.agreements_remind_and_expire(today=DEADLINE + timedelta(days=1))
    current = fresh(sent_bodo)
    assert current.status == "expired"
    with pytest.raises(ValidationError) as refused:
        sign(current, bodo_contact)
    assert refused.value.messages == [
        _("The answer deadline passed on %(date)s. Ask a coordinator to extend it.") % {"date": "15.10.2026"}
    ]


def test_round_extend_deadline_brings_the_expired_agreements_back(
    agreement_round: AgreementRound,
    bodo: Any,
    rost: Any,
    bodo_contact: Any,
    rost_contact: Any,
    coordinator: Any,
    make_user: Any,
) -> None:
    vagan = Municipality.objects.get(name="Vågan")
    vagan_contact = make_user(role="municipality_contact", municipalities=[vagan])
    for municipality in (bodo, rost, vagan):
        services.agreement_send(agreement=agreement_of(agreement_round, municipality), by=coordinator)
    services.agreement_open(agreement=agreement_of(agreement_round, vagan), by=vagan_contact)
    sign(agreement_of(agreement_round, rost), rost_contact)
    services.agreements_remind_and_expire(today=DEADLINE + timedelta(days=1))
    stamps_before = {
        name: (sent_at, opened_at)
        for name, sent_at, opened_at in IntentAgreement.objects.filter(municipality__in=[bodo, vagan]).values_list(
            "municipality__name", "sent_at", "opened_at"
        )
    }

    services.round_extend_deadline(by=coordinator, round_=agreement_round, deadline=date(2026, 11, 30))

    assert AgreementRound.objects.get(pk=agreement_round.pk).answer_deadline == date(2026, 11, 30)
    statuses = dict(
        IntentAgreement.objects.filter(round=agreement_round)
        .exclude(status="draft")
        .values_list("municipality__name", "status")
    )
    assert statuses == {"Bodø": "sent", "Røst": "signed", "Vågan": "opened"}
    # The first sending and opening are kept.
    assert {
        name: (sent_at, opened_at)
        for name, sent_at, opened_at in IntentAgreement.objects.filter(municipality__in=[bodo, vagan]).values_list(
            "municipality__name", "sent_at", "opened_at"
        )
    } == stamps_before
    note = _("The answer deadline was extended to %(date)s.") % {"date": "30.11.2026"}
    for municipality, back_to in ((bodo, "sent"), (vagan, "opened")):
        event = agreement_events(agreement_of(agreement_round, municipality)).first()
        assert event is not None
        assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
            "deadline_extended",
            "expired",
            back_to,
            coordinator,
            note,
        )
    audit = AuditEntry.objects.get(action="agreement_round.extend_deadline")
    assert audit.changes == {"answer_deadline": ["2026-10-15", "2026-11-30"]}
    # Bodø can answer again.
    sign(agreement_of(agreement_round, bodo), bodo_contact)
    assert agreement_of(agreement_round, bodo).status == "signed"


def test_past_the_deadline_an_agreement_cannot_be_answered_even_before_it_is_marked_expired(
    sent_bodo: IntentAgreement, bodo_contact: Any
) -> None:
    with time_machine.travel(datetime(2026, 10, 16, 8, 0, tzinfo=OSLO)):
        current = fresh(sent_bodo)
        assert current.status == "sent"
        with pytest.raises(ValidationError) as refused:
            sign(current, bodo_contact)
        assert refused.value.messages == [
            _("The answer deadline passed on %(date)s. Ask a coordinator to extend it.") % {"date": "15.10.2026"}
        ]
        assert (fresh(sent_bodo).status, fresh(sent_bodo).revision) == ("sent", current.revision)


def test_a_reopened_agreement_stays_open_past_the_deadline(
    opened_bodo: IntentAgreement, bodo_contact: Any, coordinator: Any
) -> None:
    sign(opened_bodo, bodo_contact)
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, tzinfo=OSLO)):
        current = fresh(opened_bodo)
        services.agreement_reopen(
            agreement=current, by=coordinator, revision=current.revision, reason="Kommunen vil endre kvartal."
        )
        assert services.agreements_remind_and_expire().expired == 0
        assert fresh(opened_bodo).status == "reopened"
        sign(opened_bodo, bodo_contact)
    assert list(fresh(opened_bodo).versions.values_list("number", flat=True)) == [2, 1]


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        (DEADLINE, "The new deadline must be later than the current one."),
        (date(2028, 1, 1), "The answer deadline must be within the round's period."),
    ],
)
def test_round_extend_deadline_refuses_bad_dates(
    agreement_round: AgreementRound, coordinator: Any, deadline: date, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.round_extend_deadline(by=coordinator, round_=agreement_round, deadline=deadline)
    assert refused.value.message_dict == {"deadline": [_(message)]}
    assert AgreementRound.objects.get(pk=agreement_round.pk).answer_deadline == DEADLINE


def test_round_extend_deadline_only_by_a_coordinator(
    agreement_round: AgreementRound, bodo_contact: Any, reader: Any
) -> None:
    for user in (bodo_contact, reader):
        with pytest.raises(PermissionDenied):
            services.round_extend_deadline(by=user, round_=agreement_round, deadline=date(2026, 11, 30))
    assert AgreementRound.objects.get(pk=agreement_round.pk).answer_deadline == DEADLINE
