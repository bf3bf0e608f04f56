"""Writes for buddy networks: travel times, proposals from the optimizer, and creating networks.

The plans and meetings of a network are written by networks.workspace.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ehelsenord.accounts.models import User
from ehelsenord.agreements.models import AgreementRound
from ehelsenord.core.audit import audit_record
from ehelsenord.municipalities.models import Municipality
from ehelsenord.networks import optimizer
from ehelsenord.networks.models import BuddyNetwork, Milestone, NetworkMembership, NetworkProposal, TravelTime
from ehelsenord.networks.selectors import (
    default_network_name,
    memberships_for_solution,
    network_can_manage,
    optimizer_instance,
)
from ehelsenord.solutions.enums import Stage
from ehelsenord.solutions.models import Solution

TRAVEL_CSV_MAX_BYTES = 2_000_000
TRAVEL_MAX_MINUTES = 7 * 24 * 60
NETWORK_NAME_MAX_LENGTH = 120
_WHOLE = re.compile(r"[0-9]{1,6}")  # ASCII digits only: str.isdigit() also accepts "²"


def _require_manager(user: User) -> None:
    if not network_can_manage(user):
        raise PermissionDenied(_("Only coordinators can do this."))


# --- Travel times ------------------------------------------------------------------------------


def travel_times_parse(data: bytes) -> list[tuple[str, str, int]]:
    """Rows of a travel-time CSV (from-number, to-number, minutes), or ValidationError listing
    every bad line. A header line is allowed; `;` works as well as `,`."""
    if len(data) > TRAVEL_CSV_MAX_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("The file is not a UTF-8 text file (CSV).")) from error
    delimiter = ";" if text.count(";") > text.count(",") else ","
    known = set(Municipality.objects.values_list("number", flat=True))
    rows: dict[tuple[str, str], int] = {}
    errors: list[str] = []
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:  # for example a field longer than the csv module allows
        raise ValidationError(_("The file is not a CSV file with three columns (from, to, minutes).")) from error
    for line_number, fields in enumerate(lines, start=1):
        if not fields or all(not value.strip() for value in fields):
            continue
        if len(fields) != 3:
            errors.append(_("Line %(line)s: expected three columns (from, to, minutes).") % {"line": line_number})
            continue
        origin, destination, minutes_text = (value.strip() for value in fields)
        if line_number == 1 and origin not in known and destination not in known and not _WHOLE.fullmatch(minutes_text):
            continue  # a header
        if origin not in known or destination not in known:
            unknown = origin if origin not in known else destination
            errors.append(
                _("Line %(line)s: %(number)s is not a municipality number.") % {"line": line_number, "number": unknown}
            )
            continue
        if not _WHOLE.fullmatch(minutes_text) or not 0 < int(minutes_text) <= TRAVEL_MAX_MINUTES:
            errors.append(
                _("Line %(line)s: the minutes must be a whole number from 1 to %(max)s.")
                % {"line": line_number, "max": TRAVEL_MAX_MINUTES}
            )
            continue
        if origin == destination:
            errors.append(_("Line %(line)s: from and to are the same municipality.") % {"line": line_number})
            continue
        if (origin, destination) in rows:
            errors.append(
                _("Line %(line)s: %(origin)s → %(destination)s is given twice.")
                % {"line": line_number, "origin": origin, "destination": destination}
            )
            continue
        rows[(origin, destination)] = int(minutes_text)
    if errors:
        shown = errors[:10]
        if len(errors) > 10:
            shown.append(_("… and %(count)s more errors.") % {"count": len(errors) - 10})
        raise ValidationError(shown)
    if not rows:
        raise ValidationError(_("The file has no travel times."))
    return [(origin, destination, minutes) for (origin, destination), minutes in rows.items()]


@transaction.atomic
def travel_times_replace(*, by: User, data: bytes) -> int:
    """Replace the whole travel-time matrix with the uploaded CSV; all or nothing. Audited."""
    _require_manager(by)
    rows = travel_times_parse(data)
    before = TravelTime.objects.count()
    TravelTime.objects.all().delete()
    TravelTime.objects.bulk_create(
        TravelTime(origin_id=origin, destination_id=destination, minutes=minutes)
        for origin, destination, minutes in rows
    )
    audit_record(
        actor=by,
        action="networks.travel_times_replace",
        obj=by,
        before={"travel_times": before},
        after={"travel_times": len(rows)},
    )
    return len(rows)


# --- Proposals ---------------------------------------------------------------------------------


def proposal_instance(proposal: NetworkProposal) -> optimizer.Instance:
    """The optimizer's input for a stored proposal (phases as they stand now)."""
    return optimizer_instance(
        solution=proposal.solution,
        numbers=list(proposal.participants),
        marked_eligible=list(proposal.marked_eligible),
        settings=optimizer.Settings(**proposal.settings),
        uses_travel_times=proposal.uses_travel_times,
    )


