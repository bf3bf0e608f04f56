"""Dissolving a buddy network, through the service and over HTTP.

Only coordinators dissolve, and only with a reason. The network goes with its plan and meetings,
the audit log keeps what it was, and its members can then be proposed again for the solution.
"Kjernejournal – Røst" (conftest.other_network) is there in every test and must stay untouched.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ehelsenord.core.models import AuditEntry
from ehelsenord.networks import optimizer
from ehelsenord.networks.models import AgendaItem, BuddyNetwork, Decision, Meeting, Milestone, NetworkMembership
from ehelsenord.networks.selectors import memberships_for_solution
from ehelsenord.networks.services import network_dissolve, proposal_create
from ehelsenord.networks.tests.conftest import (
    BEIARN,
    BODO,
    GILDESKAL,
    MELOY,
    NETWORK_NAME,
    OTHER_NETWORK_NAME,
    ROST,
    VAEROY,
)
from ehelsenord.networks.tests.test_workspace import field_errors
from ehelsenord.rollout.tests.test_records import client_for, main_of
from ehelsenord.solutions.models import Solution

pytestmark = pytest.mark.django_db

REASON = "Bekreftet ved en feil; Meløy skal i et annet nettverk."
TOO_SHORT = "Say why, in at least %(min)s characters."
ONLY_COORDINATORS = "Only coordinators can do this."
ONLY_COORDINATORS_VIEW = "Only coordinators can dissolve a network."
MEMBERS = [BODO, GILDESKAL, BEIARN, MELOY]


def dissolve_url(network: BuddyNetwork) -> str:
    return f"/nettverk/{network.pk}/opplos/"


def state(network: BuddyNetwork) -> tuple[bool, int, int, int, int, int]:
    """Whether the network exists, and how many memberships, milestones, meetings, agenda items
    and decisions it has."""
    return (
        BuddyNetwork.objects.filter(pk=network.pk).exists(),
        NetworkMembership.objects.filter(network_id=network.pk).count(),
        Milestone.objects.filter(network_id=network.pk).count(),
        Meeting.objects.filter(network_id=network.pk).count(),
        AgendaItem.objects.filter(meeting__network_id=network.pk).count(),
        Decision.objects.filter(meeting__network_id=network.pk).count(),
    )


INTACT = (True, 4, 5, 1, 2, 1)  # `network` with one meeting (two agenda items, one decision)
OTHER_INTACT = (True, 2, 5, 1, 2, 1)


@pytest.fixture
def meetings(network: BuddyNetwork, other_network: BuddyNetwork, make_meeting: Any) -> None:
    make_meeting()
    make_meeting(in_network=other_network, title="Røst-møte")
    assert (state(network), state(other_network)) == (INTACT, OTHER_INTACT)


def dissolve_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="networks.network_dissolve"))


# --- network_dissolve --------------------------------------------------------------------------


def test_network_dissolve_deletes_the_network_with_its_plan_and_meetings_and_is_audited(
    network: BuddyNetwork, other_network: BuddyNetwork, meetings: None, coordinator: Any
) -> None:
    pk = network.pk
    network_dissolve(by=coordinator, network=network, reason=f"  {REASON}  ")
    assert state(network) == (False, 0, 0, 0, 0, 0)
    assert state(other_network) == OTHER_INTACT
    (entry,) = dissolve_entries()
    assert (entry.actor, entry.object_type, entry.object_id, entry.object_repr) == (
        coordinator,
        "networks.buddynetwork",
        str(pk),
        NETWORK_NAME,
    )
    assert entry.changes == {
        "name": [NETWORK_NAME, None],
        "solution": ["kjernejournal", None],
        "lead": [BODO, None],
        "members": [sorted(MEMBERS), None],
        "meetings": [1, None],
        "reason": [None, REASON],
    }


@pytest.mark.parametrize("reason", ["", "   ", "For kort", "  123456789  "])
def test_network_dissolve_refuses_a_reason_shorter_than_ten_characters(
    network: BuddyNetwork, other_network: BuddyNetwork, meetings: None, coordinator: Any, reason: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        network_dissolve(by=coordinator, network=network, reason=reason)
    assert refused.value.message_dict == {"reason": [_(TOO_SHORT) % {"min": 10}]}
    assert (state(network), state(other_network)) == (INTACT, OTHER_INTACT)
    assert dissolve_entries() == []


def test_network_dissolve_takes_a_reason_of_exactly_ten_characters(
    network: BuddyNetwork, other_network: BuddyNetwork, coordinator: Any
) -> None:
    network_dissolve(by=coordinator, network=network, reason=" 1234567890 ")
    assert not BuddyNetwork.objects.filter(pk=network.pk).exists()
    assert dissolve_entries()[0].changes["reason"] == [None, "1234567890"]


@pytest.mark.parametrize("user_fixture", ["bodo_contact", "rost_contact", "reader"])
def test_network_dissolve_refuses_everyone_but_coordinators(
    request: pytest.FixtureRequest,
    network: BuddyNetwork,
    other_network: BuddyNetwork,
    meetings: None,
    user_fixture: str,
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        network_dissolve(by=request.getfixturevalue(user_fixture), network=network, reason=REASON)
    assert str(refused.value) == _(ONLY_COORDINATORS)
    assert (state(network), state(other_network)) == (INTACT, OTHER_INTACT)
    assert dissolve_entries() == []


def test_the_members_can_be_proposed_again_after_dissolving(
    network: BuddyNetwork, other_network: BuddyNetwork, coordinator: Any, kjernejournal: Solution
) -> None:
    settings = optimizer.Settings(max_size=5)
    with pytest.raises(ValidationError) as refused:
        proposal_create(by=coordinator, solution=kjernejournal, participants=MEMBERS, settings=settings)
    assert refused.value.messages == [
        _("Already in a network for this solution: %(names)s.") % {"names": "Beiarn, Bodø, Gildeskål, Meløy"}
    ]
    network_dissolve(by=coordinator, network=network, reason=REASON)
    assert {number: taken.name for number, taken in memberships_for_solution(kjernejournal).items()} == {
        ROST: OTHER_NETWORK_NAME,
        VAEROY: OTHER_NETWORK_NAME,
    }
    proposed = proposal_create(by=coordinator, solution=kjernejournal, participants=MEMBERS, settings=settings)
    assert proposed.status == "optimal"
    assert sorted(proposed.assignment) == sorted(MEMBERS)
    # The other network's members are still taken.
    with pytest.raises(ValidationError) as still_taken:
        proposal_create(by=coordinator, solution=kjernejournal, participants=[*MEMBERS, ROST], settings=settings)
    assert still_taken.value.messages == [_("Already in a network for this solution: %(names)s.") % {"names": "Røst"}]


# --- The page ----------------------------------------------------------------------------------


def test_a_coordinator_sees_what_dissolving_deletes(
    network: BuddyNetwork, other_network: BuddyNetwork, coordinator: Any
) -> None:
    response = client_for(coordinator).get(dissolve_url(network))
    assert response.status_code == 200
    main = main_of(response)
    assert main.find("h1").text() == _("Dissolve %(network)s") % {"network": NETWORK_NAME}
    warning = ngettext(
        "The network's plan, meetings and decisions are deleted, and its %(count)s member can be proposed for "
        "a new network for the solution. This cannot be undone.",
        "The network's plan, meetings and decisions are deleted, and its %(count)s members can be proposed for "
        "a new network for the solution. This cannot be undone.",
        4,
    ) % {"count": 4}
    assert main.find("div", class_="ds-alert", **{"data-color": "warning"}).text() == warning
    assert main.find("label", **{"for": "id_reason"}).text() == _("Why the network is dissolved")
    assert main.find("textarea", name="reason").attrs["aria-describedby"] == "id_reason_helptext"
    assert main.find("button", type="submit").text() == _("Dissolve the network")
    assert [a.attrs["href"] for a in main.find_all("a")][-1] == network.get_absolute_url()
    assert OTHER_NETWORK_NAME not in main.text()


def test_the_network_page_offers_dissolving_to_coordinators_only(
    network: BuddyNetwork, coordinator: Any, bodo_contact: Any
) -> None:
    def links(user: Any) -> list[str]:
        return [a.attrs["href"] for a in main_of(client_for(user).get(network.get_absolute_url())).find_all("a")]

    assert dissolve_url(network) in links(coordinator)
    assert dissolve_url(network) not in links(bodo_contact)  # a member's contact edits, but does not dissolve


def test_dissolving_through_the_page_goes_to_the_list_and_says_so(
    network: BuddyNetwork, other_network: BuddyNetwork, meetings: None, coordinator: Any
) -> None:
    client = client_for(coordinator)
    response = client.post(dissolve_url(network), {"reason": REASON}, follow=True)
    assert response.redirect_chain == [("/nettverk/", 302)]
    status = main_of(response).find("div", class_="messages").find("div", role="status")
    assert status.text() == _("The network “%(name)s” is dissolved.") % {"name": NETWORK_NAME}
    links = [a.text() for a in main_of(response).find("table").find_all("a")]
    assert links == [OTHER_NETWORK_NAME]
    assert state(network) == (False, 0, 0, 0, 0, 0)
    assert state(other_network) == OTHER_INTACT
    assert [entry.actor for entry in dissolve_entries()] == [coordinator]
    assert client.get(dissolve_url(network)).status_code == 404


@pytest.mark.parametrize(
    ("reason", "message"),
    [("For kort", (TOO_SHORT, {"min": 10})), ("", ("This field is required.", {}))],
    ids=["short", "empty"],
)
def test_the_page_shows_why_a_reason_is_refused_and_deletes_nothing(
    network: BuddyNetwork,
    other_network: BuddyNetwork,
    meetings: None,
    coordinator: Any,
    reason: str,
    message: tuple[str, dict[str, int]],
) -> None:
    response = client_for(coordinator).post(dissolve_url(network), {"reason": reason})
    assert response.status_code == 400
    text, values = message
    assert field_errors(response) == {"id_reason": _(text) % values if values else _(text)}
    assert main_of(response).find("textarea", name="reason").text() == reason
    assert (state(network), state(other_network)) == (INTACT, OTHER_INTACT)
    assert dissolve_entries() == []


@pytest.mark.parametrize("user_fixture", ["bodo_contact", "rost_contact", "reader"])
def test_the_page_refuses_everyone_but_coordinators(
    request: pytest.FixtureRequest,
    network: BuddyNetwork,
    other_network: BuddyNetwork,
    meetings: None,
    user_fixture: str,
) -> None:
    client = client_for(request.getfixturevalue(user_fixture))
    refused = [client.get(dissolve_url(network)), client.post(dissolve_url(network), {"reason": REASON})]
    assert [response.status_code for response in refused] == [403, 403]
    assert {main_of(response).find("div", role="alert").text() for response in refused} == {_(ONLY_COORDINATORS_VIEW)}
    assert (state(network), state(other_network)) == (INTACT, OTHER_INTACT)
    assert dissolve_entries() == []


def test_the_page_sends_the_anonymous_to_the_login_and_knows_no_missing_network(
    network: BuddyNetwork, coordinator: Any
) -> None:
    anonymous = Client()
    response = anonymous.post(dissolve_url(network), {"reason": REASON})
    assert (response.status_code, response["Location"]) == (302, f"/konto/logg-inn/?next={dissolve_url(network)}")
    assert state(network)[0] is True
    assert client_for(coordinator).get("/nettverk/999999/opplos/").status_code == 404
