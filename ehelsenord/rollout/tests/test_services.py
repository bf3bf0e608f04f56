from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from ehelsenord.rollout.enums import ChangeSource
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.services import implementation_update
from ehelsenord.solutions.models import Phase, Solution

pytestmark = pytest.mark.django_db


@pytest.fixture
def pll() -> Solution:
    return Solution.objects.get(slug="pasientens-legemiddelliste")


def _history(implementation: Implementation) -> list[tuple[str, str, str, str]]:
    return list(implementation.changes.order_by("id").values_list("field", "old_value", "new_value", "source"))


def test_implementation_update_creates_the_record_with_one_entry_per_changed_field(
    bodo: Any, pll: Solution, bodo_contact: Any
) -> None:
    result = implementation_update(
        municipality=bodo,
        solution=pll,
        user=bodo_contact,
        changes={"phase": "utproving", "note": "Utprøving med to legekontor", "target_date": date(2027, 3, 1)},
    )
    record = Implementation.objects.get(municipality=bodo, solution=pll)
    assert (record.phase.key, record.note, record.target_date, record.updated_by) == (
        "utproving",
        "Utprøving med to legekontor",
        date(2027, 3, 1),
        bodo_contact,
    )
    assert result.changed_fields == ("phase", "note", "target_date")
    assert _history(record) == [
        ("phase", "ikke_startet", "utproving", "web"),
        ("note", "", "Utprøving med to legekontor", "web"),
        ("target_date", "", "2027-03-01", "web"),
    ]
    assert set(record.changes.values_list("changed_by", flat=True)) == {bodo_contact.pk}


def test_implementation_update_records_only_fields_that_change(bodo: Any, pll: Solution, coordinator: Any) -> None:
    implementation_update(municipality=bodo, solution=pll, user=coordinator, changes={"phase": "planlagt", "note": "A"})
    result = implementation_update(
        municipality=bodo,
        solution=pll,
        user=coordinator,
        changes={"phase": "planlagt", "note": "B", "traffic_light": "on_track"},
        source=ChangeSource.API,
    )
    record = Implementation.objects.get(municipality=bodo, solution=pll)
    assert result.changed_fields == ("note",)
    assert _history(record)[-1] == ("note", "A", "B", "api")
    assert record.changes.count() == 3


def test_implementation_update_without_change_writes_nothing(bodo: Any, pll: Solution, coordinator: Any) -> None:
    result = implementation_update(municipality=bodo, solution=pll, user=coordinator, changes={"phase": "ikke_startet"})
    assert result.changed_fields == ()
    assert not Implementation.objects.filter(municipality=bodo).exists()
    assert ImplementationChange.objects.count() == 0


def test_implementation_update_refuses_another_municipalitys_contact(
    bodo: Any, pll: Solution, rost_contact: Any
) -> None:
    with pytest.raises(PermissionDenied, match=r"^Du kan ikke endre registreringene til Bodø\.$"):
        implementation_update(municipality=bodo, solution=pll, user=rost_contact, changes={"phase": "i_drift"})
    assert not Implementation.objects.exists()


def test_implementation_update_refuses_readers_and_coordinators_outside_the_region(
    bodo: Any, pll: Solution, reader: Any, coordinator: Any
) -> None:
    from ehelsenord.municipalities.models import Municipality

    oslo = Municipality.objects.get(number="0301")
    with pytest.raises(PermissionDenied):
        implementation_update(municipality=bodo, solution=pll, user=reader, changes={"phase": "i_drift"})
    with pytest.raises(PermissionDenied):
        implementation_update(municipality=oslo, solution=pll, user=coordinator, changes={"phase": "i_drift"})
    assert not Implementation.objects.exists()


def test_implementation_update_refuses_a_phase_of_another_template(bodo: Any, coordinator: Any) -> None:
    helsenettet = Solution.objects.get(slug="helsenettet")
    standard_phase = Phase.objects.get(template__slug="standard", key="i_drift")
    with pytest.raises(ValidationError) as error:
        implementation_update(
            municipality=bodo, solution=helsenettet, user=coordinator, changes={"phase": standard_phase}
        )
    assert error.value.message_dict == {"phase": ["«I drift» er ikke en fase for Helsenettet (medlemskap)."]}
    assert not Implementation.objects.exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"phase": "finnes_ikke"}, {"phase": ["«finnes_ikke» er ikke en fase for Pasientens legemiddelliste (PLL)."]}),
        ({"traffic_light": "green"}, {"traffic_light": ["Velg i rute, risiko eller forsinket."]}),
        ({"evidence": "maybe"}, {"evidence": ["Velg egenrapportert eller dokumentert."]}),
        ({"note": "x" * 201}, {"note": ["Notatet kan være på høyst 200 tegn."]}),
        ({"target_date": "2027-01-01"}, {"target_date": ["Oppgi en gyldig dato."]}),
    ],
)
def test_implementation_update_rejects_bad_values_and_saves_nothing(
    bodo: Any, pll: Solution, coordinator: Any, changes: dict[str, Any], expected: dict[str, list[str]]
) -> None:
    with pytest.raises(ValidationError) as error:
        implementation_update(municipality=bodo, solution=pll, user=coordinator, changes={"note": "ok", **changes})
    assert error.value.message_dict == expected
    assert not Implementation.objects.exists()
    assert ImplementationChange.objects.count() == 0


