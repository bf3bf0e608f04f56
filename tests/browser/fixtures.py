"""Browser fixtures (a pytest plugin, loaded by the root conftest): Playwright drives Debian's Chromium
against the live test server; axe-core checks accessibility."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import BrowserContext, ConsoleMessage, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SOURCE = (Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives a browser gets the 'browser' mark (select with -m browser)."""
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "locale": "nb-NO",
        "timezone_id": "Europe/Oslo",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def console_errors(page: Page) -> Iterator[list[str]]:
    """Every console error (a CSP violation shows up here) fails the test at the end."""
    errors: list[str] = []

    def collect(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", collect)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield errors
    assert errors == []


@pytest.fixture
def live(live_server: Any, reference_data: None, console_errors: list[str]) -> str:
    """The live server's base URL, with reference data loaded and console errors watched."""
    return str(live_server.url)


@pytest.fixture
def login(context: BrowserContext, live: str) -> Callable[[Any], None]:
    """Log a user in by handing the browser a session cookie made by Django's test client."""

    def _login(user: Any) -> None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live}])

    return _login


def axe_violations(page: Page) -> list[tuple[str, str, list[str]]]:
    """Run axe-core (WCAG 2.1 A and AA) on the page; evaluate() is not subject to the page's CSP."""
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        (violation["id"], violation["help"], [node["target"][0] for node in violation["nodes"]][:5])
        for violation in result["violations"]
    ]
