"""Records through the API: read with any token, change under the same rule as the pages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from ehelsenord.api.tests.conftest import get, patch
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.enums import ChangeSource
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.enums import SolutionStatus
from ehelsenord.solutions.models import Solution

pytestmark = pytest.mark.django_db

URL = "/api/v1/records/1804/kjernejournal"
SEEDED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

EMPTY_BODO_KJERNEJOURNAL = {
    "municipality": "1804",
    "solution": "kjernejournal",
    "phase": "ikke_startet",
    "phase_name": "Ikke startet",
    "stage": "not_started",
    "traffic_light": "on_track",
    "note": "",
    "target_date": None,
    "go_live_date": None,
    "evidence": "self_reported",
    "public": False,
    "updated_at": None,
    "updated_by": None,
    "exists": False,
}


def json_time(moment: datetime) -> str:
    """A time the way the API writes it (Django's JSON encoder: milliseconds, Z for UTC)."""
    return str(DjangoJSONEncoder().default(moment))


@pytest.fixture
def kjernejournal() -> Solution:
    return Solution.objects.get(slug="kjernejournal")


@pytest.fixture
def seeded(bodo: Municipality, kjernejournal: Solution, coordinator: Any) -> Implementation:
    """Bodø in the pilot phase of Kjernejournal, changed on the web by the coordinator."""
    implementation_update(
        municipality=bodo,
        solution=kjernejournal,
        user=coordinator,
        changes={
            "phase": "utproving",
            "traffic_light": "at_risk",
            "note": "Pilot på legevakten",
            "target_date": date(2026, 6, 1),
        },
        source=ChangeSource.WEB,
        at=SEEDED_AT,
    )
    return Implementation.objects.get(municipality=bodo, solution=kjernejournal)


def history(implementation_filter: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    return list(
        ImplementationChange.objects.filter(**implementation_filter)
        .order_by("id")
        .values_list("field", "old_value", "new_value", "source", "changed_by__full_name")
    )


# --- Reading ----------------------------------------------------------------------------------------


def test_records_list_gives_every_cell_of_the_region(reader: Any, token_for: Any, seeded: Implementation) -> None:
    response = get("/api/v1/records", token_for(reader))

    assert response.status_code == 200
    body = response.json()
    active = Solution.objects.exclude(status=SolutionStatus.HISTORICAL).count()
    assert len(body) == 80 * active
    assert {row["municipality"] for row in body} == set(
        Municipality.objects.filter(county__in_region=True).values_list("number", flat=True)
    )
    assert [row for row in body if row["municipality"] == "1804" and row["solution"] == "kjernejournal"] == [
        {
            "municipality": "1804",
            "solution": "kjernejournal",
            "phase": "utproving",
            "phase_name": "Utprøving",
            "stage": "piloting",
            "traffic_light": "at_risk",
            "note": "Pilot på legevakten",
            "target_date": "2026-06-01",
            "go_live_date": None,
            "evidence": "self_reported",
            "public": False,
            "updated_at": "2026-03-02T09:30:00Z",
            "updated_by": "Kari Koordinator",
            "exists": True,
        }
    ]
    assert [row for row in body if row["municipality"] == "1856" and row["solution"] == "kjernejournal"] == [
        {**EMPTY_BODO_KJERNEJOURNAL, "municipality": "1856"}
    ]


def test_records_list_cell_without_a_record_stands_at_the_first_phase(reader: Any, token_for: Any) -> None:
    response = get("/api/v1/records?municipality=1804&solution=kjernejournal", token_for(reader))

    assert response.status_code == 200
    assert response.json() == [EMPTY_BODO_KJERNEJOURNAL]


def test_records_list_first_phase_follows_the_solutions_template(reader: Any, token_for: Any) -> None:
    body = get("/api/v1/records?municipality=1804&solution=helsenettet", token_for(reader)).json()

    assert [(row["phase"], row["phase_name"], row["stage"], row["exists"]) for row in body] == [
        ("ikke_medlem", "Ikke medlem", "not_started", False)
    ]


def test_records_list_area_filters(reader: Any, token_for: Any) -> None:
    raw = token_for(reader)

    nordland = get("/api/v1/records?area=18&solution=kjernejournal", raw).json()
    country = get("/api/v1/records?area=norge&solution=kjernejournal", raw).json()

    assert len(nordland) == 41
    assert {row["municipality"][:2] for row in nordland} == {"18"}
    assert len(country) == 357


def test_records_list_stage_filter(reader: Any, token_for: Any, seeded: Implementation) -> None:
    body = get("/api/v1/records?stage=piloting", token_for(reader)).json()

    assert [(row["municipality"], row["solution"], row["phase"]) for row in body] == [
        ("1804", "kjernejournal", "utproving")
    ]


def test_records_list_sorts_by_municipality_name_the_norwegian_way(reader: Any, token_for: Any) -> None:
    body = get("/api/v1/records?area=18&solution=kjernejournal", token_for(reader)).json()
    names = dict(Municipality.objects.filter(county="18").values_list("number", "name"))

    ordered = [names[row["municipality"]] for row in body]
    assert ordered[:3] == ["Aarborte - Hattfjelldal", "Alstahaug", "Andøy"]
    assert ordered[5:8] == ["Bodø", "Brønnøy", "Bø"]
    assert ordered[-3:] == ["Værøy", "Vågan", "Øksnes"]


def test_records_list_historical_solution_only_when_asked_for(reader: Any, token_for: Any) -> None:
    raw = token_for(reader)

    everything = get("/api/v1/records?municipality=1804", raw).json()
    akson = get("/api/v1/records?municipality=1804&solution=akson", raw).json()

    assert "akson" not in {row["solution"] for row in everything}
    assert [row["solution"] for row in akson] == ["akson"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("area=overalt", "area", "Velg region, norge eller et fylkesnummer."),
        ("area=99", "area", "Det finnes ikke noe fylke med nummer 99."),
        ("municipality=0301", "municipality", "0301 er ikke en kommune i området du valgte."),
        ("solution=finnes-ikke", "solution", "Det finnes ingen løsning med nøkkelen finnes-ikke."),
        (
            "stage=ferdig",
            "stage",
            "Velg en av disse: not_started, planned, preparing, piloting, in_production, realising_benefits, "
            "not_relevant.",
        ),
    ],
)
def test_records_list_bad_filter_is_422(reader: Any, token_for: Any, query: str, field: str, message: str) -> None:
    response = get(f"/api/v1/records?{query}", token_for(reader))

    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": field, "message": message}]}


def _records_for(count: int, coordinator: Any) -> None:
    municipalities = list(Municipality.objects.filter(county__in_region=True).order_by("number")[:count])
    solution = Solution.objects.get(slug="e-resept")
    for municipality in municipalities:
        implementation_update(
            municipality=municipality,
            solution=solution,
            user=coordinator,
            changes={"phase": "planlagt", "note": f"Plan for {municipality.name}"},
            at=SEEDED_AT,
        )


@pytest.mark.parametrize("count", [1, 40])
def test_records_list_query_count_is_fixed(
    count: int, coordinator: Any, reader: Any, token_for: Any, django_assert_num_queries: Any
) -> None:
    _records_for(count, coordinator)
    raw = token_for(reader)

    # Token (and its last use), municipalities, solutions, their phases, the records: 6 whatever the data.
    with django_assert_num_queries(6):
        body = get("/api/v1/records", raw).json()

    assert sum(1 for row in body if row["exists"]) == count


def test_record_detail(reader: Any, token_for: Any, seeded: Implementation) -> None:
    response = get(URL, token_for(reader))

    assert response.status_code == 200
    assert response.json()["phase"] == "utproving"
    assert response.json()["updated_by"] == "Kari Koordinator"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v1/records/9999/kjernejournal", "Kommunen finnes ikke."),
        ("/api/v1/records/1804/finnes-ikke", "Løsningen finnes ikke."),
        ("/api/v1/records/9999/kjernejournal/history", "Kommunen finnes ikke."),
    ],
)
def test_record_unknown_municipality_or_solution_is_404_json(
    reader: Any, token_for: Any, url: str, message: str
) -> None:
    response = get(url, token_for(reader))

    assert response.status_code == 404
    assert response.json() == {"detail": [{"field": None, "message": message}]}


