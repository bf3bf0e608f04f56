"""The public pages in Chromium, without login: axe-core finds no WCAG 2.1 A/AA violations and the console
no errors (CSP included), and the status index can be used with the keyboard alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from ehelsenord.municipalities.models import Municipality
from ehelsenord.public.tests.public_fixtures import public_change, public_days_ago
from tests.browser.fixtures import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PLL = "Pasientens legemiddelliste (PLL)"
PAGES = {
    reverse("public:about"): "Om eHelse Nord",
    reverse("public:status"): "Status i kommunene",
    reverse("public:status_municipality", args=["1804"]): "Status i Bodø",
    reverse("public:status_municipality", args=["5610"]): "Status i Kárášjohka - Karasjok",
    reverse("public:status_solution", args=["pasientens-legemiddelliste"]): f"Status for {PLL}",
    reverse("public:open_data"): "Åpne data",
    reverse("public:accessibility"): "Tilgjengelighetserklæring",
}


@pytest.fixture
def public_browser_world(live: str, coordinator: Any) -> None:
    """A published phase, one inside the embargo and a private record, so the pages show every kind of cell."""
    bodo = Municipality.objects.get(number="1804")
    rost = Municipality.objects.get(number="1856")
    public_change(bodo, "pasientens-legemiddelliste", coordinator, public_days_ago(40), phase="i_drift", public=True)
    public_change(bodo, "helsenettet", coordinator, public_days_ago(40), phase="avtaler_signert", public=True)
    public_change(bodo, "helsenettet", coordinator, public_days_ago(5), phase="tilkoblet")
    public_change(rost, "pasientens-legemiddelliste", coordinator, public_days_ago(40), phase="utproving", public=True)
    public_change(rost, "e-resept", coordinator, public_days_ago(40), phase="i_drift", note="Ikke offentlig")


@pytest.mark.parametrize(("path", "heading"), PAGES.items())
def test_public_page_has_no_accessibility_violations(
    page: Page, live: str, public_browser_world: None, path: str, heading: str
) -> None:
    page.goto(f"{live}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert axe_violations(page) == []


def test_public_pages_are_reached_from_the_menu_without_login(page: Page, live: str) -> None:
    page.goto(f"{live}{reverse('public:about')}")
    menu = page.get_by_role("navigation", name="Hovedmeny")
    menu.get_by_role("link", name="Status i kommunene").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Status i kommunene")
    expect(menu.get_by_role("link", name="Status i kommunene")).to_have_attribute("aria-current", "page")
    page.get_by_role("contentinfo").get_by_role("link", name="Tilgjengelighetserklæring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilgjengelighetserklæring")


def _focused_link(page: Page) -> str:
    return str(page.evaluate("document.activeElement.tagName === 'A' ? document.activeElement.textContent.trim() : ''"))


def test_status_index_by_keyboard_tab_to_a_municipality_and_open_it(
    page: Page, live: str, public_browser_world: None
) -> None:
    page.goto(f"{live}{reverse('public:status')}")
    for _ in range(100):
        page.keyboard.press("Tab")
        if _focused_link(page) == "Bodø":
            break
    else:
        raise AssertionError("Tab never reached the link to Bodø")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("href", reverse("public:status_municipality", args=["1804"]))
    expect(focused).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Status i Bodø")
    assert page.url == f"{live}{reverse('public:status_municipality', args=['1804'])}"
    # On the municipality page the keyboard goes on to a solution, and back to the index.
    for _ in range(60):
        page.keyboard.press("Tab")
        if _focused_link(page) == PLL:
            break
    else:
        raise AssertionError("Tab never reached the link to PLL")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Status for {PLL}")
    row = page.get_by_role("row", name="Bodø")
    expect(row.get_by_role("cell").first).to_have_text("I drift")
