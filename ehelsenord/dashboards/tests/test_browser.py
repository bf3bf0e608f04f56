"""Oversikt and the status matrix in Chromium: no axe violations, and the quick update by keyboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ehelsenord.rollout.models import Implementation
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Solution
from tests.browser.fixtures import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # pytest-playwright 0.10 declares its session fixture base_url in a way pytest 9 warns about.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
    # Whitenoise warns when collectstatic has not run (a fresh clone); the live server needs no STATIC_ROOT.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PLL = "pasientens-legemiddelliste"


@pytest.fixture
def coordinator_with_records(live: str, coordinator: Any, bodo: Any) -> Any:
    pll = Solution.objects.get(slug=PLL)
    implementation_update(
        municipality=bodo, solution=pll, user=coordinator, changes={"phase": "utproving", "traffic_light": "at_risk"}
    )
    return coordinator


def test_overview_has_no_accessibility_violations(
    page: Page, live: str, login: Callable[[Any], None], coordinator_with_records: Any
) -> None:
    login(coordinator_with_records)
    page.goto(f"{live}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversikt over Nord-Norge")
    assert axe_violations(page) == []


def test_matrix_has_no_accessibility_violations_also_with_the_dialog_open(
    page: Page, live: str, login: Callable[[Any], None], coordinator_with_records: Any
) -> None:
    login(coordinator_with_records)
    page.goto(f"{live}/status/?fylke=18")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statusmatrise")
    assert axe_violations(page) == []
    page.locator(f"#open-1804-{PLL}").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    # The dialog fades in; axe would measure contrast halfway through.
    page.wait_for_function("() => document.getAnimations().every((animation) => animation.playState === 'finished')")
    assert axe_violations(page) == []


def test_matrix_quick_update_by_keyboard_alone(
    page: Page, live: str, login: Callable[[Any], None], coordinator_with_records: Any, bodo: Any
) -> None:
    login(coordinator_with_records)
    page.goto(f"{live}/status/?fylke=18&losning={PLL}")
    cell = page.locator(f"#open-1804-{PLL}")
    cell.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Oppdater Pasientens legemiddelliste (PLL) i Bodø")
    expect(dialog).to_be_visible()
    # Focus starts on the current phase; arrow keys move through the phases.
    expect(page.get_by_role("radio", name="Utprøving")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="I drift")).to_be_checked()
    # Tab on through the traffic light group, the note and the record link until Save has focus.
    save = page.get_by_role("button", name="Lagre")
    for _ in range(8):
        page.keyboard.press("Tab")
        if save.evaluate("button => button === document.activeElement"):
            break
    expect(save).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#matrix-status")).to_have_text("Lagret PLL for Bodø: I drift, risiko.")
    expect(page.locator("dialog")).to_have_count(0)
    expect(page.locator(f"#cell-1804-{PLL}")).to_have_text("Bodø, PLL: I drift Risiko")
    # Focus is back on the cell, so the next cell is one Tab away.
    expect(page.locator(f"#open-1804-{PLL}")).to_be_focused()
    record = Implementation.objects.get(municipality=bodo, solution__slug=PLL)
    assert (record.phase.key, record.traffic_light) == ("i_drift", "at_risk")


def test_matrix_quick_update_escape_closes_without_saving(
    page: Page, live: str, login: Callable[[Any], None], coordinator_with_records: Any, bodo: Any
) -> None:
    login(coordinator_with_records)
    page.goto(f"{live}/status/?fylke=18&losning={PLL}")
    page.locator(f"#open-1804-{PLL}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.locator(f"#open-1804-{PLL}")).to_be_focused()
    assert Implementation.objects.get(municipality=bodo, solution__slug=PLL).phase.key == "utproving"


def test_matrix_quick_update_shows_errors_in_the_dialog(
    page: Page, live: str, login: Callable[[Any], None], coordinator_with_records: Any, bodo: Any
) -> None:
    login(coordinator_with_records)
    page.goto(f"{live}/status/?fylke=18&losning={PLL}")
    page.locator(f"#open-1804-{PLL}").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    # The input's maxlength stops a browser at 200 characters; the server must still say no.
    page.evaluate("document.getElementById('id_note').removeAttribute('maxlength')")
    page.get_by_label("Notat").fill("x" * 201)
    page.get_by_role("button", name="Lagre").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Notat: Sørg for at denne verdien har 200 eller færre tegn (den har nå 201).")
    expect(alert).to_be_focused()
    assert Implementation.objects.get(municipality=bodo, solution__slug=PLL).note == ""
