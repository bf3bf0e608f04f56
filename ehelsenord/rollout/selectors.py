"""Reads of records, their history, and the access rule for changing them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.models import User
from ehelsenord.municipalities.models import Municipality
from ehelsenord.municipalities.selectors import Area, Scope, municipality_list
from ehelsenord.rollout.aggregation import Cell
from ehelsenord.rollout.enums import FIELD_LABELS, Evidence, TrafficLight
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.timeline import PhaseChange, phases_at
from ehelsenord.solutions.enums import Stage
from ehelsenord.solutions.models import Phase, Solution
from ehelsenord.solutions.selectors import solution_list

# --- Access ------------------------------------------------------------------------------------


def own_municipality_numbers(user: User | AnonymousUser) -> frozenset[str]:
    """The region's municipalities the user is a contact for (cached on the user object)."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_own_municipalities", None)
    if cached is None:
        cached = frozenset(user.municipalities.filter(county__in_region=True).values_list("number", flat=True))
        user._own_municipalities = cached  # type: ignore[attr-defined]
    return cached


def change_rights(user: User | AnonymousUser) -> frozenset[str]:
    """The numbers of the municipalities whose records the user may change.

    The one access rule for records, used by the HTML views, the import and the API alike:
    coordinators change every municipality of the region, a municipality contact only their own,
    everyone else nothing. Cached on the user object for the request.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    assert isinstance(user, User)
    cached: frozenset[str] | None = getattr(user, "_change_rights", None)
    if cached is not None:
        return cached
    if user.is_coordinator:
        numbers = Municipality.objects.filter(county__in_region=True).values_list("number", flat=True)
        rights = frozenset(numbers)
    elif user.role == Role.MUNICIPALITY_CONTACT:
        rights = own_municipality_numbers(user)
    else:
        rights = frozenset()
    user._change_rights = rights  # type: ignore[attr-defined]
    return rights


def implementation_can_change(
    user: User | AnonymousUser, municipality: Municipality, solution: Solution | None = None
) -> bool:
    """May the user change the municipality's records (of this solution: historical ones are closed)?"""
    if solution is not None and solution.is_historical:
        return False
    return municipality.number in change_rights(user)


# Above this many municipalities, filtering the history by municipality costs more than it saves.
NATIONAL_FILTER_LIMIT = 300


# --- Records -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordView:
    """What the pages show of one municipality × solution, with or without a stored record."""

    municipality: Municipality
    solution: Solution
    phase: Phase
    traffic_light: str = TrafficLight.ON_TRACK
    note: str = ""
    target_date: date | None = None
    go_live_date: date | None = None
    evidence: str = Evidence.SELF_REPORTED
    public: bool = False
    updated_at: datetime | None = None
    updated_by_name: str = ""
    exists: bool = False

    @property
    def stage(self) -> Stage:
        return Stage(self.phase.stage)

    @property
    def traffic_light_label(self) -> str:
        return str(TrafficLight(self.traffic_light).label)

    @property
    def evidence_label(self) -> str:
        return str(Evidence(self.evidence).label)

    def cell(self) -> Cell:
        return Cell(
            municipality=self.municipality.number,
            county=self.municipality.county_id,
            solution=self.solution.slug,
            phase=self.phase.key,
            stage=self.stage,
            population=self.municipality.population,
            updated_at=self.updated_at,
            documented=self.evidence == Evidence.DOCUMENTED,
        )


@dataclass
class Grid:
    """Municipalities × solutions with every cell's record (or the default first phase)."""

    municipalities: list[Municipality]
    solutions: list[Solution]
    records: dict[tuple[str, int], RecordView]

    def record(self, municipality: Municipality, solution: Solution) -> RecordView:
        found = self.records.get((municipality.number, solution.pk))
        if found is not None:
            return found
        return RecordView(municipality=municipality, solution=solution, phase=solution.phase_template.phases.all()[0])

    def rows(self) -> list[tuple[Municipality, list[RecordView]]]:
        return [(m, [self.record(m, s) for s in self.solutions]) for m in self.municipalities]

    def cells(self) -> list[Cell]:
        return [self.record(m, s).cell() for m in self.municipalities for s in self.solutions]

    def cells_over_time(self, snapshots: list[dict[tuple[str, int], Phase]]) -> list[list[Cell]]:
        """The cells with the phases of earlier times (see grid_phases_at), other fields as today; one
        list per time. A cell whose phase was the same then is today's cell, reused."""
        keys = [(m.number, s.pk) for m in self.municipalities for s in self.solutions]
        today = self.cells()
        result = []
        for phases in snapshots:
            cells = []
            for key, cell in zip(keys, today, strict=True):
                phase = phases.get(key)
                if phase is None or phase.key == cell.phase:
                    cells.append(cell)
                else:
                    cells.append(replace(cell, phase=phase.key, stage=Stage(phase.stage)))
            result.append(cells)
        return result


_RECORD_FIELDS = (
    "municipality_id",
    "solution_id",
    "phase_id",
    "traffic_light",
    "note",
    "target_date",
    "go_live_date",
    "evidence",
    "public",
    "updated_at",
    "updated_by__full_name",
)


