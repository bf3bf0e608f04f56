"""Buddy networks in Chromium: a coordinator proposes, adjusts and creates networks (by mouse and by
keyboard alone), and a member's contact records a meeting and takes it into a calendar.

These tests run on the real clock (the browser drops a session cookie that expired by its own
clock), so their dates are counted from today. Texts are looked up in the bokmål catalogue, as the
pages show them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from icalendar import Calendar
from playwright.sync_api import Page, expect

from ehelsenord.municipalities.models import Municipality
from ehelsenord.networks import optimizer, services
from ehelsenord.networks.models import BuddyNetwork, Meeting, NetworkProposal
from ehelsenord.networks.selectors import network_get, proposal_overview
from ehelsenord.networks.services import NetworkInput, networks_create
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Solution

pytestmark = pytest.mark.django_db(transaction=True)

DHO = "digital-hjemmeoppfolging"
# Ten municipalities around Bodø. Under the default rules (and no records: nobody is in production)
# the optimizer makes two networks: Fauske leads Bodø, Hamarøy, Saltdal, Sørfold and Steigen (network
# 1); Meløy leads Beiarn, Gildeskål and Rødøy (network 2).
SALTEN = {
    "1804": "Bodø",
    "1836": "Rødøy",
    "1837": "Meløy",
    "1838": "Gildeskål",
    "1839": "Beiarn",
    "1840": "Saltdal",
    "1841": "Fauske",
    "1845": "Sørfold",
    "1848": "Steigen",
    "1875": "Hamarøy",
}
FAUSKE, MELOY, GILDESKAL, BEIARN = "1841", "1837", "1838", "1839"
PROPOSED = {number: MELOY if number in {"1836", MELOY, GILDESKAL, BEIARN} else FAUSKE for number in SALTEN}


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    """The real clock here (overrides the network tests' fixed one)."""
    yield


def nb(message: str, plural: str = "", count: int = 0) -> str:
    """The text as the pages show it: the bokmål translation, or the English text until there is one."""
    with translation.override("nb"):
        return ngettext(message, plural, count) if plural else gettext(message)


def optional(label: str) -> str:
    """The label of an optional field: "Place (optional)" in bokmål."""
    return f"{nb(label)} ({nb('optional')})"


def _expect_travel_change(page: Page, proposal: NetworkProposal) -> None:
    """The summary states the travel the coordinator's changes add, and the total before and after."""
    overview = proposal_overview(proposal, services.proposal_instance(proposal))
    summary = page.locator("#oppsummering p").first
    with translation.override("nb"):
        figures = [
            f"{floatformat(abs(overview.travel_change), '0g')} {overview.instance.unit}",
            floatformat(overview.proposed_objective, "0g"),
            floatformat(overview.objective, "0g"),
        ]
    assert overview.travel_change > 0
    for figure in figures:
        expect(summary).to_contain_text(figure)


def _recalculate(page: Page) -> None:
    """Press "Recalculate" and wait for the page it leads to (a POST, then a redirect back)."""
    with page.expect_navigation():
        page.get_by_role("button", name=nb("Recalculate")).click()
    expect(page.get_by_role("status").first).to_have_text(
        nb("The networks are updated. See the change in travel below.")
    )


def test_coordinator_proposes_adjusts_and_creates_networks(
    page: Page, live: str, login: Callable[[Any], None], coordinator: Any
) -> None:
    solution = Solution.objects.get(slug=DHO)
    login(coordinator)
    page.goto(f"{live}/nettverk/")
    expect(page.get_by_role("heading", level=1)).to_have_text(nb("Buddy networks"))
    expect(page.get_by_text(nb("There are no buddy networks yet."))).to_be_visible()

    # Step one: the solution; step two: the participants, with the default rules.
    page.get_by_role("link", name=nb("Propose networks")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(nb("Propose buddy networks"))
    page.get_by_label(nb("Solution")).select_option(label=solution.name)
    page.get_by_role("button", name=nb("Choose"), exact=True).click()
    for name in SALTEN.values():
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name=nb("Make a proposal")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        nb("Proposal: %(solution)s") % {"solution": solution.name}
    )
    proposal = NetworkProposal.objects.get()
    assert (proposal.status, sorted(proposal.participants), proposal.proposed) == ("optimal", sorted(SALTEN), PROPOSED)
    expect(
        page.get_by_role("heading", level=2, name=nb("%(count)s network", "%(count)s networks", 2) % {"count": 2})
    ).to_be_visible()
    expect(page.get_by_text(nb("This is the proposal as the optimizer made it."))).to_be_visible()
    # The map: a square per lead, a circle per other member, a line from each member to its lead.
    expect(page.get_by_role("img", name=nb("Map of the proposed networks"))).to_be_visible()
    assert [page.locator(f"svg .map-{kind}").count() for kind in ("lead", "member", "link")] == [2, 8, 8]
    # The table: one group per network, its members lead first.
    first = nb("Network %(number)s: %(lead)s leads, %(size)s members")
    expect(page.get_by_role("group", name=first % {"number": 1, "lead": "Fauske", "size": 6})).to_be_visible()
    second = page.get_by_role("group", name=first % {"number": 2, "lead": "Meløy", "size": 4})
    expect(second.locator("tbody th")).to_have_text(["Meløy (" + nb("lead") + ")", "Beiarn", "Gildeskål", "Rødøy"])

    # Gildeskål moves to Fauske's network: travel goes up, no rule is broken.
    page.get_by_label(nb("Network for %(name)s") % {"name": "Gildeskål"}).select_option(label="1: Fauske")
    _recalculate(page)
    proposal.refresh_from_db()
    assert proposal.assignment == {**PROPOSED, GILDESKAL: FAUSKE}
    _expect_travel_change(page, proposal)
    expect(page.get_by_role("heading", name=nb("Rules the networks break"))).to_have_count(0)

    # Beiarn follows: Meløy's network is left with two members, below the minimum of three.
    page.get_by_label(nb("Network for %(name)s") % {"name": "Beiarn"}).select_option(label="1: Fauske")
    _recalculate(page)
    warning = nb(
        "The network led by %(lead)s has %(size)s member; the minimum is %(min)s.",
        "The network led by %(lead)s has %(size)s members; the minimum is %(min)s.",
        2,
    ) % {"lead": "Meløy", "size": 2, "min": 3}
    expect(page.get_by_role("heading", name=nb("Rules the networks break"))).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=warning)).to_have_count(1)

    # ... so Beiarn goes back, and the warning goes away.
    page.get_by_label(nb("Network for %(name)s") % {"name": "Beiarn"}).select_option(label="2: Meløy")
    _recalculate(page)
    expect(page.get_by_role("heading", name=nb("Rules the networks break"))).to_have_count(0)
    proposal.refresh_from_db()
    assert proposal.assignment == {**PROPOSED, GILDESKAL: FAUSKE}

    # Names, then the networks.
    label = nb("Name of network %(number)s (%(lead)s leads)")
    page.get_by_label(label % {"number": 1, "lead": "Fauske"}).fill("Digital hjemmeoppfølging – Indre Salten")
    page.get_by_label(label % {"number": 2, "lead": "Meløy"}).fill("Digital hjemmeoppfølging – Meløy og Rødøy")
    page.get_by_role(
        "button", name=nb("Create %(count)s network", "Create %(count)s networks", 2) % {"count": 2}
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(nb("Buddy networks"))
    expect(page.get_by_role("status").first).to_have_text(
        nb("%(count)s buddy network is created.", "%(count)s buddy networks are created.", 2) % {"count": 2}
    )
    table = page.get_by_role("table", name=nb("Buddy networks for %(solution)s") % {"solution": solution.name})
    expect(table.locator("tbody th")).to_have_text(
        ["Digital hjemmeoppfølging – Indre Salten", "Digital hjemmeoppfølging – Meløy og Rødøy"]
    )
    networks = {
        n.name: (n.lead_id, sorted(n.memberships.values_list("municipality", flat=True)))
        for n in BuddyNetwork.objects.all()
    }
    assert networks == {
        "Digital hjemmeoppfølging – Indre Salten": (
            FAUSKE,
            sorted([GILDESKAL, *(n for n, lead in PROPOSED.items() if lead == FAUSKE)]),
        ),
        "Digital hjemmeoppfølging – Meløy og Rødøy": (MELOY, ["1836", MELOY, BEIARN]),
    }
    proposal.refresh_from_db()
    assert proposal.confirmed_at is not None

    # The workspace of the first network lists its seven members, the lead first.
    table.get_by_role("link", name="Digital hjemmeoppfølging – Indre Salten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital hjemmeoppfølging – Indre Salten")
    members = page.get_by_role(
        "table", name=nb("Members of %(network)s") % {"network": "Digital hjemmeoppfølging – Indre Salten"}
    )
    expect(members.locator("tbody th")).to_have_count(7)
    # (The workspace shows the official names: Fauske - Fuossko.)
    fauske = Municipality.objects.get(number=FAUSKE).name
    expect(members.locator("tbody th").first).to_have_text(f"{fauske} {nb('(lead)')}")


@pytest.fixture
def salten_proposal(live: str, coordinator: Any) -> NetworkProposal:
    """The optimizer's proposal for the ten municipalities around Bodø, made by the coordinator."""
    return services.proposal_create(
        by=coordinator,
        solution=Solution.objects.get(slug=DHO),
        participants=list(SALTEN),
        settings=optimizer.Settings(),
    )


def _focused(page: Page) -> str:
    """The focused element's id, or its accessible text for a button."""
    return str(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))