def test_implementation_update_keeps_the_note_on_one_line(bodo: Any, pll: Solution, coordinator: Any) -> None:
    implementation_update(municipality=bodo, solution=pll, user=coordinator, changes={"note": " To\nlinjer\t her "})
    assert Implementation.objects.get(municipality=bodo, solution=pll).note == "To linjer her"


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_implementation_update_two_simultaneous_first_changes_both_land(reference_data: Any) -> None:
    from ehelsenord.accounts.enums import Role
    from ehelsenord.accounts.tests.factories import UserFactory
    from ehelsenord.municipalities.models import Municipality

    bodo = Municipality.objects.get(number="1804")
    pll = Solution.objects.get(slug="pasientens-legemiddelliste")
    users = [UserFactory(role=Role.EHEALTH_CONTACT), UserFactory(role=Role.IMPLEMENTATION_LEAD)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def change(user: Any, note: str) -> None:
        try:
            barrier.wait()
            implementation_update(municipality=bodo, solution=pll, user=user, changes={"note": note})
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(user, f"Notat {i}")) for i, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    record = Implementation.objects.get(municipality=bodo, solution=pll)
    assert record.changes.count() == 2
    assert record.note in {"Notat 0", "Notat 1"}


def test_implementation_update_refuses_historical_solutions(bodo: Any, coordinator: Any) -> None:
    akson = Solution.objects.get(slug="akson")
    with pytest.raises(ValidationError) as error:
        implementation_update(municipality=bodo, solution=akson, user=coordinator, changes={"phase": "planlagt"})
    assert error.value.messages == [
        "Akson / Felles kommunal journal er ikke lenger i bruk; registreringene er historikk og kan ikke endres."
    ]
    assert not Implementation.objects.exists()


def test_implementation_update_contact_of_a_municipality_outside_the_region_changes_nothing(
    pll: Solution, make_user: Any
) -> None:
    from ehelsenord.accounts.enums import Role
    from ehelsenord.municipalities.models import Municipality

    oslo = Municipality.objects.get(number="0301")
    contact = make_user(role=Role.MUNICIPALITY_CONTACT, municipalities=[oslo])
    with pytest.raises(PermissionDenied):
        implementation_update(municipality=oslo, solution=pll, user=contact, changes={"phase": "planlagt"})
    assert not Implementation.objects.exists()


def test_implementation_update_many_is_all_or_nothing(bodo: Any, rost: Any, pll: Solution, bodo_contact: Any) -> None:
    from ehelsenord.rollout.services import RecordChange, implementation_update_many

    updates = [
        RecordChange(municipality=bodo, solution=pll, changes={"phase": "planlagt"}),
        RecordChange(municipality=rost, solution=pll, changes={"phase": "planlagt"}),
    ]
    with pytest.raises(PermissionDenied):
        implementation_update_many(user=bodo_contact, updates=updates)
    assert not Implementation.objects.exists()
    assert ImplementationChange.objects.count() == 0


def test_publishing_is_recorded_but_does_not_make_the_data_newer(
    bodo: Any, pll: Solution, coordinator: Any, bodo_contact: Any
) -> None:
    from datetime import UTC, datetime

    then = datetime(2025, 1, 6, 9, tzinfo=UTC)
    later = datetime(2026, 11, 2, 14, tzinfo=UTC)
    implementation_update(municipality=bodo, solution=pll, user=coordinator, changes={"note": "Startet"}, at=then)

    result = implementation_update(
        municipality=bodo, solution=pll, user=bodo_contact, changes={"public": True}, at=later
    )

    assert result.changed_fields == ("public",)
    record = Implementation.objects.get(municipality=bodo, solution=pll)
    assert (record.public, record.updated_at, record.updated_by) == (True, then, coordinator)
    assert _history(record)[-1] == ("public", "false", "true", "web")
    # With another field in the same change, the data is newer after all.
    implementation_update(
        municipality=bodo, solution=pll, user=bodo_contact, changes={"public": False, "note": "I gang"}, at=later
    )
    record.refresh_from_db()
    assert (record.public, record.updated_at, record.updated_by) == (False, later, bodo_contact)
