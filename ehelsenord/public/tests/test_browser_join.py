"""The join form and the queue in Chromium: axe-core finds no WCAG 2.1 A/AA violations (empty form, form
with errors, thanks page, queue, decide page), and the form can be filled and sent with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ehelsenord.public.models import JoinRequest
from ehelsenord.public.services import join_request_submit
from tests.browser.fixtures import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

BAD_REQUEST = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


def _expect_bad_request(console_errors: list[str]) -> None:
    """A form with errors comes back as 400, which the console reports; nothing else may be there."""
    assert console_errors == [BAD_REQUEST]
    console_errors.clear()


def _focused(page: Page) -> str:
    """The focused element's id, or its accessible text for a button."""
    return str(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))


def _tab_to(page: Page, target: str, *, limit: int = 60) -> None:
    """Press Tab until the element with this id (or the button with this text) has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused != "id_website", "the robot trap must never get the focus"
        if focused == target:
            return
    raise AssertionError(f"Tab never reached {target}")


def test_join_pages_have_no_accessibility_violations(
    page: Page, live: str, login: Callable[[Any], None], join_admin: Any, console_errors: list[str]
) -> None:
    page.goto(f"{live}/delta/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Er du e-helsepersonell og ønsker å delta?")
    assert axe_violations(page) == []

    # Sent empty: the error summary and the messages at the fields.
    page.get_by_role("button", name="Send forespørselen").click()
    expect(page.get_by_role("alert")).to_contain_text("Skjemaet har feil")
    expect(page.get_by_text("Kryss av for å samtykke til at opplysningene lagres.").first).to_be_visible()
    _expect_bad_request(console_errors)
    assert axe_violations(page) == []
    assert JoinRequest.objects.count() == 0

    # Filled in and sent: the thanks page.
    page.get_by_label("Navn", exact=True).fill("Kari Nordmann")
    page.get_by_label("E-post").fill("kari@bodo.kommune.example")
    page.get_by_label("Rolle eller stilling").fill("E-helserådgiver")
    page.get_by_label("Arbeidsgiver", exact=True).select_option(label="Bodø")
    page.get_by_label("Erfaringsdeling og beste praksis").check()
    page.get_by_label("Jeg samtykker i at eHelse Nord lagrer disse opplysningene").check()
    page.get_by_role("button", name="Send forespørselen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Takk for forespørselen din")
    assert axe_violations(page) == []
    join_request = JoinRequest.objects.get()
    assert (join_request.full_name, join_request.municipality.name if join_request.municipality else None) == (
        "Kari Nordmann",
        "Bodø",
    )

    # The network administrator's queue and decide page, also with an error.
    login(join_admin)
    page.goto(f"{live}/delta/foresporsler/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Forespørsler om å delta")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Kari Nordmann").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forespørsel fra Kari Nordmann")
    expect(page.get_by_label("Rolle", exact=True)).to_have_value("municipality_contact")
    expect(page.get_by_label("Bodø", exact=True)).to_be_checked()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Avvis og send begrunnelsen").click()
    expect(page.get_by_role("alert")).to_contain_text("Skjemaet har feil")
    _expect_bad_request(console_errors)
    assert axe_violations(page) == []
    assert JoinRequest.objects.get().status == "pending"


def test_join_form_can_be_filled_and_sent_with_the_keyboard_alone(page: Page, live: str) -> None:
    page.goto(f"{live}/delta/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Er du e-helsepersonell og ønsker å delta?")

    _tab_to(page, "id_full_name")
    page.keyboard.type("Ola Nordmann")
    page.keyboard.press("Tab")
    assert _focused(page) == "id_email"
    page.keyboard.type("ola@helse-nord.example")
    page.keyboard.press("Tab")
    assert _focused(page) == "id_job_title"
    page.keyboard.type("Seniorrådgiver")
    page.keyboard.press("Tab")
    assert _focused(page) == "id_employer"
    page.keyboard.press("ArrowDown")  # a closed select moves to the next option: "Another employer"
    expect(page.locator("#id_employer")).to_have_value("annen")
    page.keyboard.press("Tab")
    assert _focused(page) == "id_employer_other"
    page.keyboard.type("Helse Nord RHF")
    _tab_to(page, "id_arenas_0")
    page.keyboard.press("Space")
    _tab_to(page, "id_arenas_3")
    page.keyboard.press("Space")
    _tab_to(page, "id_message")
    page.keyboard.type("Jeg vil vurdere ny teknologi.")
    page.keyboard.press("Tab")
    assert _focused(page) == "id_consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert _focused(page) == "Send forespørselen"  # the robot trap is skipped
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Takk for forespørselen din")
    stored = JoinRequest.objects.get()
    assert (
        stored.full_name,
        stored.email,
        stored.job_title,
        stored.municipality,
        stored.employer_other,
        stored.arenas,
        stored.message,
        stored.status,
    ) == (
        "Ola Nordmann",
        "ola@helse-nord.example",
        "Seniorrådgiver",
        None,
        "Helse Nord RHF",
        ["koordinering", "innovasjon"],
        "Jeg vil vurdere ny teknologi.",
        "pending",
    )


def test_decided_request_page_has_no_accessibility_violations(
    page: Page, live: str, login: Callable[[Any], None], join_admin: Any
) -> None:
    join_request = join_request_submit(
        full_name="Per Avvist",
        email="per@example.no",
        municipality=None,
        employer_other="Firma AS",
        job_title="Konsulent",
        arenas=["fremtid"],
        message="",
        consent=True,
    )
    login(join_admin)
    page.goto(f"{live}/delta/foresporsler/{join_request.pk}/")
    page.get_by_label("Begrunnelse for avvisningen").fill("Vi tar bare inn folk som jobber i helsetjenesten.")
    page.get_by_role("button", name="Avvis og send begrunnelsen").click()
    expect(page.get_by_role("status").first).to_contain_text("Forespørselen er avvist.")
    assert axe_violations(page) == []  # the queue with a decided request
    page.get_by_role("link", name="Per Avvist").click()
    expect(page.get_by_text("Vi tar bare inn folk som jobber i helsetjenesten.")).to_be_visible()
    assert axe_violations(page) == []
