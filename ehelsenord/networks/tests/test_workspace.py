"""A buddy network's workspace: its plan, meetings and calendar, through the services and over HTTP.

Every refusal is checked twice: the person is told why, and nothing changed. The second network
("Kjernejournal – Røst") is there in every access test, so its data could leak. The clock stands
at conftest.NOW (1 September 2026, 09:00 in Oslo).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils.translation import gettext as _
from icalendar import Calendar
from playwright.sync_api import Page, expect

from ehelsenord.accounts.enums import Role
from ehelsenord.core.models import AuditEntry
from ehelsenord.networks.calendar import PRODID, meeting_calendar, network_calendar
from ehelsenord.networks.models import AgendaItem, BuddyNetwork, Decision, Meeting, Milestone
from ehelsenord.networks.selectors import network_can_edit, network_get, network_list
from ehelsenord.networks.services import NetworkInput, networks_create
from ehelsenord.networks.tests.conftest import (
    BEIARN,
    BODO,
    GILDESKAL,
    MELOY,
    NETWORK_NAME,
    NOW,
    OSLO,
    OTHER_NETWORK_NAME,
    ROST,
    meeting_input,
    municipality,
)
from ehelsenord.networks.workspace import (
    AgendaInput,
    meeting_delete,
    meeting_get,
    meeting_list,
    meeting_update,
    network_progress,
    network_workspace,
    plan_update,
)
from ehelsenord.networks.workspace import meeting_create as create_meeting
from ehelsenord.rollout.aggregation import summarize_all
from ehelsenord.rollout.models import Implementation
from ehelsenord.rollout.selectors import rollout_grid
from ehelsenord.rollout.services import implementation_update
from ehelsenord.rollout.tests.test_records import Node, client_for, facts, main_of, page, table
from ehelsenord.solutions.models import Solution
from ehelsenord.solutions.selectors import solution_queryset
from tests.browser.fixtures import axe_violations

pytestmark = pytest.mark.django_db

DETAIL_QUERIES = 13
LIST_QUERIES = 9
PLAN_PHASES = ["Planlagt", "Forberedelse", "Utprøving", "I drift", "Gevinstrealisering"]
NOT_ALLOWED = "Only coordinators and the contacts of the network's municipalities can change it."


# --- Helpers ---------------------------------------------------------------------------------------


def url(network: BuddyNetwork, suffix: str = "") -> str:
    return f"/nettverk/{network.pk}/{suffix}"


def meeting_url(meeting: Meeting, suffix: str = "") -> str:
    return f"/nettverk/{meeting.network_id}/moter/{meeting.pk}/{suffix}"


def milestones(network: BuddyNetwork) -> list[Milestone]:
    return list(Milestone.objects.filter(network=network).select_related("phase").order_by("phase__position"))


def plan_state(network: BuddyNetwork) -> list[tuple[str, date | None, str]]:
    return [(m.phase.key, m.due_date, m.note) for m in milestones(network)]


def plan_post(network: BuddyNetwork, **values: tuple[str, str]) -> dict[str, str]:
    """The plan form as filled in: phase key → (date as typed, note); other milestones left empty."""
    data = {}
    for milestone in milestones(network):
        due, note = values.get(milestone.phase.key, ("", ""))
        data[f"due_{milestone.pk}"] = due
        data[f"note_{milestone.pk}"] = note
    return data


def meeting_post(
    agenda: list[tuple[str, str]] | None = None, *, attendees: Sequence[Any] = (), **fields: str
) -> dict[str, Any]:
    """The meeting form as filled in: agenda rows (text, record pk or ""), three rows in all."""
    rows = agenda if agenda is not None else [("Velkommen", ""), ("Status", "")]
    rows = rows + [("", "")] * (3 - len(rows))
    data: dict[str, Any] = {
        "title": "Oppstartsmøte",
        "date": "2026-09-08",
        "starts_at": "10:00",
        "ends_at": "11:30",
        "place": "Bodø rådhus",
        "video_url": "",
        "other_attendees": "",
        "minutes": "",
        "decisions": "Bodø leder nettverket\n\nNeste møte i oktober",
        "attendees": [str(user.pk) for user in attendees],
        "agenda-TOTAL_FORMS": str(len(rows)),
        "agenda-INITIAL_FORMS": "0",
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "30",
    }
    for index, (text, record) in enumerate(rows):
        data[f"agenda-{index}-text"] = text
        data[f"agenda-{index}-implementation"] = record
    data.update(fields)
    return data


def record_of(number: str, solution: Solution) -> Implementation:
    return Implementation.objects.get(municipality_id=number, solution=solution)


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


def section(response: Any, heading_id: str) -> Node:
    return main_of(response).find("section", **{"aria-labelledby": heading_id})


def contact_of(number: str, name: str, make_user: Any) -> Any:
    return make_user(role=Role.MUNICIPALITY_CONTACT, full_name=name, municipalities=[municipality(number)])


def parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


# --- Access ----------------------------------------------------------------------------------------


def test_a_member_contact_edits_the_plan(network: BuddyNetwork, other_network: BuddyNetwork, bodo_contact: Any) -> None:
    client = client_for(bodo_contact)
    form = client.get(url(network, "plan/"))
    assert form.status_code == 200
    response = client.post(url(network, "plan/"), plan_post(network, planlagt=("01.03.2027", "Prosjektplan klar")))
    assert response.status_code == 302
    assert response["Location"] == url(network)
    assert plan_state(network)[0] == ("planlagt", date(2027, 3, 1), "Prosjektplan klar")
    assert all(due is None for _key, due, _note in plan_state(other_network))


def test_a_contact_in_another_network_gets_403_and_nothing_changes(
    network: BuddyNetwork, other_network: BuddyNetwork, rost_contact: Any, make_meeting: Any
) -> None:
    meeting = make_meeting()
    before_plan = plan_state(network)
    before_audit = AuditEntry.objects.count()
    client = client_for(rost_contact)
    refused = [
        client.get(url(network, "plan/")),
        client.post(url(network, "plan/"), plan_post(network, planlagt=("01.03.2027", "Røst var her"))),
        client.get(url(network, "moter/ny/")),
        client.post(url(network, "moter/ny/"), meeting_post()),
        client.get(meeting_url(meeting, "endre/")),
        client.post(meeting_url(meeting, "endre/"), meeting_post(title="Overtatt")),
        client.post(meeting_url(meeting, "endre/"), {"action": "delete"}),
    ]
    for response in refused:
        assert response.status_code == 403
        assert main_of(response).find("div", role="alert").text() == _(NOT_ALLOWED)
    assert plan_state(network) == before_plan
    assert list(Meeting.objects.filter(network=network).values_list("title", "sequence")) == [("Oppstartsmøte", 0)]
    assert AuditEntry.objects.count() == before_audit
    # Their own network they may change.
    assert client.get(url(other_network, "plan/")).status_code == 200


def test_the_services_refuse_a_contact_of_another_network(
    network: BuddyNetwork, other_network: BuddyNetwork, rost_contact: Any, make_meeting: Any
) -> None:
    meeting = meeting_get(network, make_meeting().pk)
    first = milestones(network)[0]
    calls = [
        lambda: plan_update(by=rost_contact, network=network, milestones={first.pk: (date(2027, 1, 1), "")}),
        lambda: create_meeting(by=rost_contact, network=network, data=meeting_input()),
        lambda: meeting_update(by=rost_contact, meeting=meeting, data=meeting_input(title="Overtatt")),
        lambda: meeting_delete(by=rost_contact, meeting=meeting),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert str(refused.value) == _(NOT_ALLOWED)
    assert plan_state(network)[0] == ("planlagt", None, "")
    assert list(Meeting.objects.filter(network=network).values_list("title", "sequence")) == [("Oppstartsmøte", 0)]


def test_a_reader_reads_everything_and_changes_nothing(
    network: BuddyNetwork, other_network: BuddyNetwork, reader: Any, make_meeting: Any
) -> None:
    meeting = make_meeting()
    client = client_for(reader)
    detail = client.get(url(network))
    assert detail.status_code == 200
    links = [a.attrs["href"] for a in main_of(detail).find_all("a")]
    assert url(network, "plan/") not in links
    assert url(network, "moter/ny/") not in links
    assert meeting_url(meeting) in links
    shown = client.get(meeting_url(meeting))
    assert main_of(shown).find("h1").text() == "Oppstartsmøte"
    assert meeting_url(meeting, "endre/") not in [a.attrs["href"] for a in main_of(shown).find_all("a")]
    assert client.get(meeting_url(meeting, "mote.ics")).status_code == 200
    for response in (
        client.get(url(network, "plan/")),
        client.post(url(network, "plan/"), plan_post(network, planlagt=("01.03.2027", ""))),
        client.get(url(network, "moter/ny/")),
        client.post(meeting_url(meeting, "endre/"), {"action": "delete"}),
    ):
        assert response.status_code == 403
    assert plan_state(network)[0] == ("planlagt", None, "")
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_coordinator_edits_every_network(
    network: BuddyNetwork, other_network: BuddyNetwork, coordinator: Any
) -> None:
    client = client_for(coordinator)
    for target in (network, other_network):
        response = client.post(url(target, "plan/"), plan_post(target, planlagt=("01.02.2027", "")))
        assert response.status_code == 302
        assert plan_state(target)[0] == ("planlagt", date(2027, 2, 1), "")


@pytest.fixture
def linked_reader(make_user: Any) -> Any:
    """A reader who happens to be linked to Bodø, a member: the link gives no right to change."""
    return make_user(role=Role.READER, full_name="Lars Lenket", municipalities=[municipality(BODO)])


@pytest.mark.parametrize(
    ("user_fixture", "edits_bodo_network", "edits_rost_network"),
    [
        ("coordinator", True, True),
        ("bodo_contact", True, False),
        ("rost_contact", False, True),
        ("linked_reader", False, False),
        ("reader", False, False),
    ],
)
def test_network_can_edit_is_the_change_right_for_a_member(
    request: pytest.FixtureRequest,
    network: BuddyNetwork,
    other_network: BuddyNetwork,
    user_fixture: str,
    edits_bodo_network: bool,
    edits_rost_network: bool,
) -> None:
    user = request.getfixturevalue(user_fixture)
    assert network_can_edit(user, network) is edits_bodo_network
    assert network_can_edit(user, other_network) is edits_rost_network


def test_network_can_edit_refuses_the_anonymous_and_an_inactive_coordinator(
    network: BuddyNetwork, make_user: Any
) -> None:
    inactive = make_user(role=Role.EHEALTH_CONTACT, is_active=False, municipalities=[municipality(BODO)])
    assert network_can_edit(AnonymousUser(), network) is False
    assert network_can_edit(inactive, network) is False


def test_a_reader_linked_to_a_member_gets_403_and_nothing_changes(
    network: BuddyNetwork, other_network: BuddyNetwork, linked_reader: Any, make_meeting: Any
) -> None:
    meeting = make_meeting()
    before_audit = AuditEntry.objects.count()
    client = client_for(linked_reader)
    refused = [
        client.get(url(network, "plan/")),
        client.post(url(network, "plan/"), plan_post(network, planlagt=("01.03.2027", "Leseren var her"))),
        client.get(url(network, "moter/ny/")),
        client.post(url(network, "moter/ny/"), meeting_post()),
        client.get(meeting_url(meeting, "endre/")),
        client.post(meeting_url(meeting, "endre/"), {"action": "delete"}),
    ]
    assert [response.status_code for response in refused] == [403] * 6
    assert {main_of(response).find("div", role="alert").text() for response in refused} == {_(NOT_ALLOWED)}
    with pytest.raises(PermissionDenied) as service_refused:
        plan_update(by=linked_reader, network=network, milestones={milestones(network)[0].pk: (date(2027, 1, 1), "")})
    assert str(service_refused.value) == _(NOT_ALLOWED)
    assert plan_state(network)[0] == ("planlagt", None, "")
    assert list(Meeting.objects.filter(network=network).values_list("title", "sequence")) == [("Oppstartsmøte", 0)]
    assert AuditEntry.objects.count() == before_audit
    # The page offers no change either.
    detail = client.get(url(network))
    links = [a.attrs["href"] for a in main_of(detail).find_all("a")]
    assert url(network, "plan/") not in links and url(network, "moter/ny/") not in links


@pytest.mark.parametrize(
    ("user_fixture", "sees_feed"),
    [
        ("coordinator", True),
        ("bodo_contact", True),
        ("rost_contact", False),
        ("linked_reader", False),
        ("reader", False),
    ],
)
def test_only_those_who_edit_the_network_see_its_calendar_feed(
    request: pytest.FixtureRequest,
    network: BuddyNetwork,
    other_network: BuddyNetwork,
    user_fixture: str,
    sees_feed: bool,
) -> None:
    response = client_for(request.getfixturevalue(user_fixture)).get(url(network))
    assert response.status_code == 200
    main = main_of(response)
    feeds = [node.attrs["value"] for node in main.find_all("input", id="feed-url")]
    headings = [node.text() for node in main.find_all("h2", id="calendar-heading")]
    if sees_feed:
        assert feeds == [f"http://testserver/nettverk/{network.pk}/kalender/{network.feed_token}.ics"]
        assert headings == [_("Calendar")]
    else:
        assert (feeds, headings) == ([], [])
        assert network.feed_token not in response.content.decode()
    assert other_network.feed_token not in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(network: BuddyNetwork, make_meeting: Any) -> None:
    meeting = make_meeting()
    client = Client()
    for address in (
        "/nettverk/",
        url(network),
        url(network, "plan/"),
        url(network, "moter/ny/"),
        meeting_url(meeting),
        meeting_url(meeting, "endre/"),
        meeting_url(meeting, "mote.ics"),
    ):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"] == f"/konto/logg-inn/?next={address}"
    assert client.post(meeting_url(meeting, "endre/"), {"action": "delete"}).status_code == 302
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_the_calendar_feed_needs_the_right_token_and_no_login(
    network: BuddyNetwork, other_network: BuddyNetwork, make_meeting: Any
) -> None:
    make_meeting()
    make_meeting(in_network=other_network, title="Røst-møte")
    client = Client()
    for token in ("feil", other_network.feed_token, network.feed_token[:-1], "æøå"):
        assert client.get(url(network, f"kalender/{token}.ics")).status_code == 404
    assert client.get(f"/nettverk/999999/kalender/{network.feed_token}.ics").status_code == 404

    response = client.get(url(network, f"kalender/{network.feed_token}.ics"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = parse(response.content)
    assert str(calendar["X-WR-CALNAME"]) == NETWORK_NAME
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["Oppstartsmøte"]


# --- The plan ---------------------------------------------------------------------------------------


def test_plan_update_saves_dates_and_notes_and_is_audited(network: BuddyNetwork, bodo_contact: Any) -> None:
    first, second, *_rest = milestones(network)
    changed = plan_update(
        by=bodo_contact,
        network=network,
        milestones={first.pk: (date(2027, 3, 1), "  Prosjektplan   klar "), second.pk: (None, "")},
    )
    assert [m.pk for m in changed] == [first.pk]
    assert plan_state(network) == [
        ("planlagt", date(2027, 3, 1), "Prosjektplan klar"),
        ("forberedelse", None, ""),
        ("utproving", None, ""),
        ("i_drift", None, ""),
        ("gevinstrealisering", None, ""),
    ]
    (entry,) = audit("networks.plan_update")
    assert (entry.actor, entry.object_type, entry.object_id) == (bodo_contact, "networks.buddynetwork", str(network.pk))
    assert entry.changes == {"planlagt": ["–", "2027-03-01 Prosjektplan klar"]}

    # Saving the same again changes nothing and writes no entry.
    assert (
        plan_update(by=bodo_contact, network=network, milestones={first.pk: (date(2027, 3, 1), "Prosjektplan klar")})
        == []
    )
    assert len(audit("networks.plan_update")) == 1


def test_plan_update_refuses_unreasonable_dates_and_long_notes(network: BuddyNetwork, bodo_contact: Any) -> None:
    first, second, third, *_rest = milestones(network)
    with pytest.raises(ValidationError) as refused:
        plan_update(
            by=bodo_contact,
            network=network,
            milestones={
                first.pk: (date(1999, 12, 31), ""),
                second.pk: (date(2027, 1, 1), "x" * 201),
                third.pk: (date(2101, 1, 1), "x" * 200),
            },
        )
    years = _("Enter a date between the years %(first)s and %(last)s.") % {"first": 2000, "last": 2100}
    assert messages_of(refused.value) == {
        f"due_{first.pk}": [years],
        f"note_{second.pk}": [_("The note can be at most %(max)d characters.") % {"max": 200}],
        f"due_{third.pk}": [years],
    }
    assert all(due is None and note == "" for _key, due, note in plan_state(network))
    assert audit("networks.plan_update") == []


def test_plan_update_refuses_another_networks_milestone(
    network: BuddyNetwork, other_network: BuddyNetwork, coordinator: Any
) -> None:
    theirs = milestones(other_network)[0]
    with pytest.raises(ValidationError) as refused:
        plan_update(by=coordinator, network=network, milestones={theirs.pk: (date(2027, 1, 1), "")})
    assert refused.value.messages == [
        _("The plan has changed since the page was opened. Open it again and redo the changes.")
    ]
    assert plan_state(other_network)[0] == ("planlagt", None, "")


def field_errors(response: Any) -> dict[str, str]:
    """Each invalid field's id → its message, as a person sees them beside the fields."""
    found = {}
    for field in main_of(response).find_all("ds-field"):
        messages = field.find_all("p", class_="ds-validation-message")
        if messages:
            control = next(node for tag in ("input", "select", "textarea") for node in field.find_all(tag))
            found[control.attrs["id"]] = messages[0].text()
    return found


