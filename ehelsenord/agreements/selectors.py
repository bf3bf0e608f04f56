"""Reads of agreement rounds and agreements, and the access rules for them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.models import User
from ehelsenord.agreements.enums import EXPIRING_STATUSES, OPEN_STATUSES, UNANSWERED_STATUSES, AgreementStatus
from ehelsenord.agreements.models import (
    AgreementCommitment,
    AgreementEvent,
    AgreementRound,
    AgreementVersion,
    IntentAgreement,
    RoundOffer,
)
from ehelsenord.agreements.quarters import quarters_between
from ehelsenord.core.text import norwegian_key
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.selectors import own_municipality_numbers
from ehelsenord.solutions.models import Solution

# --- Access ----------------------------------------------------------------------------------------


def agreement_can_manage(user: User | AnonymousUser) -> bool:
    """Coordinators create rounds, send agreements, reopen them and extend deadlines."""
    return user.is_authenticated and user.is_active and isinstance(user, User) and user.is_coordinator


def agreement_can_answer(user: User | AnonymousUser, agreement: IntentAgreement) -> bool:
    """Only the municipality's own contacts answer (save, sign, decline) its agreement."""
    return (
        user.is_authenticated
        and user.is_active
        and isinstance(user, User)
        and user.role == Role.MUNICIPALITY_CONTACT
        and agreement.municipality_id in own_municipality_numbers(user)
    )


def agreement_can_read(user: User | AnonymousUser, agreement: IntentAgreement) -> bool:
    """Everyone logged in reads sent agreements; drafts are for coordinators until they are sent."""
    if not user.is_authenticated or not user.is_active:
        return False
    return agreement.status != AgreementStatus.DRAFT or agreement_can_manage(user)


def agreement_past_deadline(agreement: IntentAgreement, today: date | None = None) -> bool:
    """Sent, not answered, and the deadline has passed (before the daily job marks it “utløpt”)."""
    today = today or timezone.localdate()
    return agreement.status in EXPIRING_STATUSES and today > agreement.round.answer_deadline


def agreement_is_open(agreement: IntentAgreement) -> bool:
    """Can the municipality answer it now?"""
    return agreement.status in OPEN_STATUSES and not agreement_past_deadline(agreement)


# --- Rounds ----------------------------------------------------------------------------------------


def _offers() -> QuerySet[RoundOffer]:
    return RoundOffer.objects.select_related("solution").order_by("position", "id")


def round_list() -> QuerySet[AgreementRound]:
    return AgreementRound.objects.order_by("-created_at", "-id")


def round_get(pk: int) -> AgreementRound:
    round_ = AgreementRound.objects.prefetch_related(Prefetch("offers", queryset=_offers())).filter(pk=pk).first()
    if round_ is None:
        raise Http404("Avtalerunden finnes ikke.")
    return round_


def round_has_sent(round_: AgreementRound) -> bool:
    """Has any agreement of the round left the draft stage? Then its offers and letter are fixed."""
    return round_.agreements.exclude(status=AgreementStatus.DRAFT).exists()


def round_quarters(round_: AgreementRound) -> list[date]:
    """The quarters a municipality can aim for: those of the round's period."""
    return quarters_between(round_.period_start, round_.period_end)


def offerable_solutions() -> QuerySet[Solution]:
    """Solutions a round can offer: the catalogue without historical ones."""
    return Solution.objects.exclude(status="historical").order_by("position", "slug")


# --- Agreements -------------------------------------------------------------------------------------


def _agreements() -> QuerySet[IntentAgreement]:
    commitments = AgreementCommitment.objects.select_related("offer__solution").order_by("offer__position", "id")
    return IntentAgreement.objects.select_related("round", "municipality__county").prefetch_related(
        Prefetch("round__offers", queryset=_offers()),
        Prefetch("commitments", queryset=commitments),
    )


def agreement_get(pk: int) -> IntentAgreement:
    agreement = _agreements().filter(pk=pk).first()
    if agreement is None:
        raise Http404("Avtalen finnes ikke.")
    return agreement


def agreement_for_user(user: User, pk: int) -> IntentAgreement:
    """The agreement the user may read; a draft is as unknown as a missing one to non-coordinators."""
    agreement = agreement_get(pk)
    if not agreement_can_read(user, agreement):
        raise Http404("Avtalen finnes ikke.")
    return agreement


def agreement_events(agreement: IntentAgreement) -> QuerySet[AgreementEvent]:
    return agreement.events.select_related("actor").order_by("-at", "-id")


def agreement_versions(agreement: IntentAgreement) -> QuerySet[AgreementVersion]:
    """Signed versions, newest first, without the scans' bytes."""
    return agreement.versions.defer("scan").select_related("signed_by").order_by("-number")


def agreement_version_get(agreement: IntentAgreement, number: int) -> AgreementVersion:
    version = agreement.versions.filter(number=number).first()
    if version is None:
        raise Http404("Versjonen finnes ikke.")
    return version