# --- Changing -----------------------------------------------------------------------------------


def test_patch_creates_the_record_and_its_history(bodo_contact: Any, token_for: Any) -> None:
    response = patch(
        URL,
        token_for(bodo_contact),
        {
            "phase": "planlagt",
            "traffic_light": "at_risk",
            "note": "Venter på  leverandøren",
            "target_date": "2026-09-01",
        },
    )

    assert response.status_code == 200
    implementation = Implementation.objects.get(municipality="1804", solution__slug="kjernejournal")
    assert response.json() == {
        "municipality": "1804",
        "solution": "kjernejournal",
        "phase": "planlagt",
        "phase_name": "Planlagt",
        "stage": "planned",
        "traffic_light": "at_risk",
        "note": "Venter på leverandøren",
        "target_date": "2026-09-01",
        "go_live_date": None,
        "evidence": "self_reported",
        "public": False,
        "updated_at": json_time(implementation.updated_at),
        "updated_by": "Berit Bodø",
        "exists": True,
    }
    assert history({"implementation": implementation}) == [
        ("phase", "ikke_startet", "planlagt", "api", "Berit Bodø"),
        ("traffic_light", "on_track", "at_risk", "api", "Berit Bodø"),
        ("note", "", "Venter på leverandøren", "api", "Berit Bodø"),
        ("target_date", "", "2026-09-01", "api", "Berit Bodø"),
    ]