def test_the_plan_form_shows_the_errors_at_their_fields_and_saves_nothing(
    network: BuddyNetwork, bodo_contact: Any
) -> None:
    first, second, third, *_rest = milestones(network)
    client = client_for(bodo_contact)
    # A date the form cannot read: the form says so.
    unreadable = client.post(url(network, "plan/"), plan_post(network, planlagt=("31.02.2027", "")))
    assert unreadable.status_code == 400
    assert field_errors(unreadable) == {f"id_due_{first.pk}": _("Enter a valid date.")}
    # Dates and notes the service refuses: each message at its field.
    refused = client.post(
        url(network, "plan/"),
        plan_post(
            network,
            planlagt=("01.03.2027", "ok"),
            forberedelse=("01.01.1990", ""),
            utproving=("01.01.2028", "x" * 201),
        ),
    )
    assert refused.status_code == 400
    assert field_errors(refused) == {
        f"id_due_{second.pk}": _("Enter a date between the years %(first)s and %(last)s.")
        % {"first": 2000, "last": 2100},
        f"id_note_{third.pk}": _("The note can be at most %(max)d characters.") % {"max": 200},
    }
    assert main_of(refused).find("div", role="alert").find("h2").text() == _("The form has errors")
    assert all(due is None and note == "" for _key, due, note in plan_state(network))
    assert audit("networks.plan_update") == []


