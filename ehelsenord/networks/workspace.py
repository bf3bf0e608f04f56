"""The network workspace: its plan (milestones) and meetings, and what the network's pages read.

Writes are atomic and audited, and only for those network_can_edit lets in (coordinators and the
contacts of the member municipalities). Validation errors are keyed by the field they concern
(`due_<milestone pk>`/`note_<milestone pk>` for the plan, the MeetingInput field names for a
meeting), so a form that names its fields the same shows each message at its field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ehelsenord.accounts.enums import COORDINATOR_ROLES, Role
from ehelsenord.accounts.models import User
from ehelsenord.core.audit import audit_record
from ehelsenord.municipalities.models import Municipality
from ehelsenord.networks.models import AgendaItem, BuddyNetwork, Decision, Meeting, Milestone
from ehelsenord.networks.selectors import network_can_edit, network_members
from ehelsenord.rollout.aggregation import Summary, summarize_all
from ehelsenord.rollout.models import Implementation
from ehelsenord.rollout.selectors import Grid, RecordView, rollout_grid
from ehelsenord.solutions.models import Phase, Solution
from ehelsenord.solutions.selectors import solution_queryset

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
NOTE_MAX_LENGTH = 200
TITLE_MAX_LENGTH = 150
PLACE_MAX_LENGTH = 200
VIDEO_URL_MAX_LENGTH = 400
OTHER_ATTENDEES_MAX_LENGTH = 400
MINUTES_MAX_LENGTH = 20_000
AGENDA_TEXT_MAX_LENGTH = 300
DECISION_MAX_LENGTH = 500
MAX_AGENDA_ITEMS = 30
MAX_DECISIONS = 30
MEETING_MAX_DAYS = 7


def _require_editor(user: User | AnonymousUser, network: BuddyNetwork) -> None:
    if not network_can_edit(user, network):
        raise PermissionDenied(_("Only coordinators and the contacts of the network's municipalities can change it."))


def _year_error() -> str:
    return _("Enter a date between the years %(first)s and %(last)s.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- The plan ------------------------------------------------------------------------------------


@transaction.atomic
def plan_update(
    *, by: User, network: BuddyNetwork, milestones: Mapping[int, tuple[date | None, str]]
) -> list[Milestone]:
    """Set the target date and note of the network's milestones (milestone pk → (date or None, note)).

    All or nothing; milestones not named keep their values. Audited once, with the changed
    milestones before and after. Returns the milestones that changed.
    """
    _require_editor(by, network)
    current = {
        milestone.pk: milestone
        for milestone in Milestone.objects.select_for_update(of=("self",))
        .select_related("phase")
        .filter(network=network)
    }
    if set(milestones) - set(current):
        raise ValidationError(_("The plan has changed since the page was opened. Open it again and redo the changes."))
    errors: dict[str, str] = {}
    changed: list[Milestone] = []
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for pk, (due_date, raw_note) in milestones.items():
        milestone = current[pk]
        note = _one_line(raw_note)
        if due_date is not None and not EARLIEST_YEAR <= due_date.year <= LATEST_YEAR:
            errors[f"due_{pk}"] = _year_error()
        if len(note) > NOTE_MAX_LENGTH:
            errors[f"note_{pk}"] = _("The note can be at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}
        if (due_date, note) != (milestone.due_date, milestone.note):
            before[milestone.phase.key] = _milestone_text(milestone.due_date, milestone.note)
            after[milestone.phase.key] = _milestone_text(due_date, note)
            milestone.due_date, milestone.note = due_date, note
            changed.append(milestone)
    if errors:
        raise ValidationError(errors)
    if changed:
        Milestone.objects.bulk_update(changed, ["due_date", "note"])
        audit_record(actor=by, action="networks.plan_update", obj=network, before=before, after=after)
    return changed


def _milestone_text(due_date: date | None, note: str) -> str:
    return f"{due_date.isoformat() if due_date else '–'} {note}".strip()


# --- Meetings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaInput:
    text: str
    implementation: Implementation | None = None


@dataclass(frozen=True)
class MeetingInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    video_url: str = ""
    minutes: str = ""
    attendees: Sequence[User] = ()
    other_attendees: str = ""
    agenda: Sequence[AgendaInput] = ()
    decisions: Sequence[str] = ()


def meeting_attendee_options(network: BuddyNetwork) -> QuerySet[User]:
    """Who can be registered as attending: the active contacts of the member municipalities and the
    coordinators. Each user's member municipalities are prefetched as `member_municipalities`."""
    numbers = [membership.municipality_id for membership in network.memberships.all()]
    return (
        User.objects.filter(is_active=True)
        .filter(Q(role__in=COORDINATOR_ROLES) | Q(role=Role.MUNICIPALITY_CONTACT, municipalities__in=numbers))
        .distinct()
        .order_by("full_name", "email")
        .prefetch_related(
            Prefetch(
                "municipalities",
                queryset=Municipality.objects.filter(number__in=numbers).order_by("name"),
                to_attr="member_municipalities",
            )
        )
    )


