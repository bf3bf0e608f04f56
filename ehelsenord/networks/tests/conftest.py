"""Fixtures for the buddy network tests: two networks for Kjernejournal made by a coordinator.

"Kjernejournal – Bodø" (Bodø leads Gildeskål, Beiarn and Meløy) is the network under test;
"Kjernejournal – Røst" (Røst and Værøy) is the other network, whose data must never leak into
the first. The clock stands at NOW in every test here but those in Chromium.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ehelsenord.municipalities.models import Municipality
from ehelsenord.networks.models import BuddyNetwork, Meeting
from ehelsenord.networks.selectors import network_get
from ehelsenord.networks.services import NetworkInput, networks_create
from ehelsenord.networks.workspace import AgendaInput, MeetingInput, meeting_create
from ehelsenord.rollout.services import RecordChange, implementation_update_many
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_queryset

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 9, 1, 9, 0, tzinfo=OSLO)
NETWORK_NAME = "Kjernejournal – Bodø"
OTHER_NETWORK_NAME = "Kjernejournal – Røst"
BODO, GILDESKAL, BEIARN, MELOY, ROST, VAEROY = "1804", "1838", "1839", "1837", "1856", "1857"


@pytest.fixture(autouse=True)
def _clock(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("browser"):  # Chromium drops a session cookie expired by its own clock
        yield
        return
    with time_machine.travel(NOW, tick=True):
        yield


def municipality(number: str) -> Municipality:
    return Municipality.objects.select_related("county").get(number=number)


@pytest.fixture
def kjernejournal(db: Any) -> Solution:
    return solution_queryset().get(slug="kjernejournal")


@pytest.fixture
def network(coordinator: Any, kjernejournal: Solution) -> BuddyNetwork:
    """Kjernejournal – Bodø: Bodø leads Gildeskål, Beiarn and Meløy (fetched as the views do)."""
    members = [municipality(n) for n in (BODO, GILDESKAL, BEIARN, MELOY)]
    (created,) = networks_create(
        by=coordinator,
        solution=kjernejournal,
        networks=[NetworkInput(name=NETWORK_NAME, lead=members[0], members=members)],
    )
    return network_get(created.pk)


@pytest.fixture
def other_network(coordinator: Any, kjernejournal: Solution, network: BuddyNetwork) -> BuddyNetwork:
    """Kjernejournal – Røst: Røst and Værøy, the data that must not leak into the first network."""
    members = [municipality(n) for n in (ROST, VAEROY)]
    (created,) = networks_create(
        by=coordinator,
        solution=kjernejournal,
        networks=[NetworkInput(name=OTHER_NETWORK_NAME, lead=members[0], members=members)],
    )
    return network_get(created.pk)


@pytest.fixture
def records(coordinator: Any, kjernejournal: Solution, other_network: BuddyNetwork) -> None:
    """Bodø is in production, Gildeskål piloting, Beiarn and Meløy have no record; Røst and Værøy
    are in production (they would lift the first network's figures if they leaked)."""
    phases = {BODO: "i_drift", GILDESKAL: "utproving", ROST: "i_drift", VAEROY: "gevinstrealisering"}
    implementation_update_many(
        user=coordinator,
        updates=[
            RecordChange(municipality=municipality(number), solution=kjernejournal, changes={"phase": phase})
            for number, phase in phases.items()
        ],
    )


def meeting_input(**overrides: Any) -> MeetingInput:
    """A valid meeting in a week's time, 10:00–11:30 Oslo time, in Bodø and on video."""
    starts = NOW.replace(hour=10) + timedelta(days=7)
    fields: dict[str, Any] = {
        "title": "Oppstartsmøte",
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=90),
        "place": "Bodø rådhus, møterom 2",
        "video_url": "https://teams.example/mote/123",
        "agenda": [AgendaInput("Velkommen"), AgendaInput("Plan for innføringen")],
        "decisions": ["Bodø leder nettverket"],
    }
    fields.update(overrides)
    return MeetingInput(**fields)


@pytest.fixture
def make_meeting(coordinator: Any, network: BuddyNetwork) -> Callable[..., Meeting]:
    """meeting_create as the coordinator for the network (or `in_network`), with meeting_input's arguments."""

    def make(*, in_network: BuddyNetwork | None = None, **overrides: Any) -> Meeting:
        return meeting_create(by=coordinator, network=in_network or network, data=meeting_input(**overrides))

    return make