def test_the_plan_form_lists_every_phase_with_its_values(network: BuddyNetwork, coordinator: Any) -> None:
    first = milestones(network)[0]
    plan_update(by=coordinator, network=network, milestones={first.pk: (date(2027, 3, 1), "Prosjektplan")})
    response = client_for(coordinator).get(url(network, "plan/"))
    rows = main_of(response).find("tbody").find_all("tr")
    assert [row.find("th").text() for row in rows] == PLAN_PHASES
    first_inputs = rows[0].find_all("input")
    assert [(i.attrs["name"], i.attrs["value"]) for i in first_inputs] == [
        (f"due_{first.pk}", "01.03.2027"),
        (f"note_{first.pk}", "Prosjektplan"),
    ]
    labels = [label.text() for label in rows[0].find_all("label")]
    assert labels == [
        _("Target date for %(phase)s") % {"phase": "Planlagt"},
        _("Note for %(phase)s") % {"phase": "Planlagt"},
    ]


# --- Meetings: the services --------------------------------------------------------------------------


def test_meeting_create_stores_everything_in_order_and_is_audited(
    network: BuddyNetwork, records: None, kjernejournal: Solution, bodo_contact: Any, coordinator: Any, make_user: Any
) -> None:
    meloy_contact = contact_of(MELOY, "Mona Meløy", make_user)
    bodo_record = record_of(BODO, kjernejournal)
    meeting = create_meeting(
        by=bodo_contact,
        network=network,
        data=meeting_input(
            title="  Oppstart  ",
            attendees=[meloy_contact, coordinator, meloy_contact],
            other_attendees="Per Pedersen, Nordlandssykehuset",
            minutes="Vi gikk gjennom planen.",
            agenda=[AgendaInput("Velkommen"), AgendaInput("Status i Bodø", bodo_record), AgendaInput(" Eventuelt ")],
            decisions=["Bodø leder nettverket", "  ", "Neste møte i oktober"],
        ),
    )
    stored = meeting_get(network, meeting.pk)
    assert (stored.title, stored.place, stored.video_url, stored.sequence) == (
        "Oppstart",
        "Bodø rådhus, møterom 2",
        "https://teams.example/mote/123",
        0,
    )
    assert stored.starts_at == datetime(2026, 9, 8, 10, 0, tzinfo=OSLO)
    assert stored.ends_at == datetime(2026, 9, 8, 11, 30, tzinfo=OSLO)
    assert [user.full_name for user in stored.attendees.all()] == ["Kari Koordinator", "Mona Meløy"]
    assert [(item.position, item.text, item.implementation) for item in stored.agenda.all()] == [
        (1, "Velkommen", None),
        (2, "Status i Bodø", bodo_record),
        (3, "Eventuelt", None),
    ]
    assert [(d.position, d.text) for d in stored.decisions.all()] == [
        (1, "Bodø leder nettverket"),
        (2, "Neste møte i oktober"),
    ]
    (entry,) = audit("networks.meeting_create")
    assert (entry.actor, entry.object_type, entry.object_id) == (bodo_contact, "networks.meeting", str(meeting.pk))
    assert entry.changes == {
        "title": [None, "Oppstart"],
        "starts_at": [None, "2026-09-08T10:00:00+02:00"],
        "ends_at": [None, "2026-09-08T11:30:00+02:00"],
        "place": [None, "Bodø rådhus, møterom 2"],
        "video_url": [None, "https://teams.example/mote/123"],
        "minutes": [None, "Vi gikk gjennom planen."],
        "attendees": [None, f"{coordinator.email}, {meloy_contact.email}"],
        "other_attendees": [None, "Per Pedersen, Nordlandssykehuset"],
        "agenda": [None, "1. Velkommen\n2. Status i Bodø [1804]\n3. Eventuelt"],
        "decisions": [None, "1. Bodø leder nettverket\n2. Neste møte i oktober"],
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": "   "}, {"title": ["Give the meeting a title."]}),
        (
            {"ends_at": NOW.replace(hour=10) + timedelta(days=7)},
            {"ends_at": ["The meeting must end after it starts."]},
        ),
        (
            {"ends_at": NOW.replace(hour=9) + timedelta(days=7)},
            {"ends_at": ["The meeting must end after it starts."]},
        ),
        ({"place": " ", "video_url": ""}, {"place": ["Give a place, a video link or both."]}),
        ({"video_url": "javascript:alert(1)"}, {"video_url": ["Enter a web address that starts with https://."]}),
        (
            {"agenda": [AgendaInput("Velkommen"), AgendaInput("  ")]},
            {"agenda": [("Agenda item %(number)d needs a text.", {"number": 2})]},
        ),
    ],
)
def test_meeting_create_refuses_bad_input_with_a_message(
    network: BuddyNetwork,
    bodo_contact: Any,
    overrides: dict[str, Any],
    expected: dict[str, list[str | tuple[str, dict[str, int]]]],
) -> None:
    with pytest.raises(ValidationError) as refused:
        create_meeting(by=bodo_contact, network=network, data=meeting_input(**overrides))
    assert messages_of(refused.value) == {
        key: [_(m) if isinstance(m, str) else _(m[0]) % m[1] for m in value] for key, value in expected.items()
    }
    assert not Meeting.objects.exists()
    assert audit("networks.meeting_create") == []