def _tab_to(page: Page, target: str, *, limit: int = 80) -> None:
    """Press Tab until the element with this id (or a button with this text) has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page) == target:
            return
    raise AssertionError(f"Tab never reached {target}")


def test_the_proposal_can_be_adjusted_with_the_keyboard_alone(
    page: Page, live: str, login: Callable[[Any], None], coordinator: Any, salten_proposal: NetworkProposal
) -> None:
    assert salten_proposal.assignment == PROPOSED
    login(coordinator)
    page.goto(f"{live}{salten_proposal.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        nb("Proposal: %(solution)s") % {"solution": salten_proposal.solution.name}
    )

    _tab_to(page, f"network-{GILDESKAL}")
    page.keyboard.press("ArrowUp")  # a closed select moves to the previous option: network 1 (Fauske)
    expect(page.locator(f"#network-{GILDESKAL}")).to_have_value(FAUSKE)
    _tab_to(page, nb("Recalculate"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_have_text(
        nb("The networks are updated. See the change in travel below.")
    )
    salten_proposal.refresh_from_db()
    assert salten_proposal.assignment == {**PROPOSED, GILDESKAL: FAUSKE}
    _expect_travel_change(page, salten_proposal)
    expect(page.locator(f"#network-{GILDESKAL}")).to_have_value(FAUSKE)


@pytest.fixture
def bodo_network(live: str, coordinator: Any) -> BuddyNetwork:
    """Digital home follow-up in Bodø's network (Bodø leads Gildeskål, Beiarn and Meløy); Bodø has a record."""
    solution = Solution.objects.get(slug=DHO)
    members = list(Municipality.objects.filter(number__in=["1804", GILDESKAL, BEIARN, MELOY]).order_by("-population"))
    (network,) = networks_create(
        by=coordinator,
        solution=solution,
        networks=[NetworkInput(name="Digital hjemmeoppfølging – Bodø", lead=members[0], members=members)],
    )
    implementation_update(municipality=members[0], solution=solution, user=coordinator, changes={"phase": "i_drift"})
    return network_get(network.pk)


