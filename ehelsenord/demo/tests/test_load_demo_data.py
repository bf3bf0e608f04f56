"""load_demo_data: demo users for every role, two years of real history, loaded only into a new database."""

from __future__ import annotations

import re
import socket
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO, StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from pypdf import PdfReader

from ehelsenord.accounts.models import User
from ehelsenord.agreements.content import content_fingerprint
from ehelsenord.agreements.models import AgreementEvent, AgreementRound, AgreementVersion, IntentAgreement
from ehelsenord.demo.builder import DEMO_PASSWORD
from ehelsenord.demo.models import DemoDataset
from ehelsenord.demo.plan import BASELINE_REASON, RESET_REASON, ROUND_OFFERS
from ehelsenord.municipalities.models import Municipality
from ehelsenord.networks.models import BuddyNetwork, Meeting, Milestone, NetworkMembership, NetworkProposal
from ehelsenord.networks.selectors import network_can_edit
from ehelsenord.rollout.enums import ChangeSource, TrafficLight
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.selectors import change_rights
from ehelsenord.solutions.enums import IN_USE_STAGES, Stage
from ehelsenord.solutions.models import Phase
from ehelsenord.solutions.selectors import solution_list

pytestmark = [
    pytest.mark.django_db,
    # WhiteNoise warns when collectstatic has not run; irrelevant to these pages.
    pytest.mark.filterwarnings("ignore:No directory at"),
]

LOGINS = [
    ("Nettverksadministrator (også /admin/)", "admin@demo.ehelsenord.no"),
    ("Kontaktperson e-helse", "kontaktperson@demo.ehelsenord.no"),
    ("Innføringsleder", "innforingsleder@demo.ehelsenord.no"),
    ("Nettverksressurs", "nettverksressurs@demo.ehelsenord.no"),
    ("Kommunekontakt, Bodø", "bodo@demo.ehelsenord.no"),
    ("Kommunekontakt, Røst", "rost@demo.ehelsenord.no"),
    ("Kommunekontakt, Tromsø", "tromso@demo.ehelsenord.no"),
    ("Kommunekontakt, Kárášjohka - Karasjok", "karasjok@demo.ehelsenord.no"),
    ("Kommunekontakt, Værøy og Røst", "vaeroy-rost@demo.ehelsenord.no"),
    ("Leser", "leser@demo.ehelsenord.no"),
]


def _load() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Loaded:
    output: str
    # The e-mails the demo round sent, taken from the in-memory mailbox right after loading.
    mails: list[EmailMessage]


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[Loaded]:
    """Loaded once for the module (it takes seconds), rolled back after its last test.

    The configured mail server is one that refuses every connection: loading would fail if the
    demo round e-mailed through it instead of the in-memory mailbox.
    """
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": _closed_port(),
        "EMAIL_TIMEOUT": 2,
    }
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(**smtp):
        mail.outbox = []
        output = _load()
        yield Loaded(output=output, mails=list(mail.outbox))
        transaction.set_rollback(True)


@pytest.fixture
def output(loaded: Loaded) -> str:
    return loaded.output


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Implementation.objects.count(),
        ImplementationChange.objects.count(),
        DemoDataset.objects.count(),
        NetworkProposal.objects.count(),
        BuddyNetwork.objects.count(),
        Meeting.objects.count(),
    )


def test_load_demo_data_creates_a_user_for_every_role(output: str) -> None:
    users = [
        (u.email, u.role, u.is_staff, u.is_superuser, sorted(u.municipalities.values_list("number", flat=True)))
        for u in User.objects.order_by("pk")
    ]
    assert users == [
        ("admin@demo.ehelsenord.no", "network_admin", True, True, []),
        ("kontaktperson@demo.ehelsenord.no", "ehealth_contact", False, False, []),
        ("innforingsleder@demo.ehelsenord.no", "implementation_lead", False, False, []),
        ("nettverksressurs@demo.ehelsenord.no", "network_resource", False, False, []),
        ("bodo@demo.ehelsenord.no", "municipality_contact", False, False, ["1804"]),
        ("rost@demo.ehelsenord.no", "municipality_contact", False, False, ["1856"]),
        ("tromso@demo.ehelsenord.no", "municipality_contact", False, False, ["5501"]),
        ("karasjok@demo.ehelsenord.no", "municipality_contact", False, False, ["5610"]),
        ("vaeroy-rost@demo.ehelsenord.no", "municipality_contact", False, False, ["1856", "1857"]),
        ("leser@demo.ehelsenord.no", "reader", False, False, []),
    ]
    assert all(user.check_password(DEMO_PASSWORD) for user in User.objects.all())
    assert all(user.full_name.startswith("Demo ") for user in User.objects.all())


