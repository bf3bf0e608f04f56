"""Fixtures for the public pages and open data, imported by their test modules (not kept in conftest.py,
which the join tests may use). public_world builds records through the real write path at chosen
times, so every public output can be checked for what must show and for what would leak. Times count
back from now: the embargo is counted from today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.models import Implementation
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Solution

# Strings that must never reach a public page or the open data.
SECRET_NOTE = "Hemmelig notat om Bodø-piloten"
PRIVATE_NOTE = "Privat notat som ikke skal ut"
SECRET_TARGET_DATE = date(2031, 7, 13)


def public_days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def public_change(municipality: Municipality, slug: str, user: Any, at: datetime, **changes: Any) -> None:
    implementation_update(
        municipality=municipality, solution=Solution.objects.get(slug=slug), user=user, changes=changes, at=at
    )


@dataclass(frozen=True)
class PublicWorld:
    bodo: Municipality
    rost: Municipality
    oslo: Municipality


@pytest.fixture
def public_world(bodo: Municipality, rost: Municipality, coordinator: Any) -> PublicWorld:
    """Records that must show, and records that would leak if a rule were broken.

    Bodø
      helsenettet  public since 40 days; "Avtaler signert" then, "Tilkoblet" 5 days ago → Avtaler signert
      pasientens-legemiddelliste  public, "I drift" 40 days ago, with a note, a traffic light, a target
                   date and documented evidence (none of which may show)                  → I drift
      e-resept     NOT public, "Gevinstrealisering" with a note                            → not published
    Røst
      helsenettet  NOT public, "Alle tjenester tilkoblet"                                  → not published
      pasientens-legemiddelliste  "Utprøving" 40 days ago, "I drift" 3 days ago, made public
                   today                                                                  → Utprøving
      helseid      created public 5 days ago at "Forberedelse": nothing at the cutoff      → Ikke startet
    Oslo (outside the region): a public record, written directly (the write path refuses it).
    Akson (historical): a public record for Bodø, written directly.
    """
    long_ago = public_days_ago(40)
    public_change(bodo, "helsenettet", coordinator, long_ago, phase="avtaler_signert", public=True)
    public_change(bodo, "helsenettet", coordinator, public_days_ago(5), phase="tilkoblet")
    public_change(
        bodo,
        "pasientens-legemiddelliste",
        coordinator,
        long_ago,
        phase="i_drift",
        public=True,
        note=SECRET_NOTE,
        traffic_light="delayed",
        target_date=SECRET_TARGET_DATE,
        evidence="documented",
    )
    public_change(bodo, "e-resept", coordinator, long_ago, phase="gevinstrealisering", note=PRIVATE_NOTE)
    public_change(rost, "helsenettet", coordinator, long_ago, phase="alle_tjenester_tilkoblet")
    public_change(rost, "pasientens-legemiddelliste", coordinator, long_ago, phase="utproving")
    public_change(rost, "pasientens-legemiddelliste", coordinator, public_days_ago(3), phase="i_drift")
    public_change(rost, "pasientens-legemiddelliste", coordinator, timezone.now(), public=True)
    public_change(rost, "helseid", coordinator, public_days_ago(5), phase="forberedelse", public=True)

    oslo = Municipality.objects.get(number="0301")
    pll = Solution.objects.get(slug="pasientens-legemiddelliste")
    akson = Solution.objects.get(slug="akson")
    for municipality, solution, key in ((oslo, pll, "i_drift"), (bodo, akson, "utproving")):
        Implementation.objects.create(
            municipality=municipality,
            solution=solution,
            phase=solution.phase_template.phases.get(key=key),
            public=True,
            updated_at=long_ago,
        )
    return PublicWorld(bodo=bodo, rost=rost, oslo=oslo)


# --- Reading the public outputs ------------------------------------------------------------------

NB_MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


def public_nb_date(day: date) -> str:
    """A date as the pages write it: "28. oktober 2026"."""
    return f"{day.day}. {NB_MONTHS[day.month - 1]} {day.year}"


def public_data_per() -> date:
    from ehelsenord.public.selectors import embargo_date

    return embargo_date()[0]


def public_csv(response: Any) -> list[dict[str, str]]:
    import csv
    import io

    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))


def public_json(response: Any) -> dict[str, Any]:
    import json

    assert response.status_code == 200
    document: dict[str, Any] = json.loads(response.content.decode("utf-8"))
    return document


def public_row(
    number: str, name: str, slug: str, solution: str, phase: str, phase_name: str, stage: str, stage_name: str
) -> dict[str, str]:
    """An open data row of a municipality in Nordland, per today's data_per."""
    return {
        "kommunenummer": number,
        "kommune": name,
        "fylkesnummer": "18",
        "fylke": "Nordland",
        "losning": slug,
        "losning_navn": solution,
        "fase": phase,
        "fase_navn": phase_name,
        "trinn": stage,
        "trinn_navn": stage_name,
        "data_per": public_data_per().isoformat(),
    }


def public_world_rows() -> list[dict[str, str]]:
    """What the open data must hold for public_world: nothing more."""
    pll = "Pasientens legemiddelliste (PLL)"
    return [
        public_row(
            "1804",
            "Bodø",
            "helsenettet",
            "Helsenettet (medlemskap)",
            "avtaler_signert",
            "Avtaler signert",
            "preparing",
            "Forberedelse",
        ),
        public_row("1804", "Bodø", "pasientens-legemiddelliste", pll, "i_drift", "I drift", "in_production", "I drift"),
        public_row("1856", "Røst", "helseid", "HelseID", "ikke_startet", "Ikke startet", "not_started", "Ikke startet"),
        public_row(
            "1856", "Røst", "pasientens-legemiddelliste", pll, "utproving", "Utprøving", "piloting", "Utprøving"
        ),
    ]


def public_outputs(client: Any) -> dict[str, str]:
    """Every public page and file for public_world, by address (each must answer 200)."""
    from django.urls import reverse

    urls = [
        reverse("public:about"),
        reverse("public:status"),
        reverse("public:status_municipality", args=["1804"]),
        reverse("public:status_municipality", args=["1856"]),
        *(
            reverse("public:status_solution", args=[slug])
            for slug in ("helsenettet", "pasientens-legemiddelliste", "helseid", "e-resept")
        ),
        reverse("public:open_data"),
        reverse("public:open_data_csv"),
        reverse("public:open_data_json"),
        reverse("public:accessibility"),
    ]
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.content.decode("utf-8")
    return bodies
