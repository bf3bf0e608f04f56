"""The divide pages in Chromium: no accessibility violations (axe-core, WCAG 2.1 AA) on the overview,
the map (by maturity and by a solution, the region and a county) and the trend; the map's hexagons are
links reached and followed with the keyboard; the choice of solutions works by keyboard alone.

These tests run on the real clock (the browser drops a session cookie that expired by its own clock).
Texts are the bokmål the pages show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ehelsenord.divide.tests.test_selectors import CHOSEN, KJERNEJOURNAL, make_round, peers_setup
from tests.browser.fixtures import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

CHOICE = "&".join(f"losning={slug}" for slug in CHOSEN)


@pytest.fixture
def peers(live: str, coordinator: Any) -> Any:
    """The large municipalities of test_selectors.peers_setup, and a round offering the three solutions."""
    make_round(coordinator, list(CHOSEN), year=2027)
    peers_setup(coordinator)
    return coordinator


def focused(page: Page) -> dict[str, Any]:
    """What has the focus: its tag, its link, its accessible label, and whether it sits in the map."""
    return dict(
        page.evaluate(
            """() => {
                const element = document.activeElement;
                return {
                    tag: element.tagName.toLowerCase(),
                    href: element.getAttribute('href'),
                    label: element.querySelector(':scope > title')?.textContent ?? null,  // named by its <title>
                    text: element.textContent.trim(),
                    inMap: Boolean(element.closest('svg.hexmap__svg')),
                };
            }"""
        )
    )


def tab_until(page: Page, wanted: Callable[[dict[str, Any]], bool], *, limit: int = 120) -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = focused(page)
        if wanted(current):
            return current
    raise AssertionError("Tab never reached the element")


# --- Accessibility -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/forskjeller/", "Forskjeller mellom kommunene: Nord-Norge"),
        (f"/forskjeller/?omrade=55&{CHOICE}", "Forskjeller mellom kommunene: Troms"),
        ("/forskjeller/kart/", "Kart over kommunene: Nord-Norge"),
        (f"/forskjeller/kart/?farge={KJERNEJOURNAL}", "Kart over kommunene: Nord-Norge"),
        ("/forskjeller/kart/?omrade=56", "Kart over kommunene: Finnmark"),
        (f"/forskjeller/kart/?omrade=18&farge={KJERNEJOURNAL}", "Kart over kommunene: Nordland"),
        ("/forskjeller/utvikling/", "Forskjellene over tid: Nord-Norge"),
    ],
)
def test_divide_pages_have_no_accessibility_violations(
    page: Page, login: Callable[[Any], None], peers: Any, reader: Any, path: str, heading: str, live: str
) -> None:
    login(reader)
    page.goto(f"{live}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert axe_violations(page) == []


# --- The map by keyboard -------------------------------------------------------------------------


def test_every_hexagon_is_a_focusable_link_with_a_name(
    page: Page, live: str, login: Callable[[Any], None], peers: Any, reader: Any
) -> None:
    login(reader)
    page.goto(f"{live}/forskjeller/kart/")
    links = page.locator("svg.hexmap__svg a")
    expect(links).to_have_count(80)
    # Each one takes the focus and has a name of its own.
    names = page.evaluate(
        """() => [...document.querySelectorAll('svg.hexmap__svg a')].map((link) => {
            link.focus();
            const focused = document.activeElement === link && link.tabIndex >= 0;
            return focused ? link.querySelector(':scope > title').textContent : null;
        })"""
    )
    assert None not in names
    assert len(set(names)) == 80
    expect(page.get_by_role("link", name="Bodø (BOD): modenhet 80 %", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Alta (ALT): modenhet 7 %", exact=True)).to_be_visible()


def test_tab_reaches_the_hexagons_and_enter_opens_the_municipality(
    page: Page, live: str, login: Callable[[Any], None], peers: Any, reader: Any
) -> None:
    login(reader)
    page.goto(f"{live}/forskjeller/kart/")
    first = tab_until(page, lambda element: element["inMap"])
    # The hexagons come in the order of the municipality numbers: Bodø (1804) is the first.
    assert (first["tag"], first["href"], first["label"]) == ("a", "/kommuner/1804/", "Bodø (BOD): modenhet 80\u00a0%")
    page.keyboard.press("Tab")
    assert focused(page)["inMap"] is True  # the next hexagon
    page.keyboard.press("Shift+Tab")
    assert focused(page)["label"] == "Bodø (BOD): modenhet 80\u00a0%"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live}/kommuner/1804/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Bodø")


def test_enter_on_a_hexagon_coloured_by_a_solution_opens_the_record(
    page: Page, live: str, login: Callable[[Any], None], peers: Any, reader: Any
) -> None:
    login(reader)
    page.goto(f"{live}/forskjeller/kart/?farge={KJERNEJOURNAL}")
    current = tab_until(page, lambda element: element["inMap"])
    assert (current["href"], current["label"]) == ("/registreringer/1804/kjernejournal/", "Bodø (BOD): I drift")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live}/registreringer/1804/kjernejournal/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Kjernejournal (fastlege og legevakt) i Bodø")


# --- The choice by keyboard ----------------------------------------------------------------------


def test_the_solutions_can_be_chosen_with_the_keyboard_alone(
    page: Page, live: str, login: Callable[[Any], None], peers: Any, reader: Any
) -> None:
    login(reader)
    page.goto(f"{live}/forskjeller/")
    summary = page.locator("details.divide-solutions > summary")
    expect(summary).to_have_text("3 løsninger valgt")
    expect(page.locator("details.divide-solutions")).not_to_have_attribute("open", "")
    tab_until(page, lambda element: element["tag"] == "summary")
    page.keyboard.press("Enter")
    expect(page.locator("details.divide-solutions")).to_have_attribute("open", "")
    # The first box is Helsenettet (not chosen by default); Space ticks it.
    tab_until(page, lambda element: element["tag"] == "input")
    expect(page.get_by_label("Helsenettet (medlemskap)", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_label("Helsenettet (medlemskap)", exact=True)).to_be_checked()
    tab_until(page, lambda element: element["tag"] == "button" and element["text"] == "Vis")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live}/forskjeller/?omrade=region&losning=helsenettet&{CHOICE}"
    expect(summary).to_have_text("4 løsninger valgt")
    expect(page.locator("details.divide-solutions")).to_have_attribute("open", "")
    expect(page.get_by_text("Målt for: Helsenettet (medlemskap), HelseID, Kjernejournal")).to_be_visible()


def test_the_details_open_with_space_too(
    page: Page, live: str, login: Callable[[Any], None], peers: Any, reader: Any
) -> None:
    login(reader)
    page.goto(f"{live}/forskjeller/utvikling/")
    tab_until(page, lambda element: element["tag"] == "summary")
    page.keyboard.press("Space")
    expect(page.locator("details.divide-solutions")).to_have_attribute("open", "")
    expect(page.get_by_label("HelseID", exact=True)).to_be_visible()