def test_a_member_contact_records_a_meeting_and_downloads_it_for_the_calendar(
    page: Page, live: str, login: Callable[[Any], None], bodo_contact: Any, bodo_network: BuddyNetwork
) -> None:
    day = timezone.localdate() + timedelta(days=7)
    login(bodo_contact)
    page.goto(f"{live}/nettverk/")
    page.get_by_role("rowheader").get_by_role("link", name=bodo_network.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(bodo_network.name)
    expect(page.get_by_text(nb("No meetings planned."))).to_be_visible()

    page.get_by_role("link", name=nb("New meeting")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(nb("New meeting"))
    page.get_by_label(nb("Title"), exact=True).fill("Oppstartsmøte")
    page.get_by_label(nb("Date"), exact=True).fill(day.isoformat())
    page.get_by_label(nb("Starts"), exact=True).fill("10:00")
    page.get_by_label(nb("Ends"), exact=True).fill("11:30")
    page.get_by_label(optional("Place"), exact=True).fill("Bodø rådhus, møterom 2")
    page.get_by_label(nb("Agenda item %(number)s") % {"number": 1}, exact=True).fill("Erfaringer fra Bodø")
    page.get_by_label(nb("Agenda item %(number)s is about the record of") % {"number": 1}).select_option(label="Bodø")
    page.get_by_label(nb("Agenda item %(number)s") % {"number": 2}, exact=True).fill("Plan for innføringen")
    page.get_by_label(optional("Decisions"), exact=True).fill("Bodø leder nettverket.\nVi møtes hver sjette uke.")
    page.get_by_role("button", name=nb("Save the meeting")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Oppstartsmøte")
    expect(page.get_by_role("status").first).to_have_text(nb("The meeting was saved."))
    agenda = page.get_by_role("region", name=nb("Agenda")).get_by_role("listitem")
    expect(agenda).to_have_text(
        [
            "Erfaringer fra Bodø (" + nb("the record of %(municipality)s") % {"municipality": "Bodø"} + ")",
            "Plan for innføringen",
        ]
    )
    decisions = page.get_by_role("region", name=nb("Decisions")).get_by_role("listitem")
    expect(decisions).to_have_text(["Bodø leder nettverket.", "Vi møtes hver sjette uke."])
    meeting = Meeting.objects.get()
    assert (meeting.network_id, timezone.localtime(meeting.starts_at).date()) == (bodo_network.pk, day)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=nb("Add to your calendar (.ics)")).click()
    download = download_info.value
    assert download.suggested_filename == f"mote-{day:%Y-%m-%d}.ics"
    content = Path(download.path()).read_bytes()
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    starts = timezone.localtime(meeting.starts_at)
    assert (str(event["summary"]), str(event["location"]), event.decoded("dtstart").astimezone(starts.tzinfo)) == (
        "Oppstartsmøte",
        "Bodø rådhus, møterom 2",
        starts,
    )
    assert (starts.hour, starts.minute, (meeting.ends_at - meeting.starts_at).seconds) == (10, 0, 90 * 60)
    description = str(event["description"])
    assert description.startswith(f"{nb('Agenda:')}\n1. Erfaringer fra Bodø (Bodø)\n2. Plan for innføringen\n\n")
    assert re.search(rf"/nettverk/{bodo_network.pk}/moter/{meeting.pk}/$", description)