def agenda_record_options(network: BuddyNetwork) -> list[Implementation]:
    """The records an agenda item may be about: the members' existing records for the network's
    solution (a member without a record has none to point to until its first update)."""
    numbers = [membership.municipality_id for membership in network.memberships.all()]
    return list(
        Implementation.objects.filter(solution_id=network.solution_id, municipality_id__in=numbers)
        .select_related("municipality")
        .order_by("municipality__name")
    )


def _clean_meeting(network: BuddyNetwork, data: MeetingInput) -> MeetingInput:
    """The input with its texts trimmed, or ValidationError naming each field that is wrong."""
    errors: dict[str, list[str]] = {}

    def error(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    title = _one_line(data.title)
    if not title:
        error("title", _("Give the meeting a title."))
    elif len(title) > TITLE_MAX_LENGTH:
        error("title", _("The title can be at most %(max)d characters.") % {"max": TITLE_MAX_LENGTH})

    if timezone.is_naive(data.starts_at) or timezone.is_naive(data.ends_at):
        raise ValueError("A meeting's start and end must be timezone-aware.")
    if not EARLIEST_YEAR <= data.starts_at.year <= LATEST_YEAR:
        error("starts_at", _year_error())
    if data.ends_at <= data.starts_at:
        error("ends_at", _("The meeting must end after it starts."))
    elif data.ends_at - data.starts_at > timedelta(days=MEETING_MAX_DAYS):
        error("ends_at", _("A meeting can last at most %(days)d days.") % {"days": MEETING_MAX_DAYS})

    place = _one_line(data.place)
    video_url = data.video_url.strip()
    if not place and not video_url:
        error("place", _("Give a place, a video link or both."))
    if len(place) > PLACE_MAX_LENGTH:
        error("place", _("The place can be at most %(max)d characters.") % {"max": PLACE_MAX_LENGTH})
    if video_url:
        try:
            URLValidator(schemes=["https", "http"])(video_url)
        except ValidationError:
            error("video_url", _("Enter a web address that starts with https://."))
        if len(video_url) > VIDEO_URL_MAX_LENGTH:
            error("video_url", _("The video link can be at most %(max)d characters.") % {"max": VIDEO_URL_MAX_LENGTH})

    minutes = data.minutes.strip()
    if len(minutes) > MINUTES_MAX_LENGTH:
        error("minutes", _("The minutes can be at most %(max)d characters.") % {"max": MINUTES_MAX_LENGTH})
    other_attendees = _one_line(data.other_attendees)
    if len(other_attendees) > OTHER_ATTENDEES_MAX_LENGTH:
        error(
            "other_attendees",
            _("Other attendees can be at most %(max)d characters.") % {"max": OTHER_ATTENDEES_MAX_LENGTH},
        )

    attendees = list({user.pk: user for user in data.attendees}.values())
    allowed = set(meeting_attendee_options(network).order_by().values_list("pk", flat=True))
    refused = sorted(str(user) for user in attendees if user.pk not in allowed)
    if refused:
        error(
            "attendees",
            _(
                "Only the contacts of the network's municipalities and coordinators can be registered as "
                "attendees, not: %(names)s."
            )
            % {"names": ", ".join(refused)},
        )

    members = {membership.municipality_id for membership in network.memberships.all()}
    agenda: list[AgendaInput] = []
    if len(data.agenda) > MAX_AGENDA_ITEMS:
        error("agenda", _("A meeting can have at most %(max)d agenda items.") % {"max": MAX_AGENDA_ITEMS})
    for number, item in enumerate(data.agenda, start=1):
        text = _one_line(item.text)
        if not text:
            error("agenda", _("Agenda item %(number)d needs a text.") % {"number": number})
        elif len(text) > AGENDA_TEXT_MAX_LENGTH:
            error(
                "agenda",
                _("Agenda item %(number)d can be at most %(max)d characters.")
                % {"number": number, "max": AGENDA_TEXT_MAX_LENGTH},
            )
        record = item.implementation
        if record is not None and (record.solution_id != network.solution_id or record.municipality_id not in members):
            error(
                "agenda",
                _("Agenda item %(number)d can only be about the record of a member municipality for %(solution)s.")
                % {"number": number, "solution": network.solution.name},
            )
        agenda.append(AgendaInput(text=text, implementation=record))

    decisions = [_one_line(text) for text in data.decisions]
    decisions = [text for text in decisions if text]
    if len(decisions) > MAX_DECISIONS:
        error("decisions", _("A meeting can have at most %(max)d decisions.") % {"max": MAX_DECISIONS})
    for number, text in enumerate(decisions, start=1):
        if len(text) > DECISION_MAX_LENGTH:
            error(
                "decisions",
                _("Decision %(number)d can be at most %(max)d characters.")
                % {"number": number, "max": DECISION_MAX_LENGTH},
            )
    if errors:
        raise ValidationError(errors)
    return MeetingInput(
        title=title,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=place,
        video_url=video_url,
        minutes=minutes,
        attendees=attendees,
        other_attendees=other_attendees,
        agenda=agenda,
        decisions=decisions,
    )


def _agenda_line(number: int, item: AgendaInput | AgendaItem) -> str:
    record = item.implementation
    return f"{number}. {item.text}" + (f" [{record.municipality_id}]" if record is not None else "")


def _snapshot(data: MeetingInput) -> dict[str, Any]:
    """What the audit log keeps of a meeting (lists joined in order: the log sorts lists)."""
    return {
        "title": data.title,
        "starts_at": timezone.localtime(data.starts_at).isoformat(),
        "ends_at": timezone.localtime(data.ends_at).isoformat(),
        "place": data.place,
        "video_url": data.video_url,
        "minutes": data.minutes,
        "attendees": ", ".join(sorted(user.email for user in data.attendees)),
        "other_attendees": data.other_attendees,
        "agenda": "\n".join(_agenda_line(number, item) for number, item in enumerate(data.agenda, start=1)),
        "decisions": "\n".join(f"{number}. {text}" for number, text in enumerate(data.decisions, start=1)),
    }


def _stored_input(meeting: Meeting) -> MeetingInput:
    return MeetingInput(
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        video_url=meeting.video_url,
        minutes=meeting.minutes,
        attendees=list(meeting.attendees.all()),
        other_attendees=meeting.other_attendees,
        agenda=[AgendaInput(item.text, item.implementation) for item in meeting.agenda.all()],
        decisions=[decision.text for decision in meeting.decisions.all()],
    )


def _write_contents(meeting: Meeting, data: MeetingInput) -> None:
    meeting.attendees.set(data.attendees)
    meeting.agenda.all().delete()
    meeting.decisions.all().delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=position, text=item.text, implementation=item.implementation)
        for position, item in enumerate(data.agenda, start=1)
    )
    Decision.objects.bulk_create(
        Decision(meeting=meeting, position=position, text=text) for position, text in enumerate(data.decisions, start=1)
    )


