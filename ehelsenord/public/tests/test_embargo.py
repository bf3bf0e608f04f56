"""The embargo and the public/private rules: nothing private or too recent reaches a public page or the
open data. Each test has a record that would leak if the rule were broken."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ehelsenord.municipalities.models import Municipality
from ehelsenord.public.selectors import embargo_date, public_status
from ehelsenord.public.tests.public_fixtures import (
    PRIVATE_NOTE,
    SECRET_NOTE,
    SECRET_TARGET_DATE,
    PublicWorld,
    public_change,
    public_csv,
    public_data_per,
    public_json,
    public_outputs,
    public_row,
    public_world,
    public_world_rows,
)
from ehelsenord.rollout.tests.test_records import table
from ehelsenord.solutions.models import Solution

pytestmark = pytest.mark.django_db
__all__ = ["public_world"]  # a fixture: pytest finds it by the argument name

OSLO = ZoneInfo("Europe/Oslo")
PLL = "Pasientens legemiddelliste (PLL)"


def municipality_rows(client: Client, number: str, name: str) -> list[list[str]]:
    response = client.get(reverse("public:status_municipality", args=[number]))
    caption = f"Fase for hver løsning i {name} per {nb_date(public_data_per())}"
    return table(response, caption)


def solution_rows(client: Client, slug: str, solution: str) -> list[list[str]]:
    response = client.get(reverse("public:status_solution", args=[slug]))
    return table(response, f"Fase for {solution} i Nordland")


def nb_date(day: date) -> str:
    from ehelsenord.public.tests.public_fixtures import public_nb_date

    return public_nb_date(day)


def open_data(client: Client) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    csv_rows = public_csv(client.get(reverse("public:open_data_csv")))
    json_rows = public_json(client.get(reverse("public:open_data_json")))["rader"]
    return csv_rows, json_rows


# --- Nothing leaks ---------------------------------------------------------------------------------


def test_nothing_private_too_recent_or_beside_the_phase_reaches_any_public_output(
    public_world: PublicWorld, coordinator: Any
) -> None:
    bodies = public_outputs(Client())
    never = [
        SECRET_NOTE,  # a public record's note
        PRIVATE_NOTE,  # a private record's note
        "Tilkoblet",  # Bodø's Helsenettet phase from 5 days ago (inside the embargo)
        "Alle tjenester tilkoblet",  # Røst's Helsenettet phase: not public
        "alle_tjenester_tilkoblet",
        "Forsinket",  # the traffic light
        "delayed",
        "Dokumentert",  # the evidence
        "documented",
        SECRET_TARGET_DATE.isoformat(),  # the target date, in any form
        "13. juli 2031",
        "13.07.2031",
        coordinator.full_name,  # who changed it
        coordinator.email,
        "Oslo",  # a public record outside the region
        "Akson",  # a public record of a historical solution
    ]
    for url, body in bodies.items():
        for secret in never:
            assert secret not in body, f"{secret!r} leaked on {url}"


def test_open_data_holds_exactly_the_public_phases_at_the_cutoff(public_world: PublicWorld) -> None:
    csv_rows, json_rows = open_data(Client())
    assert csv_rows == public_world_rows()
    assert json_rows == public_world_rows()


def test_a_change_inside_the_embargo_shows_the_old_phase_on_every_output(public_world: PublicWorld) -> None:
    """Bodø's Helsenettet went from "Avtaler signert" to "Tilkoblet" 5 days ago: the public sees the former."""
    client = Client()
    assert ["Helsenettet (medlemskap)", "Avtaler signert", "Forberedelse"] in municipality_rows(client, "1804", "Bodø")
    assert ["Bodø", "Avtaler signert", "Forberedelse"] in solution_rows(
        client, "helsenettet", "Helsenettet (medlemskap)"
    )
    csv_rows, json_rows = open_data(client)
    expected = public_row(
        "1804",
        "Bodø",
        "helsenettet",
        "Helsenettet (medlemskap)",
        "avtaler_signert",
        "Avtaler signert",
        "preparing",
        "Forberedelse",
    )
    assert [row for row in csv_rows if row["losning"] == "helsenettet"] == [expected]
    assert [row for row in json_rows if row["losning"] == "helsenettet"] == [expected]


def test_a_change_older_than_the_embargo_shows(public_world: PublicWorld) -> None:
    client = Client()
    assert [PLL, "I drift", "I drift"] in municipality_rows(client, "1804", "Bodø")
    assert ["Bodø", "I drift", "I drift"] in solution_rows(client, "pasientens-legemiddelliste", PLL)


def test_a_record_made_public_today_shows_its_phase_of_the_cutoff(public_world: PublicWorld) -> None:
    """Røst's PLL: "Utprøving" 40 days ago, "I drift" 3 days ago, public only since today."""
    client = Client()
    assert [PLL, "Utprøving", "Utprøving"] in municipality_rows(client, "1856", "Røst")
    assert ["Røst", "Utprøving", "Utprøving"] in solution_rows(client, "pasientens-legemiddelliste", PLL)


