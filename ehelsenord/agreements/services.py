"""Writes to agreement rounds and intent agreements.

Every status change goes through agreement_transition, and every write to an agreement first
claims it: `_claim` (a form's revision must still be the agreement's, so a second submit or a
stale page changes nothing, and of two people signing at once exactly one succeeds) or `_lock`
(for actions without a form: sending, opening, expiring). Both bump `revision`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ehelsenord.accounts.models import User
from ehelsenord.agreements.content import agreement_content, content_fingerprint
from ehelsenord.agreements.enums import (
    EXPIRING_STATUSES,
    TRANSITIONS,
    UNANSWERED_STATUSES,
    AgreementAction,
    AgreementStatus,
    SigningMethod,
)
from ehelsenord.agreements.models import (
    AgreementCommitment,
    AgreementEvent,
    AgreementReminder,
    AgreementRound,
    AgreementVersion,
    IntentAgreement,
    RoundOffer,
)
from ehelsenord.agreements.quarters import quarter_end, quarter_label
from ehelsenord.agreements.selectors import (
    agreement_can_answer,
    agreement_can_manage,
    agreement_get,
    agreement_is_open,
    agreement_past_deadline,
    agreement_recipients,
    round_has_sent,
    round_quarters,
)
from ehelsenord.core.audit import audit_record
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.enums import ChangeSource
from ehelsenord.rollout.models import Implementation
from ehelsenord.rollout.services import RecordChange, implementation_update_many
from ehelsenord.solutions.enums import IN_USE_STAGES, STAGE_ORDER, Stage
from ehelsenord.solutions.models import Solution

NAME_MAX_LENGTH = 120
REASON_MAX_LENGTH = 300
LETTER_MAX_LENGTH = 10_000
PERSON_FIELD_MAX_LENGTH = 150
MAX_CONTACTS = 3
DECLINE_REASON_MAX_LENGTH = 1000
REOPEN_REASON_MIN_LENGTH = 10
CONTACT_FIELDS = ("name", "title", "email", "phone")


# --- Input -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferInput:
    solution: Solution
    reason: str
    national_deadline: date | None = None


@dataclass(frozen=True)
class RoundInput:
    name: str
    period_start: date
    period_end: date
    answer_deadline: date
    letter_nb: str
    letter_nn: str
    offers: Sequence[OfferInput]


@dataclass(frozen=True)
class Contact:
    name: str
    title: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Answer:
    """A municipality's answer: offer pk → target quarter (its first day), contacts, signatory."""

    commitments: Mapping[int, date] = field(default_factory=dict)
    contacts: Sequence[Contact] = ()
    signatory_name: str = ""
    signatory_title: str = ""


def _squash(text: str) -> str:
    return " ".join((text or "").split())


# --- Rounds ------------------------------------------------------------------------------------------


def _require_coordinator(user: User) -> None:
    if not agreement_can_manage(user):
        raise PermissionDenied(_("Only coordinators can manage agreement rounds."))


def _clean_round(data: RoundInput) -> RoundInput:
    errors: dict[str, str] = {}
    name = _squash(data.name)
    if not name:
        errors["name"] = _("Give the round a name.")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = _("The name can be at most %(max)d characters.") % {"max": NAME_MAX_LENGTH}
    if data.period_end < data.period_start:
        errors["period_end"] = _("The period must end after it starts.")
    if data.answer_deadline > data.period_end:
        errors["answer_deadline"] = _("The answer deadline must be within the round's period.")
    for key in ("letter_nb", "letter_nn"):
        text = getattr(data, key).strip()
        if not text:
            errors[key] = _("Write the letter's text.")
        elif len(text) > LETTER_MAX_LENGTH:
            errors[key] = _("The letter can be at most %(max)d characters.") % {"max": LETTER_MAX_LENGTH}
    offers: list[OfferInput] = []
    seen: set[int] = set()
    for offer in data.offers:
        if offer.solution.is_historical:
            errors["offers"] = _("%(solution)s is no longer in use and cannot be offered.") % {
                "solution": offer.solution
            }
            continue
        reason = _squash(offer.reason)
        if not reason:
            errors["offers"] = _("Say why %(solution)s is prioritised.") % {"solution": offer.solution.name}
        elif len(reason) > REASON_MAX_LENGTH:
            errors["offers"] = _("The reason can be at most %(max)d characters.") % {"max": REASON_MAX_LENGTH}
        if offer.solution.pk not in seen:
            seen.add(offer.solution.pk)
            offers.append(OfferInput(offer.solution, reason, offer.national_deadline))
    if not offers and "offers" not in errors:
        errors["offers"] = _("Choose at least one solution to offer.")
    if errors:
        raise ValidationError(errors)
    return RoundInput(
        name=name,
        period_start=data.period_start,
        period_end=data.period_end,
        answer_deadline=data.answer_deadline,
        letter_nb=data.letter_nb.strip(),
        letter_nn=data.letter_nn.strip(),
        offers=offers,
    )


