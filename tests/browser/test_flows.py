"""The paths people take every week, in Chromium, from the login form onwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.models import Implementation, ImplementationChange

pytestmark = pytest.mark.django_db(transaction=True)

PLL = "pasientens-legemiddelliste"


def test_coordinator_changes_a_status_in_the_matrix_and_sees_it_on_oversikt_and_in_the_history(
    page: Page, live: str
) -> None:
    UserFactory(email="kari@ehelsenord.example", role=Role.EHEALTH_CONTACT, full_name="Kari Koordinator")
    page.goto(f"{live}/")
    expect(page).to_have_url(f"{live}/konto/logg-inn/?next=/")
    page.get_by_label("E-post").fill("kari@ehelsenord.example")
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversikt over Nord-Norge")

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Statusmatrise").click()
    page.locator(f"#open-1804-{PLL}").click()
    dialog = page.get_by_role("dialog", name="Oppdater Pasientens legemiddelliste (PLL) i Bodø")
    dialog.get_by_role("radio", name="Planlagt").check()
    dialog.get_by_role("button", name="Lagre").click()
    expect(page.locator(f"#cell-1804-{PLL}")).to_have_text("Bodø, PLL: Planlagt")
    expect(page.get_by_role("dialog")).to_have_count(0)

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Oversikt").click()
    changes = page.get_by_role("table", name="Den siste endringen i Nord-Norge")
    expect(changes.locator("tbody tr")).to_have_count(1)
    expect(changes.locator("tbody tr td").nth(1)).to_have_text("Bodø")
    expect(changes.get_by_role("cell", name="Ikke startet til Planlagt", exact=True)).to_be_visible()
    expect(changes.locator("tbody tr td").nth(5)).to_have_text("Kari Koordinator")

    changes.get_by_role("link", name="PLL").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pasientens legemiddelliste (PLL) i Bodø")
    history = page.get_by_role("table", name="Endringer for PLL i Bodø, nyeste først")
    expect(history.locator("tbody tr")).to_have_count(1)
    expect(history.locator("tbody tr")).to_contain_text("Kari Koordinator")
    expect(history.locator("tbody tr")).to_contain_text("Planlagt")
    assert list(ImplementationChange.objects.values_list("field", "old_value", "new_value", "source")) == [
        ("phase", "ikke_startet", "planlagt", "web")
    ]


def test_contact_updates_min_kommune_in_one_form(page: Page, live: str, login: Callable[[Any], None]) -> None:
    rost = Municipality.objects.get(number="1856")
    contact = UserFactory(role=Role.MUNICIPALITY_CONTACT, full_name="Rolf Røst", municipalities=[rost])
    login(contact)
    page.goto(f"{live}/")
    page.get_by_role("link", name="Min kommune").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Min kommune: Røst")
    row = page.locator(f"#row-{PLL}")
    row.get_by_label("Fase", exact=True).select_option(label="Forberedelse")
    row.get_by_label("Notat").fill("Venter på ny EPJ-versjon")
    page.locator("#row-e-resept").get_by_label("Trafikklys").select_option(label="Risiko")
    page.get_by_role("button", name="Lagre endringer").click()
    expect(page.get_by_role("status")).to_contain_text("2 løsninger ble oppdatert.")
    records = Implementation.objects.filter(municipality=rost).order_by("solution__slug")
    assert [(r.solution.slug, r.phase.key, r.traffic_light, r.note) for r in records] == [
        ("e-resept", "ikke_startet", "at_risk", ""),
        (PLL, "forberedelse", "on_track", "Venter på ny EPJ-versjon"),
    ]
    assert ImplementationChange.objects.filter(implementation__municipality=rost).count() == 3