def test_load_demo_data_prints_the_logins_and_the_password(output: str) -> None:
    lines = output.splitlines()
    summary = re.fullmatch(
        r"Demodata lastet inn på \d+,\d s: 10 brukere, 1\xa0760 registreringer for 80 kommuner og 22 løsninger, "
        r"([\d\xa0]+) endringer i historikken\.",
        lines[0],
    )
    assert summary is not None
    assert int(summary[1].replace("\xa0", "")) == ImplementationChange.objects.count()
    width = max(len(role) for role, _email in LOGINS)
    assert lines[1:] == ["", f"Demobrukere (passord: {DEMO_PASSWORD})"] + [
        f"  {role.ljust(width)}  {email}" for role, email in LOGINS
    ]


def test_load_demo_data_creates_records_for_exactly_the_region(output: str) -> None:
    region = set(Municipality.objects.filter(county__in_region=True).values_list("number", flat=True))
    solutions = {s.pk for s in solution_list()}
    pairs = set(Implementation.objects.values_list("municipality_id", "solution_id"))
    assert len(region) == 80
    assert pairs == {(number, solution) for number in region for solution in solutions}
    assert DemoDataset.objects.count() == 1


def test_load_demo_data_writes_two_years_of_history_through_the_service(output: str) -> None:
    now = timezone.now()
    changes = ImplementationChange.objects.all()
    times = list(changes.filter(source=ChangeSource.DEMO).values_list("changed_at", flat=True))
    assert now - timedelta(days=731) < min(times) < now - timedelta(days=650)
    assert now - timedelta(days=45) < max(times) < now
    # Besides the planned history, only Bodø's signed agreement changed records (see below).
    assert set(changes.values_list("source", flat=True)) == {ChangeSource.DEMO, ChangeSource.AGREEMENT}
    assert set(changes.values_list("field", flat=True)) == {
        "phase",
        "traffic_light",
        "note",
        "target_date",
        "go_live_date",
        "evidence",
        "public",
    }
    # Every record of a municipality that publishes is public; the few that have not decided keep theirs private.
    assert set(Implementation.objects.filter(public=False).values_list("municipality", flat=True)) == {
        "1857",
        "5526",
        "5624",
    }
    users = {user.pk: user for user in User.objects.all()}
    for user_id, number in changes.values_list("changed_by", "implementation__municipality").distinct():
        assert number in change_rights(users[user_id])
    # Each record's latest history entry is its last update.
    latest = dict(changes.order_by("implementation", "changed_at").values_list("implementation", "changed_at"))
    assert all(latest[pk] == at for pk, at in Implementation.objects.values_list("pk", "updated_at"))


def test_load_demo_data_moves_phases_forward_except_a_rare_reset(output: str) -> None:
    positions = {(p.template_id, p.key): p.position for p in Phase.objects.all()}
    rows = ImplementationChange.objects.filter(field="phase").values_list(
        "implementation__solution__phase_template", "old_value", "new_value", "reason"
    )
    backwards = [
        reason for template, old, new, reason in rows if positions[(template, new)] < positions[(template, old)]
    ]
    assert 0 < len(backwards) <= Implementation.objects.count() // 50
    assert set(backwards) == {RESET_REASON}