def _round_state(round_: AgreementRound) -> dict[str, Any]:
    return {
        "name": round_.name,
        "period_start": round_.period_start.isoformat(),
        "period_end": round_.period_end.isoformat(),
        "answer_deadline": round_.answer_deadline.isoformat(),
        "letter_nb": round_.letter_nb,
        "letter_nn": round_.letter_nn,
        "offers": [f"{offer.solution.slug}: {offer.reason}" for offer in round_.offers.select_related("solution")],
    }


def _write_offers(round_: AgreementRound, offers: Sequence[OfferInput]) -> None:
    RoundOffer.objects.bulk_create(
        RoundOffer(
            round=round_,
            solution=offer.solution,
            reason=offer.reason,
            national_deadline=offer.national_deadline,
            position=position,
        )
        for position, offer in enumerate(offers)
    )


@transaction.atomic
def round_create(*, by: User, data: RoundInput) -> AgreementRound:
    """Create a round and one draft agreement for every municipality of the region.

    Side effects: an audit entry for the round and a "created" event per agreement.
    """
    _require_coordinator(by)
    clean = _clean_round(data)
    if clean.answer_deadline < timezone.localdate():
        raise ValidationError({"answer_deadline": _("The answer deadline cannot be in the past.")})
    now = timezone.now()
    round_ = AgreementRound.objects.create(
        name=clean.name,
        period_start=clean.period_start,
        period_end=clean.period_end,
        answer_deadline=clean.answer_deadline,
        letter_nb=clean.letter_nb,
        letter_nn=clean.letter_nn,
        created_by=by,
    )
    _write_offers(round_, clean.offers)
    municipalities = Municipality.objects.filter(county__in_region=True).order_by("number")
    IntentAgreement.objects.bulk_create(
        IntentAgreement(round=round_, municipality=municipality, last_activity_at=now)
        for municipality in municipalities
    )
    agreements = list(IntentAgreement.objects.filter(round=round_))  # primary keys on every database
    AgreementEvent.objects.bulk_create(
        AgreementEvent(
            agreement=agreement,
            at=now,
            actor=by,
            action=AgreementAction.CREATED,
            to_status=AgreementStatus.DRAFT,
        )
        for agreement in agreements
    )
    audit_record(actor=by, action="agreement_round.create", obj=round_, after=_round_state(round_))
    return round_


@transaction.atomic
def round_update(*, by: User, round_: AgreementRound, data: RoundInput) -> AgreementRound:
    """Change a round while all its agreements are drafts; afterwards only the deadline can change."""
    _require_coordinator(by)
    round_ = AgreementRound.objects.select_for_update().get(pk=round_.pk)
    if round_has_sent(round_):
        raise ValidationError(
            _("Agreements of this round have been sent; its solutions and letter can no longer change.")
        )
    clean = _clean_round(data)
    if clean.answer_deadline < timezone.localdate():
        raise ValidationError({"answer_deadline": _("The answer deadline cannot be in the past.")})
    before = _round_state(round_)
    for key in ("name", "period_start", "period_end", "answer_deadline", "letter_nb", "letter_nn"):
        setattr(round_, key, getattr(clean, key))
    round_.save()
    committed = AgreementCommitment.objects.filter(agreement__round=round_)
    committed.delete()  # drafts carry no answer, but keep the offers deletable in every case
    round_.offers.all().delete()
    _write_offers(round_, clean.offers)
    audit_record(actor=by, action="agreement_round.update", obj=round_, before=before, after=_round_state(round_))
    return round_