def test_meeting_create_refuses_limits_with_the_numbers(network: BuddyNetwork, bodo_contact: Any) -> None:
    starts = NOW + timedelta(days=7)
    with pytest.raises(ValidationError) as refused:
        create_meeting(
            by=bodo_contact,
            network=network,
            data=meeting_input(
                title="x" * 151,
                starts_at=starts,
                ends_at=starts + timedelta(days=8),
                decisions=["ok", "y" * 501],
                agenda=[AgendaInput("z" * 301)],
            ),
        )
    assert messages_of(refused.value) == {
        "title": [_("The title can be at most %(max)d characters.") % {"max": 150}],
        "ends_at": [_("A meeting can last at most %(days)d days.") % {"days": 7}],
        "agenda": [_("Agenda item %(number)d can be at most %(max)d characters.") % {"number": 1, "max": 300}],
        "decisions": [_("Decision %(number)d can be at most %(max)d characters.") % {"number": 2, "max": 500}],
    }
    old = datetime(1999, 6, 1, 10, 0, tzinfo=OSLO)
    with pytest.raises(ValidationError) as too_early:
        create_meeting(
            by=bodo_contact, network=network, data=meeting_input(starts_at=old, ends_at=old + timedelta(hours=1))
        )
    assert messages_of(too_early.value) == {
        "starts_at": [_("Enter a date between the years %(first)s and %(last)s.") % {"first": 2000, "last": 2100}]
    }
    assert not Meeting.objects.exists()


def test_an_agenda_item_can_only_be_about_a_members_record_for_the_solution(
    network: BuddyNetwork, records: None, kjernejournal: Solution, bodo_contact: Any, coordinator: Any
) -> None:
    pll = Solution.objects.get(slug="pasientens-legemiddelliste")
    implementation_update(
        municipality=municipality(BODO), solution=pll, user=coordinator, changes={"phase": "planlagt"}
    )
    refused_records = [record_of(ROST, kjernejournal), record_of(BODO, pll)]
    for record in refused_records:
        with pytest.raises(ValidationError) as refused:
            create_meeting(
                by=bodo_contact,
                network=network,
                data=meeting_input(agenda=[AgendaInput("Velkommen"), AgendaInput("Status", record)]),
            )
        assert messages_of(refused.value) == {
            "agenda": [
                _("Agenda item %(number)d can only be about the record of a member municipality for %(solution)s.")
                % {"number": 2, "solution": kjernejournal.name}
            ]
        }
    assert not Meeting.objects.exists()


