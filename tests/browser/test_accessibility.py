"""axe-core in Chromium on every page: zero WCAG 2.1 A/AA violations, no console errors (CSP included)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.models import Invitation
from ehelsenord.accounts.selectors import token_hash
from ehelsenord.accounts.tests.factories import UserFactory
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
