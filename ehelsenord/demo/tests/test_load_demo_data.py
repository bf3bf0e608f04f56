"""load_demo_data: demo users for every role, two years of real history, loaded only into a new database."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ehelsenord.accounts.models import User
from ehelsenord.demo.builder import DEMO_PASSWORD
from ehelsenord.demo.models import DemoDataset
from ehelsenord.demo.plan import BASELINE_REASON, RESET_REASON
from ehelsenord.municipalities.models import Municipality
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


@pytest.fixture(scope="module")
def output(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Loaded once for the module (it takes seconds), rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _load()
        transaction.set_rollback(True)


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Implementation.objects.count(),
        ImplementationChange.objects.count(),
        DemoDataset.objects.count(),
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
    times = list(changes.values_list("changed_at", flat=True))
    assert now - timedelta(days=731) < min(times) < now - timedelta(days=650)
    assert now - timedelta(days=45) < max(times) < now
    assert set(changes.values_list("source", flat=True)) == {ChangeSource.DEMO}
    assert set(changes.values_list("field", flat=True)) == {
        "phase",
        "traffic_light",
        "note",
        "target_date",
        "go_live_date",
        "evidence",
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