def test_load_demo_data_builds_a_believable_region(output: str) -> None:
    records = list(Implementation.objects.select_related("phase", "municipality", "solution"))
    baseline_phases = dict(
        ImplementationChange.objects.filter(field="phase", reason=BASELINE_REASON).values_list(
            "implementation", "new_value"
        )
    )
    # Most records started at "Ikke startet" (no phase in the baseline), none is there today by default.
    assert len(records) - len(baseline_phases) > len(records) / 2
    stages = Counter(record.phase.stage for record in records)
    assert stages[Stage.NOT_RELEVANT] > 0
    assert stages[Stage.NOT_STARTED] < len(records) / 4
    lights = Counter(record.traffic_light for record in records)
    assert lights[TrafficLight.ON_TRACK] > 0.8 * len(records)
    assert lights[TrafficLight.AT_RISK] > lights[TrafficLight.DELAYED] > 0
    assert all(r.go_live_date is None or r.go_live_date <= timezone.localdate() for r in records)
    # Larger municipalities tend to be ahead, but not as a perfect size ranking.
    in_use = Counter(r.municipality.number for r in records if r.phase.stage in IN_USE_STAGES)
    population = {r.municipality.number: r.municipality.population for r in records}
    small = [n for n in population if population[n] < 1500]
    large = [n for n in population if population[n] > 10_000]
    assert sum(in_use[n] for n in large) / len(large) > sum(in_use[n] for n in small) / len(small)
    assert max(in_use[n] for n in small) > min(in_use[n] for n in large)
    # Bodø is ahead on digital home follow-up and the patient's medication list.
    bodo = {r.solution.slug: r.phase.key for r in records if r.municipality.number == "1804"}
    assert (bodo["digital-hjemmeoppfolging"], bodo["pasientens-legemiddelliste"]) == ("gevinstrealisering", "utproving")


def test_load_demo_data_second_run_changes_nothing(output: str) -> None:
    before = _counts()
    loaded_at = timezone.localtime(DemoDataset.objects.get().loaded_at)

    again = _load()

    assert _counts() == before
    first_line, logins = again.split("\n", 1)
    assert first_line == f"Demodata er allerede lastet inn ({loaded_at:%d.%m.%Y %H:%M}). Ingenting er endret."
    # make run prints the logins every time, so whoever starts the app knows how to log in.
    assert logins == output[output.index("\n") + 1 :]


def test_base_page_shows_the_demo_banner_while_demo_data_is_loaded(output: str, client: Client) -> None:
    client.force_login(User.objects.get(email="bodo@demo.ehelsenord.no"))

    response = client.get("/")

    assert response.status_code == 200
    banner = response.content.decode().split('<div class="demo-banner" role="note">')
    assert len(banner) == 2
    assert banner[1].split("</div>")[0].split()[:1] == ["<strong>Demodata:</strong>"]


# --- The demo agreement round -----------------------------------------------------------------------


def _round_year() -> int:
    return timezone.localdate().year + 1


def test_load_demo_data_creates_an_agreement_round_of_national_priorities(output: str) -> None:
    year = _round_year()
    round_ = AgreementRound.objects.select_related("created_by").get()

    assert (round_.name, round_.period_start, round_.period_end, round_.answer_deadline, round_.created_by) == (
        f"Intensjonsavtaler {year}",
        date(year, 1, 1),
        date(year, 12, 31),
        timezone.localdate() + timedelta(weeks=6),
        User.objects.get(email="kontaktperson@demo.ehelsenord.no"),
    )
    offers = round_.offers.select_related("solution")
    assert [(o.position, o.solution.slug, o.reason, o.national_deadline) for o in offers] == [
        (position, slug, reason, None) for position, (slug, reason) in enumerate(ROUND_OFFERS)
    ]
    assert [round_.letter_nb[:66], round_.letter_nn[:66]] == [
        "eHelse Nord inviterer kommunen til å delta i felles innføring av n",
        "eHelse Nord inviterer kommunen til å vere med på felles innføring ",
    ]


def test_load_demo_data_sends_the_round_to_the_municipalities_with_demo_contacts(output: str) -> None:
    agreements = IntentAgreement.objects.all()
    statuses = dict(agreements.values_list("municipality", "status"))

    assert len(statuses) == 80
    assert {number: status for number, status in statuses.items() if status != "draft"} == {
        "1804": "signed",
        "1856": "sent",
        "1857": "sent",
        "5501": "opened",
        "5610": "declined",
    }
    opened = dict(agreements.exclude(status="draft").values_list("municipality", "opened_at"))
    assert sorted(number for number, at in opened.items() if at is None) == ["1856", "1857"]
    assert agreements.filter(status="draft", sent_at__isnull=False).count() == 0


