"""Fixtures for the intent agreement tests: a round made by a coordinator, and answers to it.

The clock stands at NOW (tick on) in every test here, so deadlines, quarters and reminder days
are the same on every run. Helpers that need no fixture are plain functions, imported by the tests.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ehelsenord.agreements import services
from ehelsenord.agreements.models import AgreementRound, IntentAgreement, RoundOffer
from ehelsenord.agreements.selectors import agreement_get
from ehelsenord.agreements.services import Answer, Contact, OfferInput, RoundInput, SignResult
from ehelsenord.solutions.models import Solution

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 9, 1, 9, 0, tzinfo=OSLO)
PERIOD_START = date(2027, 1, 1)
PERIOD_END = date(2027, 12, 31)
DEADLINE = date(2026, 10, 15)
Q1, Q2, Q3, Q4 = date(2027, 1, 1), date(2027, 4, 1), date(2027, 7, 1), date(2027, 10, 1)
ROUND_NAME = "Prioriterte løsninger 2027"
# What the round offers, in this order: PLL, Kjernejournal PLO, Digital hjemmeoppfølging.
OFFERED = ("pasientens-legemiddelliste", "kjernejournal-pleie-og-omsorg", "digital-hjemmeoppfolging")
PLL, KJ_PLO, DHO = OFFERED
LETTER_NB = "eHelse Nord inviterer kommunen til felles innføring.\n\nSvar innen fristen."
LETTER_NN = "eHelse Nord inviterer kommunen til felles innføring.\n\nSvar innan fristen."
CONTACT = Contact(name="Berit Bodø", title="Rådgiver e-helse", email="berit@bodo.kommune.example", phone="75 55 50 00")
SIGNATORY = ("Ola Ordfører", "Kommunedirektør")


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def round_input(
    slugs: Sequence[str] = OFFERED,
    *,
    reasons: Mapping[str, str] | None = None,
    **overrides: Any,
) -> RoundInput:
    """A valid round: the solutions `slugs` with a reason each; any field can be overridden."""
    reasons = reasons or {}
    offers = [
        OfferInput(
            solution=Solution.objects.get(slug=slug),
            reason=reasons.get(slug, f"Nasjonal prioritet for {slug}"),
            national_deadline=date(2027, 12, 31) if slug == PLL else None,
        )
        for slug in slugs
    ]
    fields: dict[str, Any] = {
        "name": ROUND_NAME,
        "period_start": PERIOD_START,
        "period_end": PERIOD_END,
        "answer_deadline": DEADLINE,
        "letter_nb": LETTER_NB,
        "letter_nn": LETTER_NN,
        "offers": offers,
    }
    fields.update(overrides)
    return RoundInput(**fields)


@pytest.fixture
def make_round(coordinator: Any) -> Callable[..., AgreementRound]:
    """round_create as the coordinator (or `by`), with round_input's arguments."""

    def make(slugs: Sequence[str] = OFFERED, *, by: Any = None, **overrides: Any) -> AgreementRound:
        return services.round_create(by=by or coordinator, data=round_input(slugs, **overrides))

    return make


@pytest.fixture
def agreement_round(make_round: Callable[..., AgreementRound]) -> AgreementRound:
    return make_round()


def agreement_of(round_: AgreementRound, municipality: Any) -> IntentAgreement:
    """The municipality's agreement in the round, fresh from the database, as services expect it."""
    return agreement_get(IntentAgreement.objects.get(round=round_, municipality=municipality).pk)


def fresh(agreement: IntentAgreement) -> IntentAgreement:
    return agreement_get(agreement.pk)


def offer_pk(round_: AgreementRound, slug: str) -> int:
    return RoundOffer.objects.get(round=round_, solution__slug=slug).pk


def make_answer(
    agreement: IntentAgreement,
    commitments: Mapping[str, date] | None = None,
    *,
    contacts: Sequence[Contact] = (CONTACT,),
    signatory: tuple[str, str] = SIGNATORY,
) -> Answer:
    """An answer committing to {solution slug: target quarter} (default PLL in Q2, KJ PLO in Q4)."""
    chosen = {PLL: Q2, KJ_PLO: Q4} if commitments is None else commitments
    return Answer(
        commitments={offer_pk(agreement.round, slug): quarter for slug, quarter in chosen.items()},
        contacts=list(contacts),
        signatory_name=signatory[0],
        signatory_title=signatory[1],
    )


def sign(agreement: IntentAgreement, by: Any, answer: Answer | None = None, **kwargs: Any) -> SignResult:
    """Sign the agreement as it is now (its current revision), by default with make_answer's answer."""
    current = fresh(agreement)
    return services.agreement_sign(
        agreement=current, by=by, revision=current.revision, answer=answer or make_answer(current), **kwargs
    )


def pdf_text(data: bytes) -> str:
    """The text of a PDF as pdftotext (poppler) extracts it, lines joined by single spaces."""
    assert data.startswith(b"%PDF-")
    command = ["pdftotext", "-enc", "UTF-8", "-", "-"]
    result = subprocess.run(command, input=data, capture_output=True, check=True)  # noqa: S603 (poppler-utils)
    return " ".join(result.stdout.decode().split())


def pdf_fonts(data: bytes, tmp_path: Path) -> dict[str, str]:
    """The fonts of a PDF as pdffonts (poppler) lists them: name without subset prefix → embedded (yes/no)."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    command = ["pdffonts", str(path)]
    listing = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    return {line.split()[0].split("+", 1)[-1]: line.split()[-5] for line in listing.splitlines()[2:]}


@pytest.fixture
def sent_bodo(agreement_round: AgreementRound, bodo: Any, bodo_contact: Any, coordinator: Any) -> IntentAgreement:
    """Bodø's agreement, sent to Berit (through the test mail backend unless smtp_server is used)."""
    services.agreement_send(agreement=agreement_of(agreement_round, bodo), by=coordinator)
    return agreement_of(agreement_round, bodo)


@pytest.fixture
def opened_bodo(sent_bodo: IntentAgreement, bodo_contact: Any) -> IntentAgreement:
    services.agreement_open(agreement=sent_bodo, by=bodo_contact)
    return fresh(sent_bodo)