def test_a_record_created_inside_the_embargo_shows_the_first_phase(public_world: PublicWorld) -> None:
    """Røst's HelseID was created 5 days ago at "Forberedelse": at the cutoff it had not started."""
    assert ["HelseID", "Ikke startet", "Ikke startet"] in municipality_rows(Client(), "1856", "Røst")


def test_a_private_record_is_marked_not_published_and_left_out_of_open_data(public_world: PublicWorld) -> None:
    client = Client()
    eresept = "E-resept og Sentral forskrivningsmodul (SFM)"
    assert [eresept, "Ikke publisert", "–"] in municipality_rows(client, "1804", "Bodø")
    assert ["Bodø", "Ikke publisert", "–"] in solution_rows(client, "e-resept", eresept)
    assert ["Røst", "Ikke publisert", "–"] in solution_rows(client, "helsenettet", "Helsenettet (medlemskap)")
    csv_rows, json_rows = open_data(client)
    assert not [row for row in csv_rows + json_rows if row["losning"] == "e-resept"]
    assert not [
        row for row in csv_rows + json_rows if (row["kommunenummer"], row["losning"]) == ("1856", "helsenettet")
    ]


def test_a_municipality_without_records_shows_every_solution_as_not_published(public_world: PublicWorld) -> None:
    rows = municipality_rows(Client(), "1857", "Værøy")
    assert len(rows) == Solution.objects.exclude(status="historical").count()
    assert {(phase, stage) for _solution, phase, stage in rows} == {("Ikke publisert", "–")}


def test_unticking_public_hides_the_record_at_once(public_world: PublicWorld, coordinator: Any) -> None:
    public_change(public_world.bodo, "pasientens-legemiddelliste", coordinator, timezone.now(), public=False)
    client = Client()
    assert [PLL, "Ikke publisert", "–"] in municipality_rows(client, "1804", "Bodø")
    csv_rows, json_rows = open_data(client)
    assert (
        csv_rows
        == json_rows
        == [
            row
            for row in public_world_rows()
            if row["kommunenummer"] != "1804" or row["losning"] != "pasientens-legemiddelliste"
        ]
    )


# --- The cutoff ------------------------------------------------------------------------------------


def test_a_change_at_the_cutoff_counts_and_one_a_moment_later_does_not(bodo: Municipality, coordinator: Any) -> None:
    _data_per, cutoff = embargo_date()
    public_change(bodo, "kjernejournal", coordinator, cutoff - timedelta(days=3), phase="planlagt", public=True)
    public_change(bodo, "kjernejournal", coordinator, cutoff, phase="forberedelse")
    public_change(bodo, "helseid", coordinator, cutoff - timedelta(days=3), phase="planlagt", public=True)
    public_change(bodo, "helseid", coordinator, cutoff + timedelta(microseconds=1), phase="forberedelse")
    status = public_status(municipalities=[Municipality.objects.select_related("county").get(number="1804")])
    phases = {record.solution.slug: record.phase.key for record in status.published() if record.phase}
    assert phases == {"kjernejournal": "forberedelse", "helseid": "planlagt"}
    assert [(row["losning"], row["fase"]) for row in public_csv(Client().get(reverse("public:open_data_csv")))] == [
        ("helseid", "planlagt"),
        ("kjernejournal", "forberedelse"),
    ]


def test_the_embargo_follows_the_setting(public_world: PublicWorld, settings: Any) -> None:
    settings.PUBLIC_EMBARGO_DAYS = 4
    client = Client()
    # Five days ago is now outside the embargo; three days ago still inside.
    assert ["Helsenettet (medlemskap)", "Tilkoblet", "I drift"] in municipality_rows(client, "1804", "Bodø")
    assert [PLL, "Utprøving", "Utprøving"] in municipality_rows(client, "1856", "Røst")
    assert public_data_per() == timezone.localdate() - timedelta(days=4)
    document = public_json(client.get(reverse("public:open_data_json")))
    assert document["data_per"] == public_data_per().isoformat()


@pytest.mark.parametrize(
    ("now", "data_per", "cutoff"),
    [
        # Half past midnight in Oslo is still the day before in UTC: the Norwegian date counts.
        (
            datetime(2026, 11, 26, 23, 30, tzinfo=ZoneInfo("UTC")),
            date(2026, 10, 28),
            datetime(2026, 10, 28, tzinfo=OSLO),
        ),
        # Summer time: the cutoff is midnight at UTC+2.
        (datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("UTC")), date(2026, 6, 1), datetime(2026, 6, 1, tzinfo=OSLO)),
    ],
)
def test_the_cutoff_is_the_start_of_the_day_in_norwegian_time(now: datetime, data_per: date, cutoff: datetime) -> None:
    assert embargo_date(now) == (data_per, cutoff)
    assert embargo_date(now)[1].utcoffset() == cutoff.utcoffset()