def test_patch_changes_only_the_fields_sent_and_null_clears(
    coordinator: Any, token_for: Any, seeded: Implementation
) -> None:
    response = patch(URL, token_for(coordinator), {"target_date": None, "evidence": "documented"})

    assert response.status_code == 200
    body = response.json()
    assert (body["phase"], body["traffic_light"], body["note"], body["target_date"], body["evidence"]) == (
        "utproving",
        "at_risk",
        "Pilot på legevakten",
        None,
        "documented",
    )
    assert history({"implementation": seeded, "source": "api"}) == [
        ("target_date", "2026-06-01", "", "api", "Kari Koordinator"),
        ("evidence", "self_reported", "documented", "api", "Kari Koordinator"),
    ]


def test_patch_that_changes_nothing_writes_nothing(coordinator: Any, token_for: Any, seeded: Implementation) -> None:
    response = patch(URL, token_for(coordinator), {"phase": "utproving"})

    assert response.status_code == 200
    assert response.json()["updated_at"] == "2026-03-02T09:30:00Z"
    assert ImplementationChange.objects.filter(source="api").count() == 0


def test_history_lists_the_changes_newest_first(bodo_contact: Any, token_for: Any, seeded: Implementation) -> None:
    raw = token_for(bodo_contact)
    patch(URL, raw, {"phase": "i_drift", "go_live_date": "2026-05-20"})
    changed_at = json_time(ImplementationChange.objects.filter(source="api").latest("id").changed_at)

    response = get(f"{URL}/history", raw)

    assert response.status_code == 200
    assert response.json() == [
        {
            "changed_at": changed_at,
            "changed_by": "Berit Bodø",
            "source": "api",
            "field": "go_live_date",
            "old_value": "",
            "new_value": "2026-05-20",
            "reason": "",
        },
        {
            "changed_at": changed_at,
            "changed_by": "Berit Bodø",
            "source": "api",
            "field": "phase",
            "old_value": "utproving",
            "new_value": "i_drift",
            "reason": "",
        },
        {
            "changed_at": "2026-03-02T09:30:00Z",
            "changed_by": "Kari Koordinator",
            "source": "web",
            "field": "target_date",
            "old_value": "",
            "new_value": "2026-06-01",
            "reason": "",
        },
        {
            "changed_at": "2026-03-02T09:30:00Z",
            "changed_by": "Kari Koordinator",
            "source": "web",
            "field": "note",
            "old_value": "",
            "new_value": "Pilot på legevakten",
            "reason": "",
        },
        {
            "changed_at": "2026-03-02T09:30:00Z",
            "changed_by": "Kari Koordinator",
            "source": "web",
            "field": "traffic_light",
            "old_value": "on_track",
            "new_value": "at_risk",
            "reason": "",
        },
        {
            "changed_at": "2026-03-02T09:30:00Z",
            "changed_by": "Kari Koordinator",
            "source": "web",
            "field": "phase",
            "old_value": "ikke_startet",
            "new_value": "utproving",
            "reason": "",
        },
    ]


