"""Calendar files (RFC 5545) for network meetings: one meeting to download, or the network's feed.

Only what a calendar needs: title, times, place or video link, the agenda and a link to the
meeting's page. No attendees, no e-mail addresses and no minutes: the feed is read without a
login, by its secret address, so it holds nothing about people.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from ehelsenord.networks.models import BuddyNetwork, Meeting

PRODID = "-//eHelse Nord//Kompisnettverk//NO"
UID_DOMAIN = "ehelsenord"


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def _location(meeting: Meeting) -> str:
    return " / ".join(part for part in (meeting.place, meeting.video_url) if part)


def _description(meeting: Meeting, url: str) -> str:
    """The agenda, one numbered line per item (with the municipality a record item is about), then the link."""
    lines = []
    for number, item in enumerate(meeting.agenda.all(), start=1):
        about = f" ({item.implementation.municipality.name})" if item.implementation is not None else ""
        lines.append(f"{number}. {item.text}{about}")
    parts = [_("Agenda:") + "\n" + "\n".join(lines)] if lines else []
    parts.append(url)
    return "\n\n".join(parts)


def meeting_event(meeting: Meeting, url: str) -> Event:
    """One VEVENT (meeting with its agenda prefetched, as from workspace.meeting_get/meeting_list)."""
    event = Event()
    event.add("uid", f"{meeting.uid}@{UID_DOMAIN}")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at.astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", meeting.title)
    location = _location(meeting)
    if location:
        event.add("location", location)
    event.add("description", _description(meeting, url))
    event.add("url", url)
    return event


def meeting_calendar(meeting: Meeting, url: str) -> bytes:
    """A calendar file with the one meeting; `url` is the absolute address of the meeting's page."""
    calendar = _calendar()
    calendar.add_component(meeting_event(meeting, url))
    return calendar.to_ical()


def network_calendar(network: BuddyNetwork, meetings: Iterable[Meeting], base_url: str) -> bytes:
    """The network's calendar feed: all its meetings; `base_url` is the site's address (SITE_URL)."""
    calendar = _calendar()
    calendar.add("x-wr-calname", network.name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, base_url + meeting.get_absolute_url()))
    return calendar.to_ical()