def test_attendees_must_be_member_contacts_or_coordinators(
    network: BuddyNetwork, other_network: BuddyNetwork, bodo_contact: Any, rost_contact: Any, reader: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        create_meeting(
            by=bodo_contact, network=network, data=meeting_input(attendees=[bodo_contact, rost_contact, reader])
        )
    assert messages_of(refused.value) == {
        "attendees": [
            _(
                "Only the contacts of the network's municipalities and coordinators can be registered as "
                "attendees, not: %(names)s."
            )
            % {"names": "Lise Leser, Rolf Røst"}
        ]
    }
    assert not Meeting.objects.exists()


def test_meeting_update_replaces_the_contents_bumps_the_sequence_and_is_audited(
    network: BuddyNetwork, bodo_contact: Any, make_meeting: Any
) -> None:
    meeting = meeting_get(network, make_meeting().pk)
    later = NOW.replace(hour=12) + timedelta(days=7)
    updated = meeting_update(
        by=bodo_contact,
        meeting=meeting,
        data=meeting_input(
            starts_at=later,
            ends_at=later + timedelta(hours=1),
            video_url="",
            agenda=[AgendaInput("Plan for innføringen"), AgendaInput("Eventuelt")],
            decisions=[],
        ),
    )
    assert updated.sequence == 1
    stored = meeting_get(network, meeting.pk)
    assert (stored.sequence, stored.starts_at, stored.video_url) == (1, later, "")
    assert [item.text for item in stored.agenda.all()] == ["Plan for innføringen", "Eventuelt"]
    assert list(stored.decisions.all()) == []
    assert AgendaItem.objects.filter(meeting=meeting).count() == 2
    (entry,) = audit("networks.meeting_update")
    assert entry.actor == bodo_contact
    assert entry.changes == {
        "starts_at": ["2026-09-08T10:00:00+02:00", "2026-09-08T12:00:00+02:00"],
        "ends_at": ["2026-09-08T11:30:00+02:00", "2026-09-08T13:00:00+02:00"],
        "video_url": ["https://teams.example/mote/123", ""],
        "agenda": ["1. Velkommen\n2. Plan for innføringen", "1. Plan for innføringen\n2. Eventuelt"],
        "decisions": ["1. Bodø leder nettverket", ""],
        "sequence": [0, 1],
    }
    meeting_update(by=bodo_contact, meeting=meeting_get(network, meeting.pk), data=meeting_input(title="Nytt navn"))
    assert Meeting.objects.get(pk=meeting.pk).sequence == 2


def test_meeting_delete_removes_it_with_its_contents_and_is_audited(
    network: BuddyNetwork, bodo_contact: Any, make_meeting: Any
) -> None:
    meeting = meeting_get(network, make_meeting().pk)
    meeting_delete(by=bodo_contact, meeting=meeting)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert not AgendaItem.objects.exists()
    assert not Decision.objects.exists()
    (entry,) = audit("networks.meeting_delete")
    assert (entry.actor, entry.object_type, entry.object_id, entry.object_repr) == (
        bodo_contact,
        "networks.meeting",
        str(meeting.pk),
        "Oppstartsmøte",
    )
    assert entry.changes["title"] == ["Oppstartsmøte", None]
    assert entry.changes["network"] == [NETWORK_NAME, None]
    assert entry.changes["agenda"] == ["1. Velkommen\n2. Plan for innføringen", None]


# --- Meetings: the pages ---------------------------------------------------------------------------------


def options(response: Any, select_id: str) -> list[str]:
    return [option.text() for option in main_of(response).find("select", id=select_id).find_all("option")]


def checkbox_labels(response: Any) -> list[str]:
    fieldset = main_of(response).find("fieldset")
    return [label.text() for label in fieldset.find_all("label")]


def test_the_meeting_form_offers_only_member_contacts_coordinators_and_member_records(
    network: BuddyNetwork, records: None, bodo_contact: Any, rost_contact: Any, reader: Any, coordinator: Any
) -> None:
    response = client_for(bodo_contact).get(url(network, "moter/ny/"))
    assert response.status_code == 200
    assert checkbox_labels(response) == [
        f"Berit Bodø ({bodo_contact.municipalities.get().name})",
        f"Kari Koordinator ({_('coordinator')})",
    ]
    # Beiarn and Meløy have no record yet, Røst is in the other network: none of them is offered.
    assert options(response, "id_agenda-0-implementation") == [_("No record"), "Bodø", "Gildeskål"]
    assert len(main_of(response).find("tbody").find_all("tr")) == 3


def test_a_member_contact_creates_a_meeting_through_the_form(
    network: BuddyNetwork, records: None, kjernejournal: Solution, bodo_contact: Any, coordinator: Any
) -> None:
    client = client_for(bodo_contact)
    bodo_record = record_of(BODO, kjernejournal)
    response = client.post(
        url(network, "moter/ny/"),
        meeting_post(
            [("Velkommen", ""), ("Status i Bodø", str(bodo_record.pk))],
            attendees=[bodo_contact, coordinator],
            video_url="https://teams.example/mote/9",
        ),
    )
    meeting = Meeting.objects.get(network=network)
    assert response.status_code == 302
    assert response["Location"] == meeting_url(meeting)
    stored = meeting_get(network, meeting.pk)
    assert (stored.title, stored.place, stored.video_url) == (
        "Oppstartsmøte",
        "Bodø rådhus",
        "https://teams.example/mote/9",
    )
    assert (stored.starts_at, stored.ends_at) == (
        datetime(2026, 9, 8, 10, 0, tzinfo=OSLO),
        datetime(2026, 9, 8, 11, 30, tzinfo=OSLO),
    )
    assert [(item.text, item.implementation) for item in stored.agenda.all()] == [
        ("Velkommen", None),
        ("Status i Bodø", bodo_record),
    ]
    assert [d.text for d in stored.decisions.all()] == ["Bodø leder nettverket", "Neste møte i oktober"]
    assert {user.pk for user in stored.attendees.all()} == {bodo_contact.pk, coordinator.pk}

    shown = client.get(meeting_url(meeting))
    assert facts(main_of(shown).find("dl")) == {
        _("When"): "08.09.2026 10:00–11:30",
        _("Place"): "Bodø rådhus",
        _("Video link"): "https://teams.example/mote/9",
        _("Attendees"): "Berit Bodø, Kari Koordinator",
    }
    agenda = section(shown, "agenda-heading")
    assert [li.text() for li in agenda.find_all("li")] == [
        "Velkommen",
        "Status i Bodø (" + _("the record of %(municipality)s") % {"municipality": "Bodø"} + ")",
    ]
    assert agenda.find("a").attrs["href"] == "/registreringer/1804/kjernejournal/"
    assert [li.text() for li in section(shown, "decisions-heading").find_all("li")] == [
        "Bodø leder nettverket",
        "Neste møte i oktober",
    ]


def test_the_meeting_form_refuses_another_networks_record_and_a_bad_time(
    network: BuddyNetwork, records: None, kjernejournal: Solution, bodo_contact: Any
) -> None:
    client = client_for(bodo_contact)
    rost_record = record_of(ROST, kjernejournal)
    leak = client.post(url(network, "moter/ny/"), meeting_post([("Status i Røst", str(rost_record.pk))]))
    assert leak.status_code == 400
    assert field_errors(leak) == {
        "id_agenda-0-implementation": str(forms.ChoiceField.default_error_messages["invalid_choice"])
        % {"value": rost_record.pk}
    }
    backwards = client.post(url(network, "moter/ny/"), meeting_post(ends_at="09:00"))
    assert backwards.status_code == 400
    assert field_errors(backwards) == {"id_ends_at": _("The meeting must end after it starts.")}
    nowhere = client.post(url(network, "moter/ny/"), meeting_post(place=""))
    assert field_errors(nowhere) == {"id_place": _("Give a place, a video link or both.")}
    no_text = client.post(
        url(network, "moter/ny/"), meeting_post([("Velkommen", ""), ("", str(record_of(BODO, kjernejournal).pk))])
    )
    alert = main_of(no_text).find("div", role="alert")
    assert [li.text() for li in alert.find_all("li")] == [_("Agenda item %(number)d needs a text.") % {"number": 2}]
    assert not Meeting.objects.exists()


def test_a_member_contact_edits_and_deletes_a_meeting(
    network: BuddyNetwork, bodo_contact: Any, make_meeting: Any
) -> None:
    meeting = make_meeting()
    client = client_for(bodo_contact)
    form = client.get(meeting_url(meeting, "endre/"))
    values = {i.attrs["name"]: i.attrs.get("value", "") for i in main_of(form).find_all("input") if "name" in i.attrs}
    assert (values["title"], values["date"], values["starts_at"], values["ends_at"]) == (
        "Oppstartsmøte",
        "2026-09-08",
        "10:00",
        "11:30",
    )
    assert (values["agenda-0-text"], values["agenda-1-text"], values["agenda-2-text"]) == (
        "Velkommen",
        "Plan for innføringen",
        "",
    )
    assert values["agenda-TOTAL_FORMS"] == "5"

    saved = client.post(
        meeting_url(meeting, "endre/"), meeting_post(title="Oppstart, flyttet", starts_at="12:00", ends_at="13:00")
    )
    assert saved.status_code == 302
    assert [a.text() for a in page(client.get(saved["Location"])).find_all("div", class_="ds-alert")] == [
        _("The meeting was saved.")
    ]
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.title, stored.starts_at, stored.sequence) == (
        "Oppstart, flyttet",
        datetime(2026, 9, 8, 12, 0, tzinfo=OSLO),
        1,
    )

    deleted = client.post(meeting_url(meeting, "endre/"), {"action": "delete"})
    assert deleted.status_code == 302
    assert deleted["Location"] == url(network)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    after = client.get(deleted["Location"])
    assert [alert.text() for alert in page(after).find_all("div", class_="ds-alert")] == [
        _("The meeting “%(title)s” was deleted.") % {"title": "Oppstart, flyttet"}
    ]


