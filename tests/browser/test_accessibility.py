"""axe-core in Chromium on every page: zero WCAG 2.1 A/AA violations, no console errors (CSP included)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.models import Invitation
from ehelsenord.accounts.selectors import token_hash
from ehelsenord.accounts.tests.factories import UserFactory
from ehelsenord.agreements import services as agreement_services
from ehelsenord.agreements.models import AgreementRound, IntentAgreement
from ehelsenord.agreements.selectors import agreement_get
from ehelsenord.agreements.services import Answer, Contact, OfferInput, RoundInput
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Solution
from tests.browser.fixtures import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = {
    "/konto/logg-inn/": "Logg inn",
    "/konto/passord/glemt/": "Glemt passordet?",
    "/konto/invitasjon/tilgjengelig-invitasjon/": "Opprett kontoen din",
    "/api/v1/dokumentasjon/": "API-dokumentasjon",
}

# Pages a network administrator sees, with the h1 each must show.
PAGES = {
    "/": "Oversikt over Nord-Norge",
    "/?omrade=norge": "Oversikt over hele landet",
    "/status/": "Statusmatrise",
    "/status/?omrade=55&sorter=innbyggere&retning=synkende": "Statusmatrise",
    "/kommuner/": "Kommuner",
    "/kommuner/1804/": "Bodø",
    "/kommuner/1804/historikk/": "Historikk for Bodø",
    "/kommuner/5610/": "Kárášjohka - Karasjok",
    "/losninger/": "Løsninger",
    "/losninger/pasientens-legemiddelliste/": "Pasientens legemiddelliste (PLL)",
    "/losninger/pasientens-legemiddelliste/historikk/": "Historikk for Pasientens legemiddelliste (PLL)",
    "/losninger/helsenettet/": "Helsenettet (medlemskap)",
    "/registreringer/1804/pasientens-legemiddelliste/": "Pasientens legemiddelliste (PLL) i Bodø",
    "/registreringer/1804/pasientens-legemiddelliste/historikk/": (
        "Historikk for Pasientens legemiddelliste (PLL) i Bodø"
    ),
    "/min-kommune/": "Min kommune: Bodø",
    "/regneark/": "Regneark",
    "/konto/": "Min konto",
    "/konto/passord/": "Endre passord",
    "/konto/invitasjoner/": "Invitasjoner",
}


@pytest.fixture
def admin_with_data(live: str) -> Any:
    bodo = Municipality.objects.get(number="1804")
    admin: Any = UserFactory(role=Role.NETWORK_ADMIN, full_name="Nina Nettverk", municipalities=[bodo])
    pll = Solution.objects.get(slug="pasientens-legemiddelliste")
    implementation_update(
        municipality=bodo, solution=pll, user=admin, changes={"phase": "utproving", "note": "Utprøving i Salten"}
    )
    implementation_update(municipality=bodo, solution=pll, user=admin, changes={"traffic_light": "delayed"})
    Invitation.objects.create(
        email="ny@kommune.example",
        full_name="Nils Ny",
        role=Role.READER,
        token_hash=token_hash("tilgjengelig-invitasjon"),
        invited_by=admin,
        expires_at=timezone.now() + timedelta(days=3),
    )
    return admin


@pytest.mark.parametrize(("path", "heading"), PUBLIC_PAGES.items())
def test_public_page_has_no_accessibility_violations(
    page: Page, live: str, admin_with_data: Any, path: str, heading: str
) -> None:
    page.goto(f"{live}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert axe_violations(page) == []


@pytest.mark.parametrize(("path", "heading"), PAGES.items())
def test_page_has_no_accessibility_violations(
    page: Page, live: str, login: Callable[[Any], None], admin_with_data: Any, path: str, heading: str
) -> None:
    login(admin_with_data)
    page.goto(f"{live}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert axe_violations(page) == []


def test_form_errors_have_no_accessibility_violations(
    page: Page, live: str, login: Callable[[Any], None], admin_with_data: Any
) -> None:
    login(admin_with_data)
    page.goto(f"{live}/registreringer/1804/pasientens-legemiddelliste/")
    # The input's maxlength stops a browser at 200 characters; the server must say no all the same.
    page.evaluate("document.getElementById('id_note').removeAttribute('maxlength')")
    page.get_by_label("Notat").fill("x" * 201)
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("alert")).to_contain_text("Skjemaet har feil")
    assert axe_violations(page) == []


# --- Intent agreements ---------------------------------------------------------------------------------

AGREEMENT_ROUND = "Prioriterte løsninger neste år"


@dataclass(frozen=True)
class AgreementPages:
    round: AgreementRound
    waiting: IntentAgreement  # Bodø: sent, Berit has not answered
    draft: IntentAgreement  # Alta: still a draft
    signed: IntentAgreement  # Røst: signed, reopened and signed again
    bodo_contact: Any
    fingerprint: str  # Røst's version 2


@pytest.fixture
def agreement_pages(admin_with_data: Any) -> AgreementPages:
    """A round sent to Bodø and Røst; Røst has signed twice (two versions), Alta is a draft."""
    bodo, rost = Municipality.objects.get(number="1804"), Municipality.objects.get(number="1856")
    berit = UserFactory(role=Role.MUNICIPALITY_CONTACT, full_name="Berit Bodø", municipalities=[bodo])
    rolf: Any = UserFactory(role=Role.MUNICIPALITY_CONTACT, full_name="Rolf Røst", municipalities=[rost])
    year = timezone.localdate().year + 1
    offered = ("pasientens-legemiddelliste", "kjernejournal-pleie-og-omsorg")
    round_ = agreement_services.round_create(
        by=admin_with_data,
        data=RoundInput(
            name=AGREEMENT_ROUND,
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            answer_deadline=timezone.localdate() + timedelta(days=30),
            letter_nb="eHelse Nord inviterer kommunen til felles innføring.\n\nSvar innen fristen.",
            letter_nn="eHelse Nord inviterer kommunen til felles innføring.\n\nSvar innan fristen.",
            offers=[
                OfferInput(Solution.objects.get(slug=slug), "Nasjonal prioritet", date(year, 12, 31))
                for slug in offered
            ],
        ),
    )
    agreements = {a.municipality_id: a for a in IntentAgreement.objects.filter(round=round_)}
    for number in ("1804", "1856"):
        agreement_services.agreement_send(agreement=agreement_get(agreements[number].pk), by=admin_with_data)
    offers = {offer.solution.slug: offer.pk for offer in round_.offers.all()}
    answer = Answer(
        commitments={offers[offered[0]]: date(year, 4, 1)},
        contacts=[Contact(name="Rolf Røst", title="Rådgiver", email="rolf@rost.example")],
        signatory_name="Ola Ordfører",
        signatory_title="Kommunedirektør",
    )
    rost_agreement = agreement_get(agreements["1856"].pk)
    agreement_services.agreement_sign(
        agreement=rost_agreement, by=rolf, revision=rost_agreement.revision, answer=answer
    )
    rost_agreement = agreement_get(rost_agreement.pk)
    agreement_services.agreement_reopen(
        agreement=rost_agreement, by=admin_with_data, revision=rost_agreement.revision, reason="Kommunen vil ha med KJ."
    )
    rost_agreement = agreement_get(rost_agreement.pk)
    both = Answer(
        commitments={offers[offered[0]]: date(year, 4, 1), offers[offered[1]]: date(year, 10, 1)},
        contacts=answer.contacts,
        signatory_name=answer.signatory_name,
        signatory_title=answer.signatory_title,
    )
    result = agreement_services.agreement_sign(
        agreement=rost_agreement, by=rolf, revision=rost_agreement.revision, answer=both
    )
    return AgreementPages(
        round=round_,
        waiting=agreements["1804"],
        draft=agreements["5601"],
        signed=agreements["1856"],
        bodo_contact=berit,
        fingerprint=result.version.fingerprint,
    )


AGREEMENT_PAGES = {
    "agreement list": ("admin", lambda p: "/avtaler/", "Intensjonsavtaler"),
    "agreement list, contact": ("contact", lambda p: "/avtaler/", "Intensjonsavtaler"),
    "new round": ("admin", lambda p: "/avtaler/ny/", "Ny avtalerunde"),
    "round overview": ("admin", lambda p: p.round.get_absolute_url(), AGREEMENT_ROUND),
    "answer form": ("contact", lambda p: p.waiting.get_absolute_url(), "Intensjonsavtale: Bodø"),
    "draft, coordinator": ("admin", lambda p: p.draft.get_absolute_url(), "Intensjonsavtale: Alta"),
    "signed with versions": ("admin", lambda p: p.signed.get_absolute_url(), "Intensjonsavtale: Røst"),
    "waiting, coordinator": ("admin", lambda p: p.waiting.get_absolute_url(), "Intensjonsavtale: Bodø"),
    "min kommune, waiting": ("contact", lambda p: "/min-kommune/", "Min kommune: Bodø"),
    "check, match": (
        "nobody",
        lambda p: f"/avtaler/kontroll/?fingerprint={p.fingerprint}",
        "Kontroller en signert avtale",
    ),
    "check, no match": (
        "nobody",
        lambda p: f"/avtaler/kontroll/?fingerprint={'ab' * 32}",
        "Kontroller en signert avtale",
    ),
    "check, malformed": ("nobody", lambda p: "/avtaler/kontroll/?fingerprint=abc", "Kontroller en signert avtale"),
}


@pytest.mark.parametrize("name", AGREEMENT_PAGES)
def test_agreement_page_has_no_accessibility_violations(
    page: Page,
    live: str,
    login: Callable[[Any], None],
    admin_with_data: Any,
    agreement_pages: AgreementPages,
    name: str,
) -> None:
    who, path, heading = AGREEMENT_PAGES[name]
    if who != "nobody":
        login(admin_with_data if who == "admin" else agreement_pages.bodo_contact)
    page.goto(f"{live}{path(agreement_pages)}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    if name == "check, match":
        expect(page.get_by_role("status")).to_contain_text("Røst (1856)")
    elif name == "check, no match":
        expect(page.get_by_role("status")).to_contain_text("Ingen signert avtale har dette fingeravtrykket.")
    elif name == "signed with versions":
        expect(page.get_by_role("table", name="Signerte versjoner, nyeste først").locator("tbody tr")).to_have_count(2)
    elif name == "answer form":
        expect(page.get_by_role("button", name="Signer avtalen")).to_be_visible()
    elif name == "min kommune, waiting":
        expect(page.get_by_role("link", name="Åpne avtalen")).to_be_visible()
    assert axe_violations(page) == []


BAD_REQUEST = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


def _expect_bad_request(console_errors: list[str]) -> None:
    """A form with errors comes back as 400, which the console reports; nothing else may be there."""
    assert console_errors == [BAD_REQUEST]
    console_errors.clear()


def test_agreement_forms_with_errors_have_no_accessibility_violations(
    page: Page,
    live: str,
    login: Callable[[Any], None],
    admin_with_data: Any,
    agreement_pages: AgreementPages,
    console_errors: list[str],
) -> None:
    login(admin_with_data)
    page.goto(f"{live}/avtaler/ny/")
    page.get_by_label("Periode til").fill("31.02.2027")
    page.get_by_role("button", name="Opprett runden og utkastene").click()
    expect(page.get_by_role("alert")).to_contain_text("Skjemaet har feil")
    assert axe_violations(page) == []

    login(agreement_pages.bodo_contact)
    page.goto(f"{live}{agreement_pages.waiting.get_absolute_url()}")
    page.get_by_role("button", name="Signer avtalen").click()
    expect(page.get_by_role("alert")).to_contain_text("Skjemaet har feil")
    _expect_bad_request(console_errors)
    assert axe_violations(page) == []

    page.goto(f"{live}{agreement_pages.waiting.get_absolute_url()}")
    page.get_by_text("Avslå avtalen").click()
    page.get_by_role("button", name="Avslå", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Skjemaet har feil")
    expect(page.get_by_label("Hvorfor takker kommunen nei?")).to_be_visible()  # the section opens by itself
    _expect_bad_request(console_errors)
    assert axe_violations(page) == []