def test_load_demo_data_records_every_step_in_the_agreements_history(output: str) -> None:
    coordinator = "kontaktperson@demo.ehelsenord.no"
    rows = AgreementEvent.objects.order_by("at", "id").values_list(
        "agreement__municipality", "action", "from_status", "to_status", "actor__email"
    )
    history: dict[str, list[tuple[str, str, str, str | None]]] = {}
    for number, *event in rows:
        history.setdefault(number, []).append(tuple(event))  # type: ignore[arg-type]
    created = ("created", "", "draft", coordinator)

    assert {number: events for number, events in history.items() if events != [created]} == {
        "1804": [
            created,
            ("sent", "draft", "sent", coordinator),
            ("opened", "sent", "opened", "bodo@demo.ehelsenord.no"),
            ("signed", "opened", "signed", "bodo@demo.ehelsenord.no"),
        ],
        "1856": [created, ("sent", "draft", "sent", coordinator)],
        "1857": [created, ("sent", "draft", "sent", coordinator)],
        "5501": [
            created,
            ("sent", "draft", "sent", coordinator),
            ("opened", "sent", "opened", "tromso@demo.ehelsenord.no"),
            ("saved", "", "", "tromso@demo.ehelsenord.no"),
        ],
        "5610": [
            created,
            ("sent", "draft", "sent", coordinator),
            ("opened", "sent", "opened", "karasjok@demo.ehelsenord.no"),
            ("declined", "opened", "declined", "karasjok@demo.ehelsenord.no"),
        ],
    }
    assert len(history) == 80
    sent_notes = dict(AgreementEvent.objects.filter(action="sent").values_list("agreement__municipality", "note"))
    assert sent_notes == {
        "1804": "bodo@demo.ehelsenord.no",
        "1856": "rost@demo.ehelsenord.no, vaeroy-rost@demo.ehelsenord.no",
        "1857": "vaeroy-rost@demo.ehelsenord.no",
        "5501": "tromso@demo.ehelsenord.no",
        "5610": "karasjok@demo.ehelsenord.no",
    }


def test_load_demo_data_lets_bodo_sign_two_solutions_in_the_platform(output: str) -> None:
    year = _round_year()
    bodo = IntentAgreement.objects.get(municipality="1804")
    version = AgreementVersion.objects.select_related("signed_by").get()

    assert [(c.offer.solution.slug, c.target_quarter) for c in bodo.commitments.select_related("offer__solution")] == [
        ("pasientens-legemiddelliste", date(year, 10, 1)),
        ("elektronisk-multidose", date(year, 4, 1)),
    ]
    assert bodo.contacts == [
        {
            "name": "Demo Kontakt Bodø",
            "title": "E-helsekoordinator (fiktiv)",
            "email": "bodo@demo.ehelsenord.no",
            "phone": "",
        },
        {
            "name": "Demo Fagleder Hjemmetjenesten",
            "title": "Fagleder hjemmetjenesten (fiktiv)",
            "email": "",
            "phone": "",
        },
    ]
    assert (
        version.agreement_id,
        version.number,
        version.method,
        version.signatory_name,
        version.signatory_title,
        version.signed_by.email if version.signed_by else None,
        version.scan,
    ) == (
        bodo.pk,
        1,
        "platform",
        "Demo Kommunedirektør Bodø",
        "Kommunedirektør (fiktiv)",
        "bodo@demo.ehelsenord.no",
        None,
    )
    assert version.fingerprint == content_fingerprint(version.content)
    assert [c["solution"] for c in version.content["commitments"]] == [
        "pasientens-legemiddelliste",
        "elektronisk-multidose",
    ]
    assert version.content["signature"]["signed_by"] == "Demo Kontakt Bodø"