def proposal_create(
    *,
    by: User,
    solution: Solution,
    participants: Sequence[str],
    marked_eligible: Sequence[str] = (),
    settings: optimizer.Settings,
    uses_travel_times: bool = False,
    agreement_round: AgreementRound | None = None,
) -> NetworkProposal:
    """Run the optimizer and store its proposal (or why there is none). Audited.

    The solve (up to the time limit) runs outside any transaction; only the writes are atomic.
    """
    _require_manager(by)
    numbers = sorted(set(participants))
    taken = memberships_for_solution(solution)
    already = sorted(
        Municipality.objects.filter(number__in=[n for n in numbers if n in taken]).values_list("name_nb", flat=True)
    )
    if already:
        raise ValidationError(_("Already in a network for this solution: %(names)s.") % {"names": ", ".join(already)})
    instance = optimizer_instance(
        solution=solution,
        numbers=numbers,
        marked_eligible=sorted(set(marked_eligible) & set(numbers)),
        settings=settings,
        uses_travel_times=uses_travel_times,
    )
    result = optimizer.solve(instance)
    with transaction.atomic():
        return _proposal_store(by, solution, agreement_round, settings, uses_travel_times, numbers, instance, result)


def _proposal_store(
    by: User,
    solution: Solution,
    agreement_round: AgreementRound | None,
    settings: optimizer.Settings,
    uses_travel_times: bool,
    numbers: list[str],
    instance: optimizer.Instance,
    result: optimizer.Result,
) -> NetworkProposal:
    marked = sorted(p.number for p in instance.participants if p.marked_eligible)
    proposal = NetworkProposal.objects.create(
        solution=solution,
        round=agreement_round,
        settings=asdict(settings),
        uses_travel_times=uses_travel_times,
        participants=numbers,
        marked_eligible=marked,
        status=result.status.value,
        objective=result.objective,
        bound=result.bound,
        solve_seconds=result.seconds,
        problems=list(result.problems),
        proposed=result.assignment,
        assignment=result.assignment,
        created_by=by,
    )
    audit_record(
        actor=by,
        action="networks.proposal_create",
        obj=proposal,
        after={"solution": solution.slug, "participants": len(numbers), "status": result.status.value},
    )
    return proposal


def _check_open(proposal: NetworkProposal, revision: str | None) -> None:
    """Refuse a confirmed proposal, and a form made from networks that have changed since."""
    if proposal.confirmed_at is not None:
        raise ValidationError(_("This proposal is already confirmed; its networks exist."))
    if revision is not None and revision != proposal.revision:
        raise ValidationError(
            _("Someone changed the networks after you opened the page. Look at them again and redo your change.")
        )