@transaction.atomic
def round_extend_deadline(*, by: User, round_: AgreementRound, deadline: date) -> AgreementRound:
    """Move the answer deadline later; expired agreements go back to “sendt” or “åpnet”.

    They then expire again at the new deadline and get reminders before it, like the others.
    """
    _require_coordinator(by)
    round_ = AgreementRound.objects.select_for_update().get(pk=round_.pk)
    if deadline <= round_.answer_deadline:
        raise ValidationError({"deadline": _("The new deadline must be later than the current one.")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The new deadline cannot be in the past.")})
    if deadline > round_.period_end:
        raise ValidationError({"deadline": _("The answer deadline must be within the round's period.")})
    before = round_.answer_deadline
    round_.answer_deadline = deadline
    round_.save(update_fields=["answer_deadline"])
    note = _("The answer deadline was extended to %(date)s.") % {"date": date_format(deadline, "SHORT_DATE_FORMAT")}
    for agreement in round_.agreements.select_for_update().order_by("pk"):
        if agreement.status == AgreementStatus.EXPIRED:
            _bump(agreement)
            back_to = AgreementStatus.OPENED if agreement.opened_at else AgreementStatus.SENT
            agreement_transition(agreement, back_to, actor=by, action=AgreementAction.DEADLINE_EXTENDED, note=note)
    audit_record(
        actor=by,
        action="agreement_round.extend_deadline",
        obj=round_,
        before={"answer_deadline": before.isoformat()},
        after={"answer_deadline": deadline.isoformat()},
    )
    return round_


# --- The one transition function -----------------------------------------------------------------


def agreement_transition(
    agreement: IntentAgreement,
    to_status: str,
    *,
    actor: User | None,
    action: str,
    note: str = "",
    changes: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AgreementEvent:
    """Move an agreement to another status, or refuse; the caller holds its claim or lock.

    Validates the change against TRANSITIONS, sets the status and its timestamp, saves only the
    changed columns and writes the history entry (who, when, from, to, note).
    """
    from_status = agreement.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise ValidationError(
            _("An agreement that is “%(from)s” cannot become “%(to)s”.")
            % {"from": AgreementStatus(from_status).label, "to": AgreementStatus(to_status).label}
        )
    now = at or timezone.now()
    agreement.status = to_status
    agreement.last_activity_at = now
    update_fields = ["status", "last_activity_at"]
    # The first sending and opening are kept when an extended deadline brings an agreement back.
    if to_status == AgreementStatus.SENT and agreement.sent_at is None:
        agreement.sent_at = now
        update_fields.append("sent_at")
    elif to_status == AgreementStatus.OPENED and agreement.opened_at is None:
        agreement.opened_at = now
        update_fields.append("opened_at")
    elif to_status in (AgreementStatus.SIGNED, AgreementStatus.DECLINED):
        agreement.answered_at = now
        update_fields.append("answered_at")
    agreement.save(update_fields=update_fields)
    return AgreementEvent.objects.create(
        agreement=agreement,
        at=now,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        changes=changes or {},
    )


def _bump(agreement: IntentAgreement) -> None:
    IntentAgreement.objects.filter(pk=agreement.pk).update(revision=F("revision") + 1)
    agreement.revision += 1


def _lock(agreement: IntentAgreement) -> IntentAgreement:
    """Lock the agreement's row (inside a transaction), bump its revision, return it fresh."""
    locked = agreement_get_for_update(agreement.pk)
    _bump(locked)
    return locked


def agreement_get_for_update(pk: int) -> IntentAgreement:
    IntentAgreement.objects.select_for_update().filter(pk=pk).values_list("pk").first()
    return agreement_get(pk)


def _stale_message(pk: int) -> str:
    current = IntentAgreement.objects.filter(pk=pk).values_list("status", flat=True).first()
    if current == AgreementStatus.SIGNED:
        return _("The agreement has already been signed, so nothing was changed. Reload the page to see it.")
    if current == AgreementStatus.DECLINED:
        return _("The agreement has already been declined, so nothing was changed. Reload the page to see it.")
    return _(
        "The agreement has changed since you opened it (perhaps the form was sent twice, or someone else "
        "saved it meanwhile). Nothing was changed: reload the page and try again."
    )


def _claim(agreement: IntentAgreement, revision: int) -> IntentAgreement:
    """Claim the agreement for a form's change: its revision must still be the one the form shows.

    The compare-and-set UPDATE is the first statement of the transaction, so of two submits of
    the same revision exactly one claims it, on PostgreSQL and SQLite alike; the other is told why.
    """
    claimed = IntentAgreement.objects.filter(pk=agreement.pk, revision=revision).update(revision=F("revision") + 1)
    if not claimed:
        raise ValidationError(_stale_message(agreement.pk))
    return agreement_get(agreement.pk)


def _closed_message(agreement: IntentAgreement) -> str:
    if agreement.status == AgreementStatus.SIGNED:
        return _("The agreement is signed and locked. A coordinator can reopen it.")
    if agreement.status == AgreementStatus.DECLINED:
        return _("The agreement has been declined. A coordinator can reopen it.")
    if agreement.status == AgreementStatus.EXPIRED or agreement_past_deadline(agreement):
        return _("The answer deadline passed on %(date)s. Ask a coordinator to extend it.") % {
            "date": date_format(agreement.round.answer_deadline, "SHORT_DATE_FORMAT")
        }
    return _("The agreement has not been sent yet.")


def _require_answerable(user: User, agreement: IntentAgreement) -> None:
    if not agreement_can_answer(user, agreement):
        raise PermissionDenied(
            _("Only the contacts of %(municipality)s can answer this agreement.")
            % {"municipality": agreement.municipality.name}
        )
    if not agreement_is_open(agreement):
        raise ValidationError(_closed_message(agreement))


# --- Opening and answering -------------------------------------------------------------------------


@transaction.atomic
def agreement_open(*, agreement: IntentAgreement, by: User) -> IntentAgreement:
    """The municipality's contact opens a sent agreement: it becomes “åpnet” (once)."""
    if agreement.status != AgreementStatus.SENT or not agreement_can_answer(by, agreement):
        return agreement
    agreement = _lock(agreement)
    if agreement.status == AgreementStatus.SENT:
        agreement_transition(agreement, AgreementStatus.OPENED, actor=by, action=AgreementAction.OPENED)
    return agreement


def _clean_answer(agreement: IntentAgreement, answer: Answer, *, signing: bool) -> Answer:
    errors: dict[str, str] = {}
    offers = {offer.pk: offer for offer in agreement.round.offers.all()}
    quarters = set(round_quarters(agreement.round))
    commitments: dict[int, date] = {}
    for offer_pk, quarter in answer.commitments.items():
        if offer_pk not in offers:
            errors["commitments"] = _("You can only commit to solutions offered in this round.")
        elif quarter not in quarters:
            errors["commitments"] = _("Choose a target quarter within the round's period for %(solution)s.") % {
                "solution": offers[offer_pk].solution.name
            }
        else:
            commitments[offer_pk] = quarter
    contacts: list[Contact] = []
    for contact in answer.contacts[: MAX_CONTACTS + 1]:
        name, title = _squash(contact.name), _squash(contact.title)
        email, phone = contact.email.strip().lower(), _squash(contact.phone)
        if not (name or title or email or phone):
            continue
        if not name:
            errors["contacts"] = _("Give each contact person a name.")
        elif any(len(value) > PERSON_FIELD_MAX_LENGTH for value in (name, title, email, phone)):
            errors["contacts"] = _("A contact person's details can be at most %(max)d characters each.") % {
                "max": PERSON_FIELD_MAX_LENGTH
            }
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors["contacts"] = _("“%(email)s” is not a valid e-mail address.") % {"email": email}
        contacts.append(Contact(name=name, title=title, email=email, phone=phone))
    if len(contacts) > MAX_CONTACTS:
        errors["contacts"] = _("Name at most %(max)d contact persons.") % {"max": MAX_CONTACTS}
    signatory_name, signatory_title = _squash(answer.signatory_name), _squash(answer.signatory_title)
    for key, value in (("signatory_name", signatory_name), ("signatory_title", signatory_title)):
        if len(value) > PERSON_FIELD_MAX_LENGTH:
            errors[key] = _("At most %(max)d characters.") % {"max": PERSON_FIELD_MAX_LENGTH}
    if signing:
        if not commitments and "commitments" not in errors:
            errors["commitments"] = _("Choose at least one solution to sign, or decline the agreement.")
        if not contacts and "contacts" not in errors:
            errors["contacts"] = _("Name at least one contact person.")
        if not signatory_name:
            errors["signatory_name"] = _("Enter the signatory's name.")
        if not signatory_title:
            errors["signatory_title"] = _("Enter the signatory's title.")
    if errors:
        raise ValidationError(errors)
    return Answer(
        commitments=commitments, contacts=contacts, signatory_name=signatory_name, signatory_title=signatory_title
    )


def _answer_state(agreement: IntentAgreement) -> dict[str, Any]:
    return {
        "commitments": [
            f"{c.offer.solution.short_name} ({quarter_label(c.target_quarter)})" for c in agreement.commitments.all()
        ],
        # In a fixed order: PostgreSQL's jsonb does not keep the keys in the order they were written.
        "contacts": [
            ", ".join(contact[key] for key in CONTACT_FIELDS if contact.get(key)) for contact in agreement.contacts
        ],
        "signatory_name": agreement.signatory_name,
        "signatory_title": agreement.signatory_title,
    }


def _write_answer(agreement: IntentAgreement, answer: Answer) -> dict[str, Any]:
    """Store the answer on the agreement; return the changes as {field: [before, after]}."""
    before = _answer_state(agreement)
    agreement.commitments.all().delete()
    offers = {offer.pk: offer for offer in agreement.round.offers.all()}
    AgreementCommitment.objects.bulk_create(
        AgreementCommitment(agreement=agreement, offer=offers[offer_pk], target_quarter=quarter)
        for offer_pk, quarter in answer.commitments.items()
    )
    agreement.contacts = [
        {"name": c.name, "title": c.title, "email": c.email, "phone": c.phone} for c in answer.contacts
    ]
    agreement.signatory_name = answer.signatory_name
    agreement.signatory_title = answer.signatory_title
    agreement.save(update_fields=["contacts", "signatory_name", "signatory_title"])
    fresh = agreement_get(agreement.pk)
    after = _answer_state(fresh)
    return {key: [before[key], after[key]] for key in before if before[key] != after[key]}


@transaction.atomic
def agreement_save_answer(*, agreement: IntentAgreement, by: User, revision: int, answer: Answer) -> IntentAgreement:
    """Save the municipality's answer as a draft, without signing. History: “answer saved”."""
    _require_answerable(by, agreement)
    clean = _clean_answer(agreement, answer, signing=False)
    agreement = _claim(agreement, revision)
    _require_answerable(by, agreement)
    changes = _write_answer(agreement, clean)
    now = timezone.now()
    IntentAgreement.objects.filter(pk=agreement.pk).update(last_activity_at=now)
    AgreementEvent.objects.create(agreement=agreement, at=now, actor=by, action=AgreementAction.SAVED, changes=changes)
    return agreement_get(agreement.pk)


def scan_check(data: bytes) -> None:
    """Refuse a signed scan that is too large or is not a readable PDF."""
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    limit = settings.AGREEMENT_SCAN_MAX_BYTES
    if len(data) > limit:
        # filesizeformat, not whole megabytes: a limit below 1 MB must not read "at most 0 MB".
        raise ValidationError(
            {"scan": _("The file is too large. It can be at most %(size)s.") % {"size": filesizeformat(limit)}}
        )
    if not data.startswith(b"%PDF-"):
        raise ValidationError({"scan": _("The file is not a PDF. Upload the signed agreement as a PDF.")})
    try:
        pages = len(PdfReader(BytesIO(data)).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        pages = 0
    if pages < 1:
        raise ValidationError({"scan": _("The PDF cannot be read. Scan the signed agreement again and upload it.")})


@dataclass(frozen=True)
class SignResult:
    agreement: IntentAgreement
    version: AgreementVersion
    records_changed: int


@transaction.atomic
def agreement_sign(
    *,
    agreement: IntentAgreement,
    by: User,
    revision: int,
    answer: Answer,
    method: str = SigningMethod.PLATFORM,
    scan: bytes | None = None,
) -> SignResult:
    """Sign the agreement with this answer, in the platform or with an uploaded signed scan.

    Side effects, all or nothing: the answer is stored; a new AgreementVersion freezes the signed
    content and its fingerprint; the status becomes “signert”; each committed solution's record is
    created or moved up to the phase “planlagt” with the target date from the commitment, its
    history pointing back to the signed version.
    """
    _require_answerable(by, agreement)
    if method not in SigningMethod.values:
        raise ValidationError({"method": _("Choose how the agreement is signed.")})
    if method == SigningMethod.SCAN:
        if not scan:
            raise ValidationError({"scan": _("Choose the signed PDF to upload.")})
        scan_check(scan)
    clean = _clean_answer(agreement, answer, signing=True)
    agreement = _claim(agreement, revision)
    _require_answerable(by, agreement)
    changes = _write_answer(agreement, clean)
    agreement = agreement_get(agreement.pk)
    now = timezone.now()
    number = (agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    scan_sha256 = hashlib.sha256(scan).hexdigest() if method == SigningMethod.SCAN and scan else ""
    content = agreement_content(
        agreement,
        version=number,
        signed_at=now,
        signed_by=by.full_name or by.email,
        method=method,
        scan_sha256=scan_sha256,
    )
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        content=content,
        fingerprint=content_fingerprint(content),
        method=method,
        signatory_name=clean.signatory_name,
        signatory_title=clean.signatory_title,
        signed_at=now,
        signed_by=by,
        scan=scan if method == SigningMethod.SCAN else None,
    )
    agreement_transition(
        agreement,
        AgreementStatus.SIGNED,
        actor=by,
        action=AgreementAction.SIGNED,
        note=_("Version %(number)d, %(method)s.") % {"number": number, "method": SigningMethod(method).label.lower()},
        changes=changes,
        at=now,
    )
    records_changed = _records_from_commitments(agreement, version=version, by=by, at=now)
    return SignResult(agreement=agreement, version=version, records_changed=records_changed)


def _records_from_commitments(agreement: IntentAgreement, *, version: AgreementVersion, by: User, at: datetime) -> int:
    """Create or update the municipality's records for the committed solutions.

    A record behind “planlagt” (or marked not relevant) moves to the template's planned phase; a
    record further along keeps its phase. The target date is set unless the solution is in use.
    """
    commitments = list(agreement.commitments.select_related("offer__solution__phase_template"))
    solutions = [c.offer.solution for c in commitments if not c.offer.solution.is_historical]
    records = {
        record.solution_id: record
        for record in Implementation.objects.filter(
            municipality=agreement.municipality, solution__in=solutions
        ).select_related("phase")
    }
    updates: list[RecordChange] = []
    for commitment in commitments:
        solution = commitment.offer.solution
        if solution.is_historical:
            continue
        phases = list(solution.phase_template.phases.all())
        planned = next((phase for phase in phases if phase.stage == Stage.PLANNED), None)
        record = records.get(solution.pk)
        current = record.phase if record else phases[0]
        changes: dict[str, Any] = {}
        phase = current
        behind = current.stage == Stage.NOT_RELEVANT or STAGE_ORDER[Stage(current.stage)] < STAGE_ORDER[Stage.PLANNED]
        if planned and behind:
            changes["phase"] = planned
            phase = planned
        if phase.stage not in IN_USE_STAGES:
            changes["target_date"] = quarter_end(commitment.target_quarter)
        updates.append(RecordChange(municipality=agreement.municipality, solution=solution, changes=changes))
    results = implementation_update_many(
        user=by,
        updates=updates,
        source=ChangeSource.AGREEMENT,
        reason=_("Intent agreement %(round)s, version %(number)d")
        % {"round": agreement.round.name, "number": version.number},
        at=at,
        agreement_version=version,
    )
    return sum(1 for result in results if result.changed_fields)


@transaction.atomic
def agreement_decline(*, agreement: IntentAgreement, by: User, revision: int, reason: str) -> IntentAgreement:
    """The municipality declines the round's offer, with a reason kept in the history."""
    _require_answerable(by, agreement)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the municipality declines.")})
    if len(reason) > DECLINE_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("The reason can be at most %(max)d characters.") % {"max": DECLINE_REASON_MAX_LENGTH}}
        )
    agreement = _claim(agreement, revision)
    _require_answerable(by, agreement)
    agreement.decline_reason = reason
    agreement.save(update_fields=["decline_reason"])
    agreement_transition(agreement, AgreementStatus.DECLINED, actor=by, action=AgreementAction.DECLINED, note=reason)
    return agreement


@transaction.atomic
def agreement_reopen(*, agreement: IntentAgreement, by: User, revision: int, reason: str) -> IntentAgreement:
    """A coordinator reopens a signed, declined or expired agreement, with a written reason.

    Earlier signed versions stay as they are; signing again makes a new version. Records that an
    earlier signing created stay, as they are the municipality's own records now.
    """
    _require_coordinator(by)
    reason = reason.strip()
    if len(reason) < REOPEN_REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _("Write why the agreement is reopened (at least %(min)d characters).")
                % {"min": REOPEN_REASON_MIN_LENGTH}
            }
        )
    if len(reason) > DECLINE_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("The reason can be at most %(max)d characters.") % {"max": DECLINE_REASON_MAX_LENGTH}}
        )
    agreement = _claim(agreement, revision)
    agreement_transition(agreement, AgreementStatus.REOPENED, actor=by, action=AgreementAction.REOPENED, note=reason)
    return agreement