def test_load_demo_data_puts_bodos_commitments_into_its_records(output: str) -> None:
    year = _round_year()
    version = AgreementVersion.objects.get()
    records = {
        r.solution.slug: (r.phase.key, r.target_date)
        for r in Implementation.objects.filter(
            municipality="1804", solution__slug__in=["pasientens-legemiddelliste", "elektronisk-multidose"]
        ).select_related("phase", "solution")
    }
    changes = ImplementationChange.objects.filter(source=ChangeSource.AGREEMENT).order_by("id")
    # PLL's target before the signing: its last target date in the planned history.
    pll_before = (
        ImplementationChange.objects.filter(
            implementation__municipality="1804",
            implementation__solution__slug="pasientens-legemiddelliste",
            field="target_date",
            source=ChangeSource.DEMO,
        )
        .order_by("-changed_at")
        .values_list("new_value", flat=True)
        .first()
        or ""
    )

    # Multidose was not started: it becomes planned; PLL is further along (piloting) and keeps its phase.
    assert records == {
        "elektronisk-multidose": ("planlagt", date(year, 6, 30)),
        "pasientens-legemiddelliste": ("utproving", date(year, 12, 31)),
    }
    assert sorted(
        changes.values_list(
            "implementation__solution__slug",
            "field",
            "old_value",
            "new_value",
            "agreement_version",
            "changed_by__email",
        )
    ) == [
        ("elektronisk-multidose", "phase", "ikke_startet", "planlagt", version.pk, "bodo@demo.ehelsenord.no"),
        ("elektronisk-multidose", "target_date", "", f"{year}-06-30", version.pk, "bodo@demo.ehelsenord.no"),
        (
            "pasientens-legemiddelliste",
            "target_date",
            pll_before,
            f"{year}-12-31",
            version.pk,
            "bodo@demo.ehelsenord.no",
        ),
    ]


def test_load_demo_data_leaves_tromso_with_a_saved_answer_and_karasjok_declined(output: str) -> None:
    year = _round_year()
    tromso = IntentAgreement.objects.get(municipality="5501")
    karasjok = IntentAgreement.objects.get(municipality="5610")

    assert [
        (c.offer.solution.slug, c.target_quarter) for c in tromso.commitments.select_related("offer__solution")
    ] == [
        ("pasientens-legemiddelliste", date(year, 7, 1)),
        ("kjernejournal-pleie-og-omsorg", date(year, 1, 1)),
    ]
    assert (tromso.contacts, tromso.signatory_name, tromso.versions.count()) == (
        [
            {
                "name": "Demo Kontakt Tromsø",
                "title": "Prosjektleder e-helse (fiktiv)",
                "email": "tromso@demo.ehelsenord.no",
                "phone": "",
            }
        ],
        "",
        0,
    )
    assert (karasjok.decline_reason, karasjok.commitments.count(), karasjok.versions.count()) == (
        f"Kommunen bytter journalsystem i {year} og har ikke kapasitet til nye innføringer før byttet er gjort. "
        "Vi vil gjerne være med i neste runde.",
        0,
        0,
    )
    # Only a signing changes records.
    assert (
        ImplementationChange.objects.filter(
            source=ChangeSource.AGREEMENT, implementation__municipality__in=["5501", "5610"]
        ).count()
        == 0
    )


def test_load_demo_data_mails_the_letters_to_the_in_memory_mailbox_only(loaded: Loaded) -> None:
    round_name = f"Intensjonsavtaler {_round_year()}"

    assert sorted((message.to, message.subject) for message in loaded.mails) == [
        (["bodo@demo.ehelsenord.no"], f"Intensjonsavtale fra eHelse Nord: {round_name}"),
        (["karasjok@demo.ehelsenord.no"], f"Intensjonsavtale fra eHelse Nord: {round_name}"),
        (
            ["rost@demo.ehelsenord.no", "vaeroy-rost@demo.ehelsenord.no"],
            f"Intensjonsavtale fra eHelse Nord: {round_name}",
        ),
        (["tromso@demo.ehelsenord.no"], f"Intensjonsavtale fra eHelse Nord: {round_name}"),
        (["vaeroy-rost@demo.ehelsenord.no"], f"Intensjonsavtale fra eHelse Nord: {round_name}"),
    ]
    attachments = {name: content for message in loaded.mails for name, content, _type in message.attachments}
    assert sorted(attachments) == [f"intensjonsavtale-{n}.pdf" for n in ("1804", "1856", "1857", "5501", "5610")]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(attachments["intensjonsavtale-1856.pdf"])).pages)
    assert ("Røst kommune" in text, round_name in text) == (True, True)