@transaction.atomic
def proposal_adjust(
    *, by: User, proposal: NetworkProposal, assignment: Mapping[str, str], revision: str | None = None
) -> NetworkProposal:
    """Store the coordinator's adjusted assignment. It must place every participant, and every
    lead must be a member of its own network; other broken rules are warnings, shown, not refused.
    With `revision` (NetworkProposal.revision of the page the change was made on), a change made
    on networks that have changed since is refused."""
    _require_manager(by)
    proposal = NetworkProposal.objects.select_for_update().get(pk=proposal.pk)
    _check_open(proposal, revision)
    participants = set(proposal.participants)
    if set(assignment) != participants or not set(assignment.values()) <= participants:
        raise ValidationError(_("Every participant must be in one of the networks."))
    leads = set(assignment.values())
    not_own = sorted(lead for lead in leads if assignment[lead] != lead)
    if not_own:
        names = Municipality.objects.filter(number__in=not_own).values_list("name_nb", flat=True)
        raise ValidationError(
            _("A lead must be a member of its own network: %(names)s.") % {"names": ", ".join(sorted(names))}
        )
    if dict(assignment) == proposal.assignment:
        return proposal  # nothing to save or to record
    before = dict(sorted(proposal.assignment.items()))
    proposal.assignment = dict(sorted(assignment.items()))
    proposal.save(update_fields=["assignment"])
    audit_record(
        actor=by,
        action="networks.proposal_adjust",
        obj=proposal,
        before={"assignment": before},
        after={"assignment": proposal.assignment},
    )
    return proposal


NEW_NETWORK = "ny"


def adjusted_assignment(
    assignment: Mapping[str, str], leads: Mapping[str, str], moves: Mapping[str, str]
) -> dict[str, str]:
    """Apply a coordinator's changes to an assignment (member → lead).

    ``leads`` maps a network (by its current lead) to the member who should lead it; ``moves``
    maps a member to the network (by current lead) it should be in, or NEW_NETWORK to lead a new
    one. A lead that leaves its network must hand the lead to someone else in the same change.
    """
    members_of: dict[str, set[str]] = {}
    for member, lead in assignment.items():
        members_of.setdefault(lead, set()).add(member)
    new_lead = {}
    for lead, members in members_of.items():
        chosen = leads.get(lead, lead)
        if chosen not in members:
            raise ValidationError(_("A network's new lead must be one of its members."))
        new_lead[lead] = chosen
    result: dict[str, str] = {}
    for member, lead in assignment.items():
        target = moves.get(member, lead)
        if target == NEW_NETWORK:
            result[member] = member
        elif target in members_of:
            result[member] = new_lead[target]
        else:
            raise ValidationError(_("Choose one of the networks for every municipality."))
    if any(result[chosen] != chosen for chosen in new_lead.values()):
        raise ValidationError(_("Choose a new lead for the network before you move its lead to another network."))
    return result


@dataclass(frozen=True)
class NetworkInput:
    name: str
    lead: Municipality
    members: Sequence[Municipality]  # the lead included


def _milestone_dates(count: int, agreement_round: AgreementRound | None) -> list[date | None]:
    """Target dates spread evenly over the round's period, the last at its end; none without a round."""
    if agreement_round is None or count == 0:
        return [None] * count
    span = (agreement_round.period_end - agreement_round.period_start).days
    return [agreement_round.period_start + timedelta(days=round(span * (k + 1) / count)) for k in range(count)]