# --- Sending, reminders and expiry ----------------------------------------------------------------------


def _letter_pdf(agreement: IntentAgreement) -> bytes:
    from ehelsenord.agreements.letters import letter_pdf

    return letter_pdf(agreement_content(agreement))


def _agreement_mail(
    agreement: IntentAgreement, recipients: list[str], kind: str, *, days_left: int | None = None
) -> EmailMessage:
    """The e-mail about an agreement in the municipality's written language, with the letter attached."""
    language = agreement.municipality.written_language
    context = {
        "agreement": agreement,
        "round": agreement.round,
        "municipality": agreement.municipality,
        "link": settings.SITE_URL + agreement.get_absolute_url(),
        "deadline": agreement.round.answer_deadline,
        "days_left": days_left,
        "offers": list(agreement.round.offers.all()),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"agreements/email/{kind}_subject_{language}.txt", context).split())
        body = render_to_string(f"agreements/email/{kind}_body_{language}.txt", context)
    message = EmailMessage(subject=subject, body=body, to=recipients)
    filename = f"intensjonsavtale-{agreement.municipality.number}.pdf"
    message.attach(filename, _letter_pdf(agreement), "application/pdf")
    return message


def agreement_send(*, agreement: IntentAgreement, by: User, connection: Any = None) -> IntentAgreement:
    """Send a draft agreement to the municipality's contacts by e-mail, with the letter as PDF.

    The status becomes “sendt” only if the e-mail was handed to the mail server; if that fails,
    the agreement stays a draft and the error is raised.
    """
    _require_coordinator(by)
    with transaction.atomic():
        agreement = _lock(agreement)
        if agreement.status != AgreementStatus.DRAFT:
            raise ValidationError(
                _("%(municipality)s's agreement has already been sent.") % {"municipality": agreement.municipality}
            )
        if agreement.round.answer_deadline < timezone.localdate():
            # The municipality could not answer it: extend the deadline first.
            raise ValidationError(
                _("The answer deadline (%(date)s) has passed. Extend it before sending.")
                % {"date": date_format(agreement.round.answer_deadline, "SHORT_DATE_FORMAT")}
            )
        recipients = agreement_recipients(agreement)
        if not recipients:
            raise ValidationError(
                _("%(municipality)s has no contact person with an account yet. Invite one first.")
                % {"municipality": agreement.municipality.name}
            )
        agreement_transition(
            agreement,
            AgreementStatus.SENT,
            actor=by,
            action=AgreementAction.SENT,
            note=", ".join(recipients),
        )
        message = _agreement_mail(agreement, recipients, "sent")
        message.connection = connection
        message.send()
    return agreement