_MEETING_FIELDS = ("title", "starts_at", "ends_at", "place", "video_url", "minutes", "other_attendees")


@transaction.atomic
def meeting_create(*, by: User, network: BuddyNetwork, data: MeetingInput) -> Meeting:
    """A new meeting of the network with its agenda, decisions and attendees. Audited."""
    _require_editor(by, network)
    clean = _clean_meeting(network, data)
    meeting = Meeting.objects.create(network=network, **{name: getattr(clean, name) for name in _MEETING_FIELDS})
    _write_contents(meeting, clean)
    audit_record(actor=by, action="networks.meeting_create", obj=meeting, after=_snapshot(clean))
    return meeting


@transaction.atomic
def meeting_update(*, by: User, meeting: Meeting, data: MeetingInput, sequence: int | None = None) -> Meeting:
    """Replace the meeting's fields, agenda, decisions and attendees; bumps its calendar SEQUENCE
    so subscribed calendars take the new version. Audited with before and after.

    With `sequence` (the meeting's SEQUENCE when the form was opened), a save over someone else's
    newer save is refused instead of silently overwriting it."""
    network = meeting.network
    _require_editor(by, network)
    clean = _clean_meeting(network, data)
    locked = meeting_queryset().select_for_update(of=("self",)).get(pk=meeting.pk)
    if sequence is not None and sequence != locked.sequence:
        raise ValidationError(_("Someone saved the meeting after you opened it. Open it again and redo your changes."))
    before = _snapshot(_stored_input(locked))
    for name in _MEETING_FIELDS:
        setattr(locked, name, getattr(clean, name))
    locked.sequence += 1
    locked.save()
    _write_contents(locked, clean)
    audit_record(
        actor=by,
        action="networks.meeting_update",
        obj=locked,
        before={**before, "sequence": locked.sequence - 1},
        after={**_snapshot(clean), "sequence": locked.sequence},
    )
    locked.network = network
    return locked


