"""Builds the fictional demo state: demo users for every role, two years of record history, an agreement round
and buddy networks.

Loaded only into a new database: if demo data is already there, or the database has users or
records (a real installation), nothing happens. Every record change goes through
rollout.services.implementation_update, every agreement step through agreements.services, and the
networks through networks.services and networks.workspace, so the history is the same kind as a
real one. The round's e-mails go to an in-memory mailbox (Django's locmem backend), never to the
configured mail server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from ehelsenord.accounts.enums import COORDINATOR_ROLES, Role
from ehelsenord.accounts.models import User
from ehelsenord.agreements.models import AgreementRound, IntentAgreement
from ehelsenord.agreements.selectors import agreement_get
from ehelsenord.agreements.services import (
    Answer,
    Contact,
    OfferInput,
    RoundInput,
    agreement_decline,
    agreement_open,
    agreement_save_answer,
    agreement_send,
    agreement_sign,
    round_create,
)
from ehelsenord.demo.models import DemoDataset
from ehelsenord.demo.plan import (
    DECLINED,
    SAVED,
    SIGNED,
    AnswerPlan,
    MunicipalityFacts,
    NetworksPlan,
    RoundPlan,
    SolutionFacts,
    plan_history,
    plan_networks,
    plan_round,
)
from ehelsenord.municipalities.models import Municipality
from ehelsenord.networks import optimizer, workspace
from ehelsenord.networks import services as network_services
from ehelsenord.networks.models import Milestone
from ehelsenord.networks.selectors import network_get
from ehelsenord.public.services import join_request_submit
from ehelsenord.rollout.enums import ChangeSource
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Phase, Solution
from ehelsenord.solutions.selectors import solution_list

# At least 12 characters and not in Django's list of common passwords (AUTH_PASSWORD_VALIDATORS).
DEMO_PASSWORD = "demo-ehelse-nord"  # noqa: S105 - printed on purpose: the demo logins are public
DEMO_DOMAIN = "demo.ehelsenord.no"
# The coordinator who creates and sends the demo agreement round.
ROUND_CREATOR = "kontaktperson"
# The coordinator who proposes and creates the demo buddy networks.
NETWORK_COORDINATOR = "innforingsleder"
LOCMEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@dataclass(frozen=True)
class DemoUser:
    key: str
    full_name: str
    title: str
    role: Role
    municipalities: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"


# In the order the logins are printed (and listed in the README).
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Demo Administrator", "Nettverksadministrator (fiktiv)", Role.NETWORK_ADMIN),
    DemoUser("kontaktperson", "Demo Kontaktperson", "Kontaktperson e-helse (fiktiv)", Role.EHEALTH_CONTACT),
    DemoUser("innforingsleder", "Demo Innføringsleder", "Innføringsleder (fiktiv)", Role.IMPLEMENTATION_LEAD),
    DemoUser("nettverksressurs", "Demo Nettverksressurs", "Rådgiver velferdsteknologi (fiktiv)", Role.NETWORK_RESOURCE),
    DemoUser("bodo", "Demo Kontakt Bodø", "E-helsekoordinator (fiktiv)", Role.MUNICIPALITY_CONTACT, ("1804",)),
    DemoUser("rost", "Demo Kontakt Røst", "Enhetsleder helse (fiktiv)", Role.MUNICIPALITY_CONTACT, ("1856",)),
    DemoUser("tromso", "Demo Kontakt Tromsø", "Prosjektleder e-helse (fiktiv)", Role.MUNICIPALITY_CONTACT, ("5501",)),
    DemoUser(
        "karasjok", "Demo Kontakt Karasjok", "Fagleder helse og omsorg (fiktiv)", Role.MUNICIPALITY_CONTACT, ("5610",)
    ),
    DemoUser(
        "vaeroy-rost",
        "Demo Kontakt Værøy og Røst",
        "Interkommunal rådgiver (fiktiv)",
        Role.MUNICIPALITY_CONTACT,
        ("1857", "1856"),
    ),
    DemoUser("leser", "Demo Leser", "Leder i helse og omsorg (fiktiv)", Role.READER),
)


class Outcome(StrEnum):
    LOADED = "loaded"
    ALREADY_LOADED = "already_loaded"
    NOT_EMPTY = "not_empty"


class DemoDataError(Exception):
    """The demo data cannot be built (the reference data is missing)."""


@dataclass(frozen=True)
class DemoLoadResult:
    outcome: Outcome
    users: list[User] = field(default_factory=list)
    municipalities: int = 0
    solutions: int = 0
    records: int = 0
    changes: int = 0
    loaded_at: datetime | None = None


def demo_data_load(*, now: datetime | None = None) -> DemoLoadResult:
    """Load the demo users, the records with two years of history, the agreement round, the buddy
    networks and the demo marker.

    All in one transaction: a failure leaves the database as it was.
    """
    now = now or timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    with transaction.atomic():
        existing = DemoDataset.objects.order_by("loaded_at").first()
        if existing is not None:
            emails = [spec.email for spec in DEMO_USERS]
            users = sorted(User.objects.filter(email__in=emails), key=lambda user: emails.index(user.email))
            return DemoLoadResult(outcome=Outcome.ALREADY_LOADED, users=users, loaded_at=existing.loaded_at)
        if User.objects.exists() or Implementation.objects.exists():
            return DemoLoadResult(outcome=Outcome.NOT_EMPTY)
        municipalities = {m.number: m for m in Municipality.objects.filter(county__in_region=True)}
        solutions = {s.slug: s for s in solution_list()}
        if not municipalities or not solutions:
            raise DemoDataError("reference data missing")
        users = _create_users()
        history = plan_history(
            municipalities=[MunicipalityFacts(m.number, m.population) for m in municipalities.values()],
            solutions=[
                SolutionFacts(s.slug, tuple((p.key, p.stage) for p in s.phase_template.phases.all()))
                for s in solutions.values()
            ],
            contacts=_contacts(),
            coordinators=[spec.key for spec in DEMO_USERS if spec.role in COORDINATOR_ROLES],
            now=now,
            zone=zone,
        )
        phases: dict[tuple[int, str], Phase] = {
            (s.pk, p.key): p for s in solutions.values() for p in s.phase_template.phases.all()
        }
        by_key = {spec.key: user for spec, user in zip(DEMO_USERS, users, strict=True)}
        for (number, slug), planned in history.items():
            municipality, solution = municipalities[number], solutions[slug]
            for change in planned:
                values = dict(change.changes)
                if "phase" in values:
                    # A Phase object saves the service a query per change.
                    values["phase"] = phases[(solution.pk, values["phase"])]
                implementation_update(
                    municipality=municipality,
                    solution=solution,
                    user=by_key[change.actor],
                    changes=values,
                    source=ChangeSource.DEMO,
                    reason=change.reason,
                    at=change.at,
                )
        _round_load(
            plan_round(today=now.astimezone(zone).date(), contacts=_contacts(), creator=ROUND_CREATOR),
            users=by_key,
            solutions=solutions,
        )
        networks = plan_networks(
            today=now.astimezone(zone).date(), zone=zone, contacts=_contacts(), coordinator=NETWORK_COORDINATOR
        )
        if networks is not None:
            _networks_load(networks, users=by_key, solutions=solutions, municipalities=municipalities)
        _join_requests_load(now=now, municipalities=municipalities)
        DemoDataset.objects.create()
        return DemoLoadResult(
            outcome=Outcome.LOADED,
            users=users,
            municipalities=len(municipalities),
            solutions=len(solutions),
            records=Implementation.objects.count(),
            changes=ImplementationChange.objects.count(),
        )


# Requests from the public join form waiting in the network administrators' queue (made-up people).
DEMO_JOIN_REQUESTS = (
    (
        "Ingrid Demo Nilsen",
        "ingrid.nilsen@demo.ehelsenord.no",
        "1865",
        "",
        "Sykepleier, velferdsteknologi",
        ("erfaring", "koordinering"),
        3,
    ),
    (
        "Ole Demo Pedersen",
        "ole.pedersen@demo.ehelsenord.no",
        None,
        "Demo Helsetjenester AS",
        "Rådgiver",
        ("innovasjon",),
        1,
    ),
)


def _join_requests_load(*, now: datetime, municipalities: dict[str, Municipality]) -> None:
    for name, email, number, other, title, arenas, days_ago in DEMO_JOIN_REQUESTS:
        join_request_submit(
            full_name=name,
            email=email,
            municipality=municipalities[number] if number else None,
            employer_other=other,
            job_title=title,
            arenas=arenas,
            message="Vil gjerne bidra i et kompisnettverk og dele erfaringer fra egen kommune.",
            consent=True,
            now=now - timedelta(days=days_ago),
        )


def _create_users() -> list[User]:
    municipalities = {m.number: m for m in Municipality.objects.filter(number__in=_contacts())}
    users = []
    for spec in DEMO_USERS:
        admin = spec.role == Role.NETWORK_ADMIN
        user = User.objects.create_user(
            spec.email,
            DEMO_PASSWORD,
            full_name=spec.full_name,
            title=spec.title,
            role=spec.role,
            is_staff=admin,
            is_superuser=admin,
        )
        if spec.municipalities:
            user.municipalities.set([municipalities[n] for n in spec.municipalities if n in municipalities])
        users.append(user)
    return users


def _contacts() -> dict[str, list[str]]:
    """Municipality number → the keys of the demo contacts who may change it."""
    contacts: dict[str, list[str]] = {}
    for spec in DEMO_USERS:
        for number in spec.municipalities:
            contacts.setdefault(number, []).append(spec.key)
    return contacts


def _round_load(plan: RoundPlan, *, users: dict[str, User], solutions: dict[str, Solution]) -> AgreementRound:
    """Create the round, send it to the municipalities with a demo contact, and play their answers."""
    creator = users[plan.creator]
    round_ = round_create(
        by=creator,
        data=RoundInput(
            name=plan.name,
            period_start=plan.period_start,
            period_end=plan.period_end,
            answer_deadline=plan.answer_deadline,
            letter_nb=plan.letter_nb,
            letter_nn=plan.letter_nn,
            offers=[OfferInput(solutions[o.slug], o.reason, o.national_deadline) for o in plan.offers],
        ),
    )
    agreements = dict(IntentAgreement.objects.filter(round=round_).values_list("municipality_id", "pk"))
    # The letters go to an in-memory mailbox: loading demo data never e-mails anyone.
    connection = get_connection(LOCMEM_EMAIL_BACKEND)
    for number in plan.send_to:
        agreement_send(agreement=agreement_get(agreements[number]), by=creator, connection=connection)
    offers = {offer.solution.slug: offer.pk for offer in round_.offers.select_related("solution")}
    for answer in plan.answers:
        _answer_load(answer, agreement_pk=agreements[answer.number], user=users[answer.actor], offers=offers)
    return round_


def _answer_load(answer: AnswerPlan, *, agreement_pk: int, user: User, offers: dict[str, int]) -> None:
    agreement = agreement_open(agreement=agreement_get(agreement_pk), by=user)
    if answer.state == DECLINED:
        agreement_decline(agreement=agreement, by=user, revision=agreement.revision, reason=answer.decline_reason)
        return
    data = Answer(
        commitments={offers[slug]: quarter for slug, quarter in answer.commitments},
        contacts=[Contact(name=c.name, title=c.title, email=c.email, phone=c.phone) for c in answer.contacts],
        signatory_name=answer.signatory_name,
        signatory_title=answer.signatory_title,
    )
    if answer.state == SAVED:
        agreement_save_answer(agreement=agreement, by=user, revision=agreement.revision, answer=data)
    elif answer.state == SIGNED:
        agreement_sign(agreement=agreement, by=user, revision=agreement.revision, answer=data)


def _networks_load(
    plan: NetworksPlan,
    *,
    users: dict[str, User],
    solutions: dict[str, Solution],
    municipalities: dict[str, Municipality],
) -> None:
    """Propose and create networks for the whole region, give the lead's network a plan and meetings,
    and leave a second proposal (one county) unconfirmed."""
    coordinator = users[plan.coordinator]
    solution = solutions[plan.solution]
    proposal = network_services.proposal_create(
        by=coordinator, solution=solution, participants=sorted(municipalities), settings=optimizer.Settings()
    )
    created = network_services.proposal_confirm(by=coordinator, proposal=proposal, names={})
    lead_network = network_get(next(network.pk for network in created if network.lead_id == plan.lead))
    lead_actor = users[plan.lead_actor]
    milestones = {m.phase.key: m.pk for m in Milestone.objects.filter(network=lead_network).select_related("phase")}
    workspace.plan_update(
        by=lead_actor,
        network=lead_network,
        milestones={milestones[key]: (due, note) for key, due, note in plan.milestones},
    )
    about = {number for meeting in plan.meetings for _text, number in meeting.agenda if number}
    records = {
        record.municipality_id: record
        for record in Implementation.objects.filter(solution=solution, municipality__in=about)
    }
    for meeting in plan.meetings:
        workspace.meeting_create(
            by=lead_actor,
            network=lead_network,
            data=workspace.MeetingInput(
                title=meeting.title,
                starts_at=meeting.starts_at,
                ends_at=meeting.starts_at + timedelta(minutes=meeting.minutes_long),
                place=meeting.place,
                video_url=meeting.video_url,
                minutes=meeting.minutes,
                attendees=[users[key] for key in meeting.attendees],
                other_attendees=meeting.other_attendees,
                agenda=[workspace.AgendaInput(text, records.get(number)) for text, number in meeting.agenda],
                decisions=list(meeting.decisions),
            ),
        )
    network_services.proposal_create(
        by=coordinator,
        solution=solutions[plan.open_solution],
        participants=sorted(number for number, m in municipalities.items() if m.county_id == plan.open_county),
        settings=optimizer.Settings(),
    )