@dataclass(frozen=True)
class SendResult:
    sent: list[IntentAgreement]
    without_recipients: list[IntentAgreement]
    error: str = ""


def round_send(*, round_: AgreementRound, by: User) -> SendResult:
    """Send every draft of the round that has a contact; stop at the first mail-server failure.

    Each agreement is sent in its own transaction, so what was sent before a failure stays sent
    and the rest stay drafts: the result says which.
    """
    _require_coordinator(by)
    drafts = list(
        IntentAgreement.objects.filter(round=round_, status=AgreementStatus.DRAFT)
        .select_related("municipality")
        .order_by("municipality__name")
    )
    sent: list[IntentAgreement] = []
    without: list[IntentAgreement] = []
    connection = get_connection()
    try:
        connection.open()
        for draft in drafts:
            if not agreement_recipients(draft):
                without.append(draft)
                continue
            sent.append(agreement_send(agreement=draft, by=by, connection=connection))
    except ValidationError as error:
        return SendResult(sent=sent, without_recipients=without, error=" ".join(error.messages))
    except OSError as error:
        return SendResult(sent=sent, without_recipients=without, error=str(error))
    finally:
        connection.close()
    return SendResult(sent=sent, without_recipients=without)


def _due_threshold(days_left: int, thresholds: Sequence[int]) -> int | None:
    """The reminder due with `days_left` days to go: the smallest threshold not below it.

    With thresholds 14, 7 and 1 and six days left, the 7-day reminder is due (if a daily run was
    missed, the reminder still goes out, once).
    """
    due = [threshold for threshold in thresholds if threshold >= days_left]
    return min(due) if due else None