@transaction.atomic
def meeting_delete(*, by: User, meeting: Meeting) -> None:
    """Delete the meeting with its agenda and decisions. Audited with what it held."""
    _require_editor(by, meeting.network)
    locked = meeting_queryset().select_for_update(of=("self",)).get(pk=meeting.pk)
    audit_record(
        actor=by,
        action="networks.meeting_delete",
        obj=locked,
        before={**_snapshot(_stored_input(locked)), "network": meeting.network.name},
    )
    locked.delete()


# --- Reads ---------------------------------------------------------------------------------------


def meeting_queryset() -> QuerySet[Meeting]:
    """Meetings with their agenda (and the records it is about), decisions and attendees."""
    return Meeting.objects.prefetch_related(
        Prefetch(
            "agenda",
            queryset=AgendaItem.objects.select_related("implementation__municipality", "implementation__solution"),
        ),
        "decisions",
        Prefetch("attendees", queryset=User.objects.order_by("full_name", "email")),
    )


def meeting_get(network: BuddyNetwork, pk: int) -> Meeting:
    """One of the network's meetings (404 for another network's), with `network` set to it."""
    meeting = meeting_queryset().filter(network=network, pk=pk).first()
    if meeting is None:
        raise Http404
    meeting.network = network
    return meeting


def meeting_list(network: BuddyNetwork) -> list[Meeting]:
    """All the network's meetings, earliest first, with agenda and decisions (for the calendar)."""
    meetings = list(
        Meeting.objects.filter(network=network)
        .order_by("starts_at", "pk")
        .prefetch_related(
            Prefetch("agenda", queryset=AgendaItem.objects.select_related("implementation__municipality")),
            "decisions",
        )
    )
    for meeting in meetings:
        meeting.network = network
    return meetings


def _solutions_with_phases(networks: Sequence[BuddyNetwork]) -> dict[int, Solution]:
    ids = {network.solution_id for network in networks}
    return {solution.pk: solution for solution in solution_queryset(include_historical=True).filter(pk__in=ids)}


