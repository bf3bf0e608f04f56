"""The intent agreement's whole path in Chromium: a round created and sent, opened from the e-mail, signed.

These tests run on the real clock (the browser drops a session cookie that expired by its own
clock), so their dates are counted from today.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ehelsenord.agreements import services
from ehelsenord.agreements.enums import AgreementStatus, SigningMethod
from ehelsenord.agreements.models import AgreementRound, AgreementVersion, IntentAgreement
from ehelsenord.agreements.services import OfferInput, RoundInput
from ehelsenord.agreements.tests.conftest import pdf_text
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.models import Implementation
from ehelsenord.solutions.models import Solution

pytestmark = pytest.mark.django_db(transaction=True)

PLL = "pasientens-legemiddelliste"
KJ_PLO = "kjernejournal-pleie-og-omsorg"
ROUND_NAME = "Prioriterte løsninger neste år"


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    """The real clock here (overrides the agreement tests' fixed one)."""
    yield


def next_year() -> int:
    return timezone.localdate().year + 1


def log_in(page: Page, live: str, email: str, *, next_path: str = "/") -> None:
    """Log in through the login form, starting from `next_path` (which sends an anonymous user there)."""
    page.goto(f"{live}{next_path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


def test_coordinator_sends_a_round_and_a_contact_signs_it_from_the_email_link(
    page: Page, live: str, smtp_server: Any, settings: Any
) -> None:
    settings.SITE_URL = live  # the link in the e-mail leads to this test server
    bodo = Municipality.objects.get(number="1804")
    UserFactory(email="kari@ehelsenord.example", role=Role.EHEALTH_CONTACT, full_name="Kari Koordinator")
    UserFactory(
        email="berit@bodo.example", role=Role.MUNICIPALITY_CONTACT, full_name="Berit Bodø", municipalities=[bodo]
    )
    year = next_year()
    pll, kj_plo = Solution.objects.get(slug=PLL), Solution.objects.get(slug=KJ_PLO)

    # The coordinator creates the round through the form.
    log_in(page, live, "kari@ehelsenord.example")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Avtaler").click()
    page.get_by_role("link", name="Ny avtalerunde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny avtalerunde")
    page.get_by_label("Navn", exact=True).fill(ROUND_NAME)
    page.get_by_label("Periode fra").fill(f"01.01.{year}")
    page.get_by_label("Periode til").fill(f"31.12.{year}")
    page.get_by_label("Svarfrist").fill((timezone.localdate() + timedelta(days=30)).strftime("%d.%m.%Y"))
    for solution in (pll, kj_plo):
        page.get_by_label(solution.name, exact=True).check()
        page.get_by_label(f"Hvorfor {solution.short_name} er prioritert").fill(
            f"Nasjonal prioritet: {solution.short_name}"
        )
    page.get_by_role("button", name="Opprett runden og utkastene").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ROUND_NAME)
    round_ = AgreementRound.objects.get()
    assert list(round_.offers.values_list("solution__slug", flat=True)) == [KJ_PLO, PLL]
    assert IntentAgreement.objects.filter(round=round_, status=AgreementStatus.DRAFT).count() == 80

    # ... and sends it: only Bodø has a contact person with an account.
    page.get_by_role("button", name="Send 1 utkast").click()
    expect(page.get_by_role("status").first).to_contain_text("1 avtale ble sendt.")
    assert [message["To"] for message in smtp_server.messages] == ["berit@bodo.example"]
    body = smtp_server.messages[0].get_body(preferencelist=("plain",)).get_content()
    links = re.findall(rf"{re.escape(live)}/avtaler/\d+/", body)
    assert len(links) == 1
    page.get_by_role("button", name="Logg ut").click()

    # The contact follows the link from the e-mail, logs in and lands on the agreement.
    log_in(page, live, "berit@bodo.example", next_path=links[0].removeprefix(live))
    expect(page.get_by_role("heading", level=1)).to_have_text("Intensjonsavtale: Bodø")
    agreement = IntentAgreement.objects.get(round=round_, municipality=bodo)
    assert agreement.status == AgreementStatus.OPENED
    page.get_by_label(pll.name, exact=True).check()
    page.get_by_label(f"Planlagt innen ({pll.short_name})").select_option(label=f"2. kvartal {year}")
    page.get_by_label(kj_plo.name, exact=True).check()
    page.get_by_label(f"Planlagt innen ({kj_plo.short_name})").select_option(label=f"4. kvartal {year}")
    page.get_by_label("Navn (kontaktperson 1)").fill("Berit Bodø")
    page.get_by_label("E-post (kontaktperson 1)").fill("berit@bodo.example")
    page.get_by_label("Navn på den som signerer").fill("Ola Ordfører")
    page.get_by_label("Stillingen til den som signerer").fill("Kommunedirektør")
    page.get_by_label("Jeg bekrefter at den som signerer").check()
    page.get_by_role("button", name="Signer avtalen").click()
    expect(page.get_by_role("status").first).to_contain_text("Avtalen er signert (versjon 1).")
    expect(page.get_by_role("heading", name="Deres svar")).to_have_count(0)

    version = AgreementVersion.objects.get(agreement=agreement)
    assert (version.number, version.method, version.signatory_name) == (1, SigningMethod.PLATFORM, "Ola Ordfører")

    # The signed letter downloads as a PDF that names the municipality, the solutions and the fingerprint.
    # (Fetched with the browser's session: Chromium would show an inline PDF rather than download it.)
    link = page.get_by_role("link", name="Last ned det signerte brevet (PDF)")
    download = page.request.get(f"{live}{link.get_attribute('href')}")
    assert (download.status, download.url) == (200, f"{live}/avtaler/{agreement.pk}/versjon/1.pdf")
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == 'inline; filename="intensjonsavtale-1804-v1.pdf"'
    text = pdf_text(download.body())
    for expected in ("Bodø", "1804", pll.name, kj_plo.name, "Ola Ordfører", version.fingerprint):
        assert expected in text

    # The status matrix shows both records as planned, with the agreement's target dates.
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Statusmatrise").click()
    expect(page.locator(f"#cell-1804-{PLL}")).to_have_text(f"Bodø, {pll.short_name}: Planlagt")
    expect(page.locator(f"#cell-1804-{KJ_PLO}")).to_have_text(f"Bodø, {kj_plo.short_name}: Planlagt")
    records = Implementation.objects.filter(municipality=bodo).order_by("solution__slug")
    assert [(r.solution.slug, r.phase.key, r.target_date) for r in records] == [
        (KJ_PLO, "planlagt", date(year, 12, 31)),
        (PLL, "planlagt", date(year, 6, 30)),
    ]


@pytest.fixture
def sent_to_bodo(live: str) -> tuple[IntentAgreement, Any]:
    """A round offering PLL and Kjernejournal PLO, sent to Bodø's contact (Berit)."""
    bodo = Municipality.objects.get(number="1804")
    coordinator: Any = UserFactory(role=Role.EHEALTH_CONTACT, full_name="Kari Koordinator")
    contact: Any = UserFactory(role=Role.MUNICIPALITY_CONTACT, full_name="Berit Bodø", municipalities=[bodo])
    year = next_year()
    round_ = services.round_create(
        by=coordinator,
        data=RoundInput(
            name=ROUND_NAME,
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            answer_deadline=timezone.localdate() + timedelta(days=30),
            letter_nb="eHelse Nord inviterer kommunen til felles innføring.",
            letter_nn="eHelse Nord inviterer kommunen til felles innføring.",
            offers=[
                OfferInput(Solution.objects.get(slug=slug), f"Nasjonal prioritet for {slug}") for slug in (PLL, KJ_PLO)
            ],
        ),
    )
    agreement = IntentAgreement.objects.get(round=round_, municipality=bodo)
    services.agreement_send(agreement=agreement, by=coordinator)
    return agreement, contact


def _focused(page: Page) -> str:
    """The focused element's id, or its accessible text for a button."""
    return str(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))