def test_history_of_a_cell_without_a_record_is_empty(reader: Any, token_for: Any) -> None:
    response = get(f"{URL}/history", token_for(reader))

    assert response.status_code == 200
    assert response.json() == []


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            {"phase": "ferdig"},
            [{"field": "phase", "message": "«ferdig» er ikke en fase for Kjernejournal (fastlege og legevakt)."}],
        ),
        (
            {"phase": "ferdig", "traffic_light": "delayed"},
            [{"field": "phase", "message": "«ferdig» er ikke en fase for Kjernejournal (fastlege og legevakt)."}],
        ),
        ({"note": "x" * 201}, [{"field": "note", "message": "Notatet kan være på høyst 200 tegn."}]),
        (
            {"traffic_light": "red"},
            [{"field": "traffic_light", "message": "Velg en av disse: on_track, at_risk, delayed."}],
        ),
        ({"phase": None}, [{"field": "phase", "message": "Oppgi en tekst."}]),
        ({"phase": 3}, [{"field": "phase", "message": "Oppgi en tekst."}]),
        (
            {"target_date": "i morgen"},
            [{"field": "target_date", "message": "Oppgi en gyldig dato på formen ÅÅÅÅ-MM-DD."}],
        ),
        (
            {"target_date": 20260901},
            [{"field": "target_date", "message": "Oppgi en gyldig dato på formen ÅÅÅÅ-MM-DD."}],
        ),
        (
            {"colour": "red"},
            [
                {
                    "field": "colour",
                    "message": "Ukjent felt. Bruk et av disse: phase, traffic_light, note, target_date, go_live_date, "
                    "evidence, public.",
                }
            ],
        ),
        (
            {"traffic_light": "red", "evidence": "rykte"},
            [
                {"field": "traffic_light", "message": "Velg en av disse: on_track, at_risk, delayed."},
                {"field": "evidence", "message": "Velg en av disse: self_reported, documented."},
            ],
        ),
        ("{phase: planlagt", [{"field": None, "message": "Innholdet i forespørselen er ikke gyldig JSON."}]),
        ("[1, 2]", [{"field": None, "message": "Send et JSON-objekt."}]),
        ("null", [{"field": None, "message": "Send et JSON-objekt."}]),
        ("", [{"field": None, "message": "Send et JSON-objekt."}]),
    ],
)
def test_patch_invalid_input_is_422_and_changes_nothing(
    bodo_contact: Any, token_for: Any, body: Any, detail: list[dict[str, Any]]
) -> None:
    response = patch(URL, token_for(bodo_contact), body)

    assert response.status_code == 422
    assert response.json() == {"detail": detail}
    assert Implementation.objects.count() == 0
    assert ImplementationChange.objects.count() == 0


def test_patch_invalid_input_leaves_an_existing_record_as_it_was(
    coordinator: Any, token_for: Any, seeded: Implementation
) -> None:
    response = patch(URL, token_for(coordinator), {"phase": "ferdig", "note": "Skal ikke lagres"})

    assert response.status_code == 422
    seeded.refresh_from_db()
    assert (seeded.phase.key, seeded.note) == ("utproving", "Pilot på legevakten")
    assert ImplementationChange.objects.filter(source="api").count() == 0


# --- Access -------------------------------------------------------------------------------------------


def test_patch_by_another_municipalitys_contact_is_403_and_changes_nothing(
    rost_contact: Any, token_for: Any, seeded: Implementation
) -> None:
    response = patch(URL, token_for(rost_contact), {"phase": "i_drift"})

    assert response.status_code == 403
    assert response.json() == {"detail": [{"field": None, "message": "Du kan ikke endre registreringene til Bodø."}]}
    seeded.refresh_from_db()
    assert seeded.phase.key == "utproving"
    assert ImplementationChange.objects.filter(source="api").count() == 0


def test_patch_by_another_municipalitys_contact_with_invalid_input_is_still_403(
    rost_contact: Any, token_for: Any
) -> None:
    response = patch(URL, token_for(rost_contact), {"phase": "ferdig"})

    assert response.status_code == 403
    assert response.json() == {"detail": [{"field": None, "message": "Du kan ikke endre registreringene til Bodø."}]}


def test_patch_by_a_reader_is_403_and_changes_nothing(reader: Any, token_for: Any) -> None:
    response = patch(URL, token_for(reader), {"phase": "planlagt"})

    assert response.status_code == 403
    assert response.json() == {"detail": [{"field": None, "message": "Du kan ikke endre registreringene til Bodø."}]}
    assert Implementation.objects.count() == 0


def test_patch_by_a_contact_changes_their_own_municipality_only(
    bodo_contact: Any, rost_contact: Any, token_for: Any
) -> None:
    raw = token_for(rost_contact)

    own = patch("/api/v1/records/1856/kjernejournal", raw, {"phase": "planlagt"})
    other = patch(URL, raw, {"phase": "planlagt"})

    assert (own.status_code, other.status_code) == (200, 403)
    assert list(Implementation.objects.values_list("municipality", "phase__key")) == [("1856", "planlagt")]


def test_patch_by_a_coordinator_outside_the_region_is_403(coordinator: Any, token_for: Any) -> None:
    response = patch("/api/v1/records/0301/kjernejournal", token_for(coordinator), {"phase": "planlagt"})

    assert response.status_code == 403
    assert response.json() == {"detail": [{"field": None, "message": "Du kan ikke endre registreringene til Oslo."}]}
    assert Implementation.objects.count() == 0