@dataclass(frozen=True)
class ReminderRun:
    reminded: int
    expired: int


def agreements_remind_and_expire(*, today: date | None = None) -> ReminderRun:
    """The daily job: remind the contacts of unanswered agreements, expire those past the deadline.

    Running it twice on the same day sends nothing twice (AgreementReminder is unique per
    agreement, deadline and threshold). Answered and draft agreements get nothing.
    """
    today = today or timezone.localdate()
    thresholds = settings.AGREEMENT_REMINDER_DAYS
    expired = 0
    for agreement in IntentAgreement.objects.filter(
        status__in=EXPIRING_STATUSES, round__answer_deadline__lt=today
    ).order_by("pk"):
        with transaction.atomic():
            agreement = _lock(agreement)
            if agreement.status in EXPIRING_STATUSES:
                agreement_transition(agreement, AgreementStatus.EXPIRED, actor=None, action=AgreementAction.EXPIRED)
                expired += 1
    reminded = 0
    open_agreements = (
        IntentAgreement.objects.filter(status__in=UNANSWERED_STATUSES, round__answer_deadline__gte=today)
        .select_related("round", "municipality")
        .order_by("pk")
    )
    connection = get_connection()
    with connection:
        for agreement in open_agreements:
            days_left = (agreement.round.answer_deadline - today).days
            threshold = _due_threshold(days_left, thresholds)
            if threshold is None or (agreement.sent_at and timezone.localdate(agreement.sent_at) >= today):
                continue
            if AgreementReminder.objects.filter(
                agreement=agreement, deadline=agreement.round.answer_deadline, days_before=threshold
            ).exists():
                continue
            recipients = agreement_recipients(agreement)
            if not recipients:
                continue
            try:
                reminded += _remind(agreement.pk, threshold, recipients, days_left, connection)
            except IntegrityError:
                continue  # a run going on at the same time sent this reminder a moment ago
    return ReminderRun(reminded=reminded, expired=expired)


def _remind(pk: int, threshold: int, recipients: list[str], days_left: int, connection: Any) -> int:
    """Record and send one reminder, all or nothing; the unique row makes a second one fail."""
    with transaction.atomic():
        full = agreement_get(pk)
        AgreementReminder.objects.create(
            agreement=full,
            deadline=full.round.answer_deadline,
            days_before=threshold,
            sent_at=timezone.now(),
            recipients=recipients,
        )
        AgreementEvent.objects.create(
            agreement=full,
            at=timezone.now(),
            action=AgreementAction.REMINDED,
            note=", ".join(recipients),
        )
        message = _agreement_mail(full, recipients, "reminder", days_left=days_left)
        message.connection = connection
        message.send()
    return 1