# --- The demo buddy networks ------------------------------------------------------------------------


def test_load_demo_data_creates_buddy_networks_for_the_whole_region_from_a_proposal(output: str) -> None:
    confirmed = NetworkProposal.objects.select_related("solution", "created_by").get(confirmed_at__isnull=False)
    networks = list(BuddyNetwork.objects.select_related("lead", "solution", "proposal", "round"))
    members = list(NetworkMembership.objects.values_list("municipality", "network__lead"))
    region = set(Municipality.objects.filter(county__in_region=True).values_list("number", flat=True))

    assert (
        confirmed.solution.slug,
        confirmed.status,
        confirmed.created_by.email if confirmed.created_by else None,
    ) == (
        "kjernejournal-pleie-og-omsorg",
        "optimal",
        "innforingsleder@demo.ehelsenord.no",
    )
    assert (sorted(confirmed.participants), confirmed.assignment, confirmed.problems) == (
        sorted(region),
        confirmed.proposed,
        [],
    )
    assert len(networks) == len(set(confirmed.assignment.values())) == 13
    assert {n.solution.slug for n in networks} == {"kjernejournal-pleie-og-omsorg"}
    assert all(n.proposal == confirmed and n.round is None for n in networks)
    assert all(n.name == f"Kjernejournal PLO – {n.lead.name_nb}" for n in networks)
    # Every municipality of the region is in exactly one network, the one the proposal put it in.
    assert sorted(members) == sorted(confirmed.assignment.items())
    assert all(3 <= sum(1 for _m, lead in members if lead == n.lead_id) <= 8 for n in networks)


def test_load_demo_data_lets_bodo_run_its_network_with_a_plan_and_two_meetings(output: str) -> None:
    network = BuddyNetwork.objects.get(lead="1804")
    bodo = User.objects.get(email="bodo@demo.ehelsenord.no")
    rost = User.objects.get(email="rost@demo.ehelsenord.no")
    today = timezone.localdate()

    assert network.name == "Kjernejournal PLO – Bodø"
    assert (network_can_edit(bodo, network), network_can_edit(rost, network)) == (True, False)
    milestones = list(network.milestones.select_related("phase"))
    assert [m.phase.key for m in milestones] == [
        "planlagt",
        "forberedelse",
        "utproving",
        "i_drift",
        "gevinstrealisering",
    ]
    dates = [m.due_date or date.min for m in milestones]
    assert today <= dates[0] and dates == sorted(set(dates))
    assert all(m.note for m in milestones)
    # The other networks keep an empty plan for their members to fill in.
    assert not Milestone.objects.exclude(network=network).filter(due_date__isnull=False).exists()

    past, upcoming = Meeting.objects.filter(network=network).order_by("starts_at")
    assert timezone.localdate(past.starts_at) < today < timezone.localdate(upcoming.starts_at)
    assert (past.title, past.agenda.count(), past.decisions.count()) == ("Oppstartsmøte", 4, 3)
    assert sorted(past.attendees.values_list("email", flat=True)) == [
        "bodo@demo.ehelsenord.no",
        "innforingsleder@demo.ehelsenord.no",
    ]
    about = past.agenda.select_related("implementation__solution").get(implementation__isnull=False)
    assert (about.implementation.municipality_id, about.implementation.solution.slug) == (  # type: ignore[union-attr]
        "1804",
        "kjernejournal-pleie-og-omsorg",
    )
    assert (upcoming.agenda.count(), upcoming.decisions.count(), upcoming.minutes) == (4, 0, "")
    assert Meeting.objects.exclude(network=network).count() == 0


def test_load_demo_data_leaves_a_proposal_for_nordland_to_adjust(output: str) -> None:
    proposal = NetworkProposal.objects.select_related("solution").get(confirmed_at__isnull=True)
    nordland = set(Municipality.objects.filter(county="18").values_list("number", flat=True))

    assert (proposal.solution.slug, proposal.status, proposal.problems) == ("pasientens-legemiddelliste", "optimal", [])
    assert (set(proposal.participants), set(proposal.assignment)) == (nordland, nordland)
    assert proposal.assignment == proposal.proposed
    assert not BuddyNetwork.objects.filter(solution=proposal.solution).exists()