def test_a_meeting_of_another_network_is_not_found_under_this_one(
    network: BuddyNetwork, other_network: BuddyNetwork, coordinator: Any, make_meeting: Any
) -> None:
    theirs = make_meeting(in_network=other_network, title="Røst-møte")
    client = client_for(coordinator)
    for suffix in ("", "endre/", "mote.ics"):
        assert client.get(f"/nettverk/{network.pk}/moter/{theirs.pk}/{suffix}").status_code == 404
    assert client.post(f"/nettverk/{network.pk}/moter/{theirs.pk}/endre/", {"action": "delete"}).status_code == 404
    assert Meeting.objects.filter(pk=theirs.pk).exists()


# --- Calendar files --------------------------------------------------------------------------------------


def test_a_meeting_as_a_calendar_file(
    network: BuddyNetwork, records: None, kjernejournal: Solution, coordinator: Any, make_user: Any
) -> None:
    meloy_contact = contact_of(MELOY, "Mona Meløy", make_user)
    meeting = create_meeting(
        by=coordinator,
        network=network,
        data=meeting_input(
            attendees=[meloy_contact],
            minutes="Hemmelig referat",
            agenda=[AgendaInput("Velkommen"), AgendaInput("Status", record_of(GILDESKAL, kjernejournal))],
        ),
    )
    meeting = meeting_get(network, meeting.pk)
    page_url = f"http://testserver/nettverk/{network.pk}/moter/{meeting.pk}/"
    content = meeting_calendar(meeting, page_url)
    calendar = parse(content)
    assert (str(calendar["PRODID"]), str(calendar["VERSION"])) == (PRODID, "2.0")
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{meeting.uid}@ehelsenord"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == datetime(2026, 9, 8, 8, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 9, 8, 9, 30, tzinfo=UTC)
    assert b"DTSTART:20260908T080000Z" in content
    assert str(event["SUMMARY"]) == "Oppstartsmøte"
    assert str(event["LOCATION"]) == "Bodø rådhus, møterom 2 / https://teams.example/mote/123"
    assert str(event["DESCRIPTION"]) == f"{_('Agenda:')}\n1. Velkommen\n2. Status (Gildeskål)\n\n{page_url}"
    assert str(event["URL"]) == page_url
    # Nothing about people, and no minutes.
    assert meloy_contact.email.encode() not in content
    assert b"Hemmelig" not in content
    assert b"ATTENDEE" not in content and b"ORGANIZER" not in content


def test_a_changed_meeting_keeps_its_uid_and_raises_its_sequence(
    network: BuddyNetwork, coordinator: Any, make_meeting: Any
) -> None:
    meeting = meeting_get(network, make_meeting(agenda=[]).pk)
    first = parse(meeting_calendar(meeting, "https://x.example/m")).walk("VEVENT")[0]
    meeting_update(by=coordinator, meeting=meeting, data=meeting_input(agenda=[], video_url=""))
    second = parse(meeting_calendar(meeting_get(network, meeting.pk), "https://x.example/m")).walk("VEVENT")[0]
    assert str(second["UID"]) == str(first["UID"])
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)
    assert str(second["LOCATION"]) == "Bodø rådhus, møterom 2"
    assert str(second["DESCRIPTION"]) == "https://x.example/m"


def test_the_network_calendar_holds_all_its_meetings_and_no_one_elses(
    network: BuddyNetwork, other_network: BuddyNetwork, make_meeting: Any
) -> None:
    later = make_meeting(
        title="Andre møte", starts_at=NOW + timedelta(days=30), ends_at=NOW + timedelta(days=30, hours=1)
    )
    first = make_meeting()
    make_meeting(in_network=other_network, title="Røst-møte")
    content = network_calendar(network, meeting_list(network), "https://ehelsenord.example.no")
    calendar = parse(content)
    assert (str(calendar["PRODID"]), str(calendar["X-WR-CALNAME"])) == (PRODID, NETWORK_NAME)
    events = calendar.walk("VEVENT")
    assert [(str(e["SUMMARY"]), str(e["UID"]), str(e["URL"])) for e in events] == [
        (
            "Oppstartsmøte",
            f"{first.uid}@ehelsenord",
            f"https://ehelsenord.example.no/nettverk/{network.pk}/moter/{first.pk}/",
        ),
        (
            "Andre møte",
            f"{later.uid}@ehelsenord",
            f"https://ehelsenord.example.no/nettverk/{network.pk}/moter/{later.pk}/",
        ),
    ]
    assert b"R\xc3\xb8st-m\xc3\xb8te" not in content