@transaction.atomic
def networks_create(
    *,
    by: User,
    solution: Solution,
    networks: Sequence[NetworkInput],
    agreement_round: AgreementRound | None = None,
    proposal: NetworkProposal | None = None,
) -> list[BuddyNetwork]:
    """Create buddy networks with their members and a plan of milestones, one per phase of the
    solution's template after the first (not counting "not relevant"). All or nothing. Audited.
    """
    _require_manager(by)
    errors = []
    seen: dict[str, str] = {}
    for item in networks:
        name = item.name.strip()
        if not name or len(name) > NETWORK_NAME_MAX_LENGTH:
            errors.append(
                _("Every network needs a name of at most %(max)s characters.") % {"max": NETWORK_NAME_MAX_LENGTH}
            )
        if item.lead not in item.members:
            errors.append(
                _("%(lead)s leads %(network)s but is not a member.") % {"lead": item.lead.name_nb, "network": name}
            )
        for member in item.members:
            if member.number in seen:
                errors.append(
                    _("%(member)s is in both %(first)s and %(second)s.")
                    % {"member": member.name_nb, "first": seen[member.number], "second": name}
                )
            seen[member.number] = name
    taken = memberships_for_solution(solution)
    members = {m.number: m for item in networks for m in item.members}
    for number in sorted(set(seen) & set(taken)):
        errors.append(
            _("%(member)s is already in %(network)s for this solution.")
            % {"member": members[number].name_nb, "network": taken[number].name}
        )
    if errors:
        raise ValidationError(errors)
    phases = [p for p in solution.phase_template.phases.all() if p.stage != Stage.NOT_RELEVANT][1:]
    dates = _milestone_dates(len(phases), agreement_round)
    created = []
    try:
        with transaction.atomic():
            for item in networks:
                network = BuddyNetwork.objects.create(
                    name=item.name.strip(),
                    solution=solution,
                    round=agreement_round,
                    lead=item.lead,
                    proposal=proposal,
                    created_by=by,
                )
                NetworkMembership.objects.bulk_create(
                    NetworkMembership(network=network, municipality=member, solution=solution)
                    for member in item.members
                )
                Milestone.objects.bulk_create(
                    Milestone(network=network, phase=phase, due_date=due)
                    for phase, due in zip(phases, dates, strict=True)
                )
                audit_record(
                    actor=by,
                    action="networks.network_create",
                    obj=network,
                    after={
                        "name": network.name,
                        "solution": solution.slug,
                        "lead": item.lead.number,
                        "members": sorted(m.number for m in item.members),
                    },
                )
                created.append(network)
    except IntegrityError as error:  # someone else placed one of them in a network meanwhile
        raise ValidationError(
            _("One of the municipalities was placed in another network meanwhile. Try again.")
        ) from error
    return created


@transaction.atomic
def proposal_confirm(
    *, by: User, proposal: NetworkProposal, names: Mapping[str, str], revision: str | None = None
) -> list[BuddyNetwork]:
    """Create the networks of the adjusted assignment; `names` maps a lead's number to the name
    the coordinator gave its network (default: "<solution> – <lead>")."""
    _require_manager(by)
    proposal = (
        NetworkProposal.objects.select_for_update(of=("self",)).select_related("solution", "round").get(pk=proposal.pk)
    )
    _check_open(proposal, revision)
    if not proposal.assignment:
        raise ValidationError(_("The proposal has no networks to create."))
    municipalities = Municipality.objects.in_bulk(list(proposal.participants))
    groups: dict[str, list[Municipality]] = defaultdict(list)
    for member, lead in sorted(proposal.assignment.items()):
        groups[lead].append(municipalities[member])
    inputs = [
        NetworkInput(
            name=names.get(lead) or default_network_name(proposal.solution, municipalities[lead].name_nb),
            lead=municipalities[lead],
            members=members,
        )
        for lead, members in sorted(groups.items(), key=lambda item: municipalities[item[0]].name_nb)
    ]
    created = networks_create(
        by=by, solution=proposal.solution, networks=inputs, agreement_round=proposal.round, proposal=proposal
    )
    proposal.confirmed_at = timezone.now()
    proposal.save(update_fields=["confirmed_at"])
    return created


DISSOLVE_REASON_MIN_LENGTH = 10


@transaction.atomic
def network_dissolve(*, by: User, network: BuddyNetwork, reason: str) -> None:
    """Dissolve a network, for example one confirmed by mistake, so its members can be proposed
    again. Its plan and meetings go with it; the audit entry keeps who, why, and what it was."""
    _require_manager(by)
    reason = reason.strip()
    if len(reason) < DISSOLVE_REASON_MIN_LENGTH:
        raise ValidationError(
            {"reason": _("Say why, in at least %(min)s characters.") % {"min": DISSOLVE_REASON_MIN_LENGTH}}
        )
    network = BuddyNetwork.objects.select_for_update().get(pk=network.pk)
    audit_record(
        actor=by,
        action="networks.network_dissolve",
        obj=network,
        before={
            "name": network.name,
            "solution": network.solution.slug,
            "lead": network.lead_id,
            "members": sorted(network.memberships.values_list("municipality_id", flat=True)),
            "meetings": network.meetings.count(),
        },
        after={"reason": reason},
    )
    network.delete()