def _network_grid(networks: Sequence[BuddyNetwork]) -> tuple[Grid, dict[int, Solution]]:
    """The records of every member of the networks for the networks' solutions (three queries)."""
    solutions = _solutions_with_phases(networks)
    members = {m.municipality_id: m.municipality for network in networks for m in network.memberships.all()}
    grid = rollout_grid(municipalities=list(members.values()), solutions=list(solutions.values()))
    return grid, solutions


def _progress(grid: Grid, network: BuddyNetwork, solution: Solution) -> Summary:
    """The one aggregation over the network's members × its solution: the same figures as every page."""
    return summarize_all(grid.record(m.municipality, solution).cell() for m in network.memberships.all())


def network_progress(networks: Sequence[BuddyNetwork]) -> dict[int, Summary]:
    """Network pk → the summary of its members' records for its solution, for any number of networks
    (from network_list / network_get: memberships prefetched) in a fixed number of queries."""
    if not networks:
        return {}
    grid, solutions = _network_grid(networks)
    return {network.pk: _progress(grid, network, solutions[network.solution_id]) for network in networks}


@dataclass(frozen=True)
class MemberRow:
    municipality: Municipality
    is_lead: bool
    record: RecordView
    contacts: list[User]


@dataclass(frozen=True)
class PhaseRow:
    phase: Phase
    count: int
    share: float


@dataclass(frozen=True)
class Workspace:
    """Everything the network's page shows."""

    network: BuddyNetwork
    solution: Solution
    members: list[MemberRow]
    summary: Summary
    phases: list[PhaseRow]
    milestones: list[Milestone]
    upcoming: list[Meeting]
    past: list[Meeting]
    decisions: list[tuple[Meeting, Decision]]


def member_contacts(numbers: Sequence[str]) -> dict[str, list[User]]:
    """Municipality number → its active municipality contacts, by name (one query)."""
    through = User.municipalities.through
    rows = (
        through.objects.filter(
            municipality_id__in=list(numbers), user__role=Role.MUNICIPALITY_CONTACT, user__is_active=True
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    contacts: dict[str, list[User]] = {number: [] for number in numbers}
    for row in rows:
        contacts[row.municipality_id].append(row.user)
    return contacts


def milestone_list(network: BuddyNetwork) -> list[Milestone]:
    return list(Milestone.objects.filter(network=network).select_related("phase").order_by("phase__position"))


def network_workspace(network: BuddyNetwork, *, now: datetime | None = None) -> Workspace:
    """The network's page (network from network_get): members with their contacts and records,
    progress by the one aggregation, the plan, meetings and decisions, in a fixed number of queries."""
    now = now or timezone.now()
    grid, solutions = _network_grid([network])
    solution = solutions[network.solution_id]
    members = network_members(network)
    contacts = member_contacts([m.number for m in members])
    summary = _progress(grid, network, solution)
    meetings = list(Meeting.objects.filter(network=network).order_by("starts_at", "pk").prefetch_related("decisions"))
    for meeting in meetings:
        meeting.network = network
    newest_first = sorted(meetings, key=lambda meeting: (meeting.starts_at, meeting.pk), reverse=True)
    return Workspace(
        network=network,
        solution=solution,
        members=[
            MemberRow(
                municipality=member,
                is_lead=member.number == network.lead_id,
                record=grid.record(member, solution),
                contacts=contacts[member.number],
            )
            for member in members
        ],
        summary=summary,
        phases=[
            PhaseRow(phase, summary.phase_count(phase.key), summary.phase_share(phase.key))
            for phase in solution.phase_template.phases.all()
        ],
        milestones=milestone_list(network),
        upcoming=[meeting for meeting in meetings if meeting.ends_at >= now],
        past=[meeting for meeting in newest_first if meeting.ends_at < now],
        decisions=[(meeting, decision) for meeting in newest_first for decision in meeting.decisions.all()],
    )