def test_the_meeting_download_is_an_attachment(network: BuddyNetwork, reader: Any, make_meeting: Any) -> None:
    meeting = make_meeting()
    response = client_for(reader).get(meeting_url(meeting, "mote.ics"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mote-2026-09-08.ics"'
    (event,) = parse(response.content).walk("VEVENT")
    assert str(event["URL"]) == f"http://testserver{meeting_url(meeting)}"
    # The file is named by the day in Norway, also just after midnight (the day before in UTC).
    night = datetime(2026, 9, 9, 0, 30, tzinfo=OSLO)
    late = make_meeting(starts_at=night, ends_at=night + timedelta(hours=1))
    response = client_for(reader).get(meeting_url(late, "mote.ics"))
    assert response["Content-Disposition"] == 'attachment; filename="mote-2026-09-09.ics"'


# --- The network pages -----------------------------------------------------------------------------------


def test_the_workspace_shows_members_progress_plan_meetings_decisions_and_the_feed(
    network: BuddyNetwork, records: None, bodo_contact: Any, rost_contact: Any, coordinator: Any, make_meeting: Any
) -> None:
    first = milestones(network)[0]
    plan_update(by=coordinator, network=network, milestones={first.pk: (date(2027, 3, 1), "Prosjektplan")})
    past = make_meeting(
        title="Forrige møte",
        starts_at=NOW - timedelta(days=14),
        ends_at=NOW - timedelta(days=14) + timedelta(hours=1),
        decisions=["Gildeskål prøver først", "Vi møtes månedlig"],
    )
    upcoming = make_meeting()
    response = client_for(bodo_contact).get(url(network))
    assert response.status_code == 200
    main = main_of(response)
    assert main.find("h1").text() == NETWORK_NAME
    assert facts(main.find("dl")) == {
        _("Solution"): "Kjernejournal (fastlege og legevakt)",
        _("Agreement round"): "–",
        _("Lead"): "Bodø",
        _("Members"): "4",
    }
    lead = _("(lead)")
    no_contact = _("No contact person yet")
    assert table(response, _("Members of %(network)s") % {"network": NETWORK_NAME}) == [
        [f"Bodø {lead}", "I drift", f"Berit Bodø – {bodo_contact.email}"],
        ["Beiarn", "Ikke startet", no_contact],
        ["Gildeskål", "Utprøving", no_contact],
        ["Meløy", "Ikke startet", no_contact],
    ]
    record_links = [a.attrs["href"] for a in section(response, "members-heading").find_all("a", class_="ds-link")]
    assert record_links == [
        "/registreringer/1804/kjernejournal/",
        f"mailto:{bodo_contact.email}",
        "/registreringer/1839/kjernejournal/",
        "/registreringer/1838/kjernejournal/",
        "/registreringer/1837/kjernejournal/",
    ]
    progress = section(response, "progress-heading")
    assert progress.find("p").text() == _(
        "%(in_use)s of %(relevant)s relevant members have the solution in use (%(share)s)."
    ) % {"in_use": 1, "relevant": 4, "share": "25 %"}
    assert table(response, _("Members per phase")) == [
        ["Ikke startet", "2", "50 %"],
        ["Planlagt", "0", "0 %"],
        ["Forberedelse", "0", "0 %"],
        ["Utprøving", "1", "25 %"],
        ["I drift", "1", "25 %"],
        ["Gevinstrealisering", "0", "0 %"],
        ["Ikke aktuell", "0", "0 %"],
    ]
    assert table(response, _("Milestones of the plan")) == [
        ["Planlagt", "01.03.2027", "Prosjektplan"],
        ["Forberedelse", "–", "–"],
        ["Utprøving", "–", "–"],
        ["I drift", "–", "–"],
        ["Gevinstrealisering", "–", "–"],
    ]
    meetings = section(response, "meetings-heading")
    assert [a.attrs["href"] for a in meetings.find_all("a")] == [
        url(network, "moter/ny/"),
        meeting_url(upcoming),
        meeting_url(past),
    ]
    assert [li.text() for li in meetings.find("ul", **{"aria-label": _("Upcoming meetings")}).find_all("li")] == [
        "Oppstartsmøte – 08.09.2026 10:00, Bodø rådhus, møterom 2"
    ]
    assert [li.text() for li in section(response, "decisions-heading").find_all("li")] == [
        "Bodø leder nettverket (Oppstartsmøte, 08.09.2026)",
        "Gildeskål prøver først (Forrige møte, 18.08.2026)",
        "Vi møtes månedlig (Forrige møte, 18.08.2026)",
    ]
    assert url(network, "plan/") in [a.attrs["href"] for a in section(response, "plan-heading").find_all("a")]
    feed = main.find("input", id="feed-url")
    assert feed.attrs["value"] == f"http://testserver/nettverk/{network.pk}/kalender/{network.feed_token}.ics"
    # Nothing of the other network: its members, their contacts, its name.
    text = main.text()
    assert "Røst" not in text and "Værøy" not in text and rost_contact.email not in text


def test_the_progress_is_the_one_aggregation_over_the_members(
    network: BuddyNetwork, other_network: BuddyNetwork, records: None, kjernejournal: Solution
) -> None:
    members = [municipality(n) for n in (BODO, GILDESKAL, BEIARN, MELOY)]
    expected = summarize_all(rollout_grid(municipalities=members, solutions=[kjernejournal]).cells())
    assert (expected.total, expected.in_use, expected.relevant) == (4, 1, 4)
    progress = network_progress(network_list())
    assert progress[network.pk] == expected
    assert network_workspace(network_get(network.pk)).summary == expected
    others = [municipality(n) for n in (ROST, "1857")]
    assert progress[other_network.pk] == summarize_all(
        rollout_grid(municipalities=others, solutions=[kjernejournal]).cells()
    )
    assert (progress[other_network.pk].in_use, progress[other_network.pk].total) == (2, 2)


def test_the_list_groups_networks_by_solution_with_their_progress(
    network: BuddyNetwork, other_network: BuddyNetwork, records: None, coordinator: Any, reader: Any
) -> None:
    pll = solution_queryset().get(slug="pasientens-legemiddelliste")
    networks_create(
        by=coordinator,
        solution=pll,
        networks=[NetworkInput("PLL – Meløy", municipality(MELOY), [municipality(MELOY), municipality(BEIARN)])],
    )
    response = client_for(reader).get("/nettverk/")
    assert response.status_code == 200
    main = main_of(response)
    assert [h2.text() for h2 in main.find_all("h2")] == ["Kjernejournal (fastlege og legevakt)", pll.name]
    of = _("%(in_use)s of %(members)s")
    assert table(
        response, _("Buddy networks for %(solution)s") % {"solution": "Kjernejournal (fastlege og legevakt)"}
    ) == [
        [NETWORK_NAME, "Bodø", "4", of % {"in_use": 1, "members": 4}],
        [OTHER_NETWORK_NAME, "Røst", "2", of % {"in_use": 2, "members": 2}],
    ]
    assert table(response, _("Buddy networks for %(solution)s") % {"solution": pll.name}) == [
        ["PLL – Meløy", "Meløy", "2", of % {"in_use": 0, "members": 2}]
    ]
    links = [a.attrs["href"] for a in main.find_all("a")]
    assert url(network) in links
    assert "/nettverk/forslag/ny/" not in links and "/nettverk/reisetider/" not in links


def test_a_coordinator_is_offered_to_propose_networks(coordinator: Any) -> None:
    response = client_for(coordinator).get("/nettverk/")
    main = main_of(response)
    button = main.find("a", class_="ds-button")
    assert (button.text(), button.attrs["href"]) == (_("Propose networks"), "/nettverk/forslag/ny/")
    assert "/nettverk/reisetider/" in [a.attrs["href"] for a in main.find_all("a")]
    empty = main.find_all("p")[-1].text()
    propose = _("Propose networks for a solution from the signed intent agreements.")
    assert empty == f"{_('There are no buddy networks yet.')} {propose}"


def test_a_reader_sees_the_empty_list_without_the_coordinators_actions(reader: Any) -> None:
    main = main_of(client_for(reader).get("/nettverk/"))
    assert main.find_all("p")[-1].text() == _("There are no buddy networks yet.")
    assert main.find_all("a", class_="ds-button") == []


# --- Query counts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("meetings", [1, 3])
def test_the_workspace_costs_the_same_queries_for_one_or_many_meetings(
    meetings: int,
    network: BuddyNetwork,
    records: None,
    kjernejournal: Solution,
    bodo_contact: Any,
    coordinator: Any,
    make_user: Any,
    make_meeting: Any,
    django_assert_num_queries: Any,
) -> None:
    for index in range(meetings):
        contact_of(MELOY, f"Kontakt {index}", make_user)
        starts = NOW + timedelta(days=index - 1)
        make_meeting(
            title=f"Møte {index + 1}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            attendees=[bodo_contact, coordinator],
            agenda=[AgendaInput("Status", record_of(BODO, kjernejournal)), AgendaInput("Eventuelt")],
            decisions=[f"Vedtak {index + 1}a", f"Vedtak {index + 1}b"],
        )
    client = client_for(bodo_contact)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url(network))
    assert len(section(response, "decisions-heading").find_all("li")) == 2 * meetings


@pytest.mark.parametrize("networks", [1, 3])
def test_the_list_costs_the_same_queries_for_one_or_many_networks(
    networks: int, coordinator: Any, reader: Any, django_assert_num_queries: Any
) -> None:
    slugs = ["kjernejournal", "pasientens-legemiddelliste", "e-resept"][:networks]
    for slug in slugs:
        members = [municipality(n) for n in (BODO, GILDESKAL, ROST)]
        networks_create(
            by=coordinator,
            solution=Solution.objects.get(slug=slug),
            networks=[NetworkInput(f"{slug} – Bodø", members[0], members)],
        )
    client = client_for(reader)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/nettverk/")
    assert len(main_of(response).find_all("tbody")) == networks


BAD_REQUEST = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


# --- In Chromium -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_contact_plans_a_meeting_in_chromium_on_accessible_pages(
    page: Page,
    live: str,
    login: Any,
    network: BuddyNetwork,
    other_network: BuddyNetwork,
    records: None,
    bodo_contact: Any,
    console_errors: list[str],
) -> None:
    """Every workspace page, also with form errors, has no WCAG 2.1 A/AA violations (and no CSP errors)."""
    login(bodo_contact)
    page.goto(f"{live}/nettverk/")
    assert axe_violations(page) == []
    page.get_by_role("table").get_by_role("link", name=NETWORK_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NETWORK_NAME)
    assert axe_violations(page) == []

    page.get_by_role("link", name=_("Edit the plan")).click()
    page.get_by_label(_("Target date for %(phase)s") % {"phase": "Planlagt"}).fill("01.01.1990")
    page.get_by_role("button", name=_("Save the plan")).click()
    expect(page.get_by_role("heading", level=2, name=_("The form has errors"))).to_be_visible()
    assert console_errors == [BAD_REQUEST]  # a form with errors answers 400, which Chromium logs
    console_errors.clear()
    assert axe_violations(page) == []
    page.get_by_label(_("Target date for %(phase)s") % {"phase": "Planlagt"}).fill("01.03.2027")
    page.get_by_role("button", name=_("Save the plan")).click()
    expect(page.get_by_role("status")).to_have_text(_("The plan was saved."))

    page.get_by_role("link", name=_("New meeting")).click()
    assert axe_violations(page) == []
    page.get_by_label(_("Title"), exact=True).fill("Oppstartsmøte")
    page.get_by_label(_("Date"), exact=True).fill("2027-01-12")
    page.get_by_label(_("Starts"), exact=True).fill("10:00")
    page.get_by_label(_("Ends"), exact=True).fill("09:00")
    page.get_by_label(_("Place")).fill("Bodø rådhus")
    page.get_by_label(_("Agenda item %(number)s") % {"number": 1}, exact=True).fill("Status i Bodø")
    page.get_by_label(_("Agenda item %(number)s is about the record of") % {"number": 1}).select_option(label="Bodø")
    page.get_by_label("Berit Bodø (Bodø)").check()
    page.get_by_label(_("Decisions")).fill("Bodø leder nettverket")
    page.get_by_role("button", name=_("Save the meeting")).click()
    expect(page.locator("#id_ends_at_error")).to_have_text(_("The meeting must end after it starts."))
    assert console_errors == [BAD_REQUEST]
    console_errors.clear()
    assert axe_violations(page) == []
    page.get_by_label(_("Ends"), exact=True).fill("11:30")
    page.get_by_role("button", name=_("Save the meeting")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Oppstartsmøte")
    expect(page.get_by_role("status")).to_have_text(_("The meeting was saved."))
    assert axe_violations(page) == []
    meeting = Meeting.objects.get(network=network)
    assert (meeting.starts_at, meeting.ends_at) == (
        datetime(2027, 1, 12, 10, 0, tzinfo=OSLO),
        datetime(2027, 1, 12, 11, 30, tzinfo=OSLO),
    )
    assert [
        (item.text, item.implementation.municipality_id if item.implementation else None)
        for item in meeting.agenda.all()
    ] == [("Status i Bodø", BODO)]
    page.get_by_role("link", name=_("Edit the meeting")).click()
    assert axe_violations(page) == []


STALE_MEETING = "Someone saved the meeting after you opened it. Open it again and redo your changes."


def test_meeting_update_refuses_a_save_over_a_newer_one(
    network: BuddyNetwork, bodo_contact: Any, make_meeting: Any
) -> None:
    meeting = make_meeting()
    meeting_update(
        by=bodo_contact, meeting=meeting_get(network, meeting.pk), data=meeting_input(title="Først"), sequence=0
    )
    with pytest.raises(ValidationError) as refused:
        meeting_update(
            by=bodo_contact, meeting=meeting_get(network, meeting.pk), data=meeting_input(title="Sist"), sequence=0
        )
    assert refused.value.messages == [_(STALE_MEETING)]
    assert list(Meeting.objects.filter(pk=meeting.pk).values_list("title", "sequence")) == [("Først", 1)]
    assert len(audit("networks.meeting_update")) == 1


def test_the_meeting_form_carries_its_sequence_and_refuses_a_stale_save(
    network: BuddyNetwork, bodo_contact: Any, make_meeting: Any
) -> None:
    meeting = make_meeting()
    client = client_for(bodo_contact)
    form = client.get(meeting_url(meeting, "endre/"))
    inputs = {i.attrs["name"]: i.attrs.get("value", "") for i in main_of(form).find_all("input") if "name" in i.attrs}
    assert inputs["sequence"] == "0"
    first = client.post(meeting_url(meeting, "endre/"), meeting_post(title="Først", sequence="0"))
    assert first.status_code == 302
    second = client.post(meeting_url(meeting, "endre/"), meeting_post(title="Sist", sequence="0"))
    assert second.status_code == 400
    assert _(STALE_MEETING) in main_of(second).find("div", role="alert").text()
    forged = client.post(meeting_url(meeting, "endre/"), meeting_post(title="Sist", sequence="x"))
    assert forged.status_code == 400
    assert list(Meeting.objects.filter(pk=meeting.pk).values_list("title", "sequence")) == [("Først", 1)]