def agreements_for_municipalities(numbers: frozenset[str]) -> QuerySet[IntentAgreement]:
    """A contact's agreements that have been sent, newest round first."""
    return (
        IntentAgreement.objects.filter(municipality__in=numbers)
        .exclude(status=AgreementStatus.DRAFT)
        .select_related("round", "municipality")
        .order_by("-round__created_at", "municipality__name")
    )


def agreements_awaiting_answer(municipality: Municipality) -> QuerySet[IntentAgreement]:
    """The municipality's agreements that are sent and not answered yet (shown on Min kommune)."""
    return (
        IntentAgreement.objects.filter(municipality=municipality, status__in=OPEN_STATUSES)
        .select_related("round")
        .order_by("round__answer_deadline")
    )


def agreement_recipients(agreement: IntentAgreement) -> list[str]:
    """The e-mail addresses of the municipality's active contacts, sorted."""
    return sorted(
        User.objects.filter(
            municipalities=agreement.municipality_id, role=Role.MUNICIPALITY_CONTACT, is_active=True
        ).values_list("email", flat=True)
    )


@dataclass(frozen=True)
class FingerprintMatch:
    """What the public check tells about a fingerprint: which agreement, nothing of its content."""

    round_name: str
    municipality_name: str
    municipality_number: str
    version: int
    signed_at: datetime
    is_current: bool


def fingerprint_lookup(fingerprint: str) -> FingerprintMatch | None:
    version = (
        AgreementVersion.objects.defer("scan", "content")
        .select_related("agreement__round", "agreement__municipality")
        .filter(fingerprint=fingerprint.strip().lower())
        .first()
    )
    if version is None:
        return None
    agreement = version.agreement
    latest = agreement.versions.order_by("-number").values_list("number", flat=True).first()
    return FingerprintMatch(
        round_name=agreement.round.name,
        municipality_name=agreement.municipality.name,
        municipality_number=agreement.municipality_id,
        version=version.number,
        signed_at=version.signed_at,
        is_current=agreement.status == AgreementStatus.SIGNED and latest == version.number,
    )


# --- Round overview ----------------------------------------------------------------------------------


# Got the agreement but did not answer: still open, or let the deadline pass.
NOT_ANSWERED = UNANSWERED_STATUSES | {AgreementStatus.EXPIRED}


@dataclass(frozen=True)
class OverviewRow:
    agreement: IntentAgreement
    committed: list[str]  # short names of the committed solutions, signed agreements only
    has_recipients: bool


@dataclass(frozen=True)
class SolutionCount:
    solution: Solution
    reason: str
    committed: int


@dataclass(frozen=True)
class RoundOverview:
    round: AgreementRound
    rows: list[OverviewRow]
    status_counts: list[tuple[str, str, int]]  # (status, label, count) in the order of AgreementStatus
    solution_counts: list[SolutionCount]
    unanswered: list[OverviewRow]
    drafts_without_recipients: list[OverviewRow]
    signed: int
    total: int


def round_overview(round_: AgreementRound) -> RoundOverview:
    """Every municipality's agreement with its status, last activity and commitments (5 queries)."""
    agreements = list(
        IntentAgreement.objects.filter(round=round_)
        .select_related("municipality")
        .prefetch_related(
            Prefetch("commitments", queryset=AgreementCommitment.objects.select_related("offer__solution"))
        )
    )
    with_contacts = set(
        User.objects.filter(
            role=Role.MUNICIPALITY_CONTACT,
            is_active=True,
            municipalities__in=[agreement.municipality_id for agreement in agreements],
        ).values_list("municipalities", flat=True)
    )
    rows = []
    committed_counts: Counter[int] = Counter()
    for agreement in sorted(agreements, key=lambda a: norwegian_key(a.municipality.name)):
        committed: list[str] = []
        if agreement.status == AgreementStatus.SIGNED:
            for commitment in sorted(agreement.commitments.all(), key=lambda c: c.offer.position):
                committed.append(commitment.offer.solution.short_name)
                committed_counts[commitment.offer_id] += 1
        rows.append(
            OverviewRow(
                agreement=agreement, committed=committed, has_recipients=agreement.municipality_id in with_contacts
            )
        )
    statuses = Counter(agreement.status for agreement in agreements)
    return RoundOverview(
        round=round_,
        rows=rows,
        status_counts=[(status.value, str(status.label), statuses[status]) for status in AgreementStatus],
        solution_counts=[
            SolutionCount(solution=offer.solution, reason=offer.reason, committed=committed_counts[offer.pk])
            for offer in round_.offers.all()
        ],
        unanswered=[row for row in rows if row.agreement.status in NOT_ANSWERED],
        drafts_without_recipients=[
            row for row in rows if row.agreement.status == AgreementStatus.DRAFT and not row.has_recipients
        ],
        signed=statuses[AgreementStatus.SIGNED],
        total=len(agreements),
    )
