"""The API documentation page in Chromium: no axe violations and no CSP errors, logged in or not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.fixtures import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # pytest-playwright 0.10 declares its session fixture base_url in a way pytest 9 warns about.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
    # Whitenoise warns when collectstatic has not run (a fresh clone); the live server needs no STATIC_ROOT.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_docs_page_has_no_accessibility_violations_for_anonymous_visitors(page: Page, live: str) -> None:
    page.goto(f"{live}/api/v1/dokumentasjon/")

    expect(page.get_by_role("heading", level=1)).to_have_text("API-dokumentasjon")
    assert axe_violations(page) == []


def test_docs_page_has_no_accessibility_violations_when_logged_in(
    page: Page, live: str, login: Callable[[Any], None], bodo_contact: Any
) -> None:
    login(bodo_contact)
    page.goto(f"{live}/api/v1/dokumentasjon/")

    expect(page.get_by_role("link", name="Berit Bodø")).to_be_visible()
    assert axe_violations(page) == []


def test_docs_page_contents_link_moves_to_the_endpoint(page: Page, live: str) -> None:
    page.goto(f"{live}/api/v1/dokumentasjon/")

    page.get_by_role("link", name="PATCH /api/v1/records/{number}/{slug}").click()

    assert page.url.endswith("#record_update")
    expect(page.get_by_role("heading", name="Endre en registrering")).to_be_in_viewport()