def rollout_grid(
    *,
    area: Area | None = None,
    municipalities: list[Municipality] | None = None,
    solutions: list[Solution] | None = None,
) -> Grid:
    """Load every record of the given municipalities (or area) and solutions in a fixed number of queries."""
    if municipalities is None:
        assert area is not None
        municipalities = municipality_list(area)
    if solutions is None:
        solutions = solution_list()
    by_number = {m.number: m for m in municipalities}
    by_pk = {s.pk: s for s in solutions}
    phases = {phase.pk: phase for s in solutions for phase in s.phase_template.phases.all()}
    rows = Implementation.objects.filter(solution__in=list(by_pk)).values_list(*_RECORD_FIELDS)
    if area is None or area.scope != Scope.NATIONAL:
        rows = rows.filter(municipality__in=list(by_number))
    records: dict[tuple[str, int], RecordView] = {}
    for number, solution_id, phase_id, light, note, target, go_live, evidence, public, updated_at, updated_by in rows:
        municipality = by_number.get(number)
        if municipality is None:
            continue
        records[(number, solution_id)] = RecordView(
            municipality=municipality,
            solution=by_pk[solution_id],
            phase=phases[phase_id],
            traffic_light=light,
            note=note,
            target_date=target,
            go_live_date=go_live,
            evidence=evidence,
            public=public,
            updated_at=updated_at,
            updated_by_name=updated_by or "",
            exists=True,
        )
    return Grid(municipalities=municipalities, solutions=solutions, records=records)


def record_get(municipality: Municipality, solution: Solution) -> RecordView:
    """One municipality × solution (solution with its phases prefetched)."""
    return rollout_grid(municipalities=[municipality], solutions=[solution]).record(municipality, solution)


def grid_phases_at(grid: Grid, times: list[datetime]) -> list[dict[tuple[str, int], Phase]]:
    """Every cell's phase at each of `times`, rebuilt from the history (one query).

    Returns one mapping per time, (municipality number, solution id) → phase, for every cell of
    the grid (a cell without a record is at its first phase throughout).
    """
    if not times:
        return []
    current = {
        (municipality.number, solution.pk): grid.record(municipality, solution).phase.key
        for municipality in grid.municipalities
        for solution in grid.solutions
    }
    rows = (
        ImplementationChange.objects.filter(
            field="phase",
            changed_at__gt=min(times),
            implementation__solution__in=[solution.pk for solution in grid.solutions],
        )
        .order_by("-changed_at", "-id")
        .values_list("implementation__municipality_id", "implementation__solution_id", "changed_at", "old_value")
    )
    if len(grid.municipalities) < NATIONAL_FILTER_LIMIT:
        rows = rows.filter(implementation__municipality__in=[m.number for m in grid.municipalities])
    changes = [PhaseChange((number, solution_id), at, before) for number, solution_id, at, before in rows]
    phases = {
        (solution.pk, phase.key): phase for solution in grid.solutions for phase in solution.phase_template.phases.all()
    }
    snapshots = phases_at(current, changes, times)
    # A "before" that is no phase of the template (the template changed since) counts as its first
    # phase: never as today's, which the public pages must not show before the embargo.
    first = {solution.pk: solution.phase_template.phases.all()[0] for solution in grid.solutions}
    return [
        {key: phases.get((key[1], phase_key)) or first[key[1]] for key, phase_key in snapshot.items()}
        for snapshot in snapshots
    ]


# --- History -----------------------------------------------------------------------------------


def change_queryset() -> QuerySet[ImplementationChange]:
    return ImplementationChange.objects.select_related(
        "changed_by", "implementation__municipality", "implementation__solution__phase_template", "agreement_version"
    ).defer("agreement_version__content", "agreement_version__scan")


def change_list(
    *, municipality: Municipality | None = None, solution: Solution | None = None
) -> QuerySet[ImplementationChange]:
    changes = change_queryset()
    if municipality is not None:
        changes = changes.filter(implementation__municipality=municipality)
    if solution is not None:
        changes = changes.filter(implementation__solution=solution)
    return changes


def value_label(field: str, raw: str, phase_names: dict[tuple[int, str], str], template_id: int) -> str:
    """A history value as the reader should see it."""
    if raw == "":
        return "–"
    if field == "phase":
        return phase_names.get((template_id, raw), raw)
    if field == "traffic_light" and raw in TrafficLight.values:
        return str(TrafficLight(raw).label)
    if field == "evidence" and raw in Evidence.values:
        return str(Evidence(raw).label)
    if field == "public":
        return gettext("Yes") if raw == "true" else gettext("No")
    if field in ("target_date", "go_live_date"):
        try:
            return date.fromisoformat(raw).strftime("%d.%m.%Y")
        except ValueError:
            return raw
    return raw


def phase_names() -> dict[tuple[int, str], str]:
    """Every phase's name by (template id, key), for showing history (one query)."""
    return {(t, k): n for t, k, n in Phase.objects.values_list("template_id", "key", "name")}


def change_rows(changes: Any) -> list[dict[str, Any]]:
    """History entries ready for a table: the field's name and labels instead of raw values."""
    names = phase_names()
    rows = []
    for change in changes:
        template_id = change.implementation.solution.phase_template_id
        rows.append(
            {
                "change": change,
                "field_label": FIELD_LABELS.get(change.field, change.field),
                "old": value_label(change.field, change.old_value, names, template_id),
                "new": value_label(change.field, change.new_value, names, template_id),
                # A change made by signing an intent agreement links to that agreement.
                "agreement_url": (
                    reverse("agreements:detail", args=[change.agreement_version.agreement_id])
                    if change.agreement_version_id
                    else ""
                ),
            }
        )
    return rows