def _tab_to(page: Page, element_id: str, *, limit: int = 80) -> None:
    """Press Tab until the element with this id has the focus (as a keyboard user moves through the page)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page) == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_the_answer_form_can_be_filled_and_signed_with_the_keyboard_alone(
    page: Page, live: str, login: Callable[[Any], None], sent_to_bodo: tuple[IntentAgreement, Any]
) -> None:
    agreement, contact = sent_to_bodo
    login(contact)
    page.goto(f"{live}{agreement.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Intensjonsavtale: Bodø")
    offers = {offer.solution.slug: offer.pk for offer in agreement.round.offers.all()}
    year = next_year()

    _tab_to(page, f"id_commit_{offers[PLL]}")
    page.keyboard.press("Space")
    _tab_to(page, f"id_quarter_{offers[PLL]}")
    page.keyboard.press("ArrowDown")  # a closed select moves to the next option: the second quarter
    _tab_to(page, "id_contact_0_name")
    page.keyboard.type("Berit Bodø")
    _tab_to(page, "id_signatory_name")
    page.keyboard.type("Ola Ordfører")
    page.keyboard.press("Tab")
    assert _focused(page) == "id_signatory_title"
    page.keyboard.type("Kommunedirektør")
    _tab_to(page, "id_confirm")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert _focused(page) == "Signer avtalen"
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text("Avtalen er signert (versjon 1).")
    signed = IntentAgreement.objects.get(pk=agreement.pk)
    assert signed.status == AgreementStatus.SIGNED
    assert [(c.offer.solution.slug, c.target_quarter) for c in signed.commitments.all()] == [(PLL, date(year, 4, 1))]
    assert (signed.signatory_name, signed.signatory_title) == ("Ola Ordfører", "Kommunedirektør")
    assert signed.contacts == [{"name": "Berit Bodø", "title": "", "email": "", "phone": ""}]
