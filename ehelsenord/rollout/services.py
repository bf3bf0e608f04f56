"""Writes to records. Every change of a record goes through implementation_update."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ehelsenord.accounts.models import User
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.enums import TRACKED_FIELDS, ChangeSource, Evidence, TrafficLight
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.selectors import change_rights
from ehelsenord.solutions.models import Phase, Solution

if TYPE_CHECKING:
    from ehelsenord.agreements.models import AgreementVersion

NOTE_MAX_LENGTH = 200
# Fields whose change is recorded in the history but does not make the record's data newer.
UNDATED_FIELDS = frozenset({"public"})


@dataclass(frozen=True)
class RecordChange:
    """A requested change of one municipality × solution: field name → new value (see TRACKED_FIELDS)."""

    municipality: Municipality
    solution: Solution
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class UpdateResult:
    implementation: Implementation
    changed_fields: tuple[str, ...]


def _raw(value: Any) -> str:
    """How a value is stored in the history: phase key, ISO date, choice key or text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Phase):
        return value.key
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _clean_changes(solution: Solution, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the requested values; raise ValidationError with Norwegian messages per field."""
    unknown = set(changes) - set(TRACKED_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "phase":
            # phase_template.phases is usually prefetched (solution_list/solution_get): no query per row.
            phases = list(solution.phase_template.phases.all())
            if isinstance(value, Phase):
                phase = value if value.template_id == solution.phase_template_id else None
            else:
                phase = next((candidate for candidate in phases if candidate.key == str(value)), None)
            if phase is None:
                errors[field] = _("“%(value)s” is not a phase of %(solution)s.") % {
                    "value": getattr(value, "name", value),
                    "solution": solution.name,
                }
            else:
                clean[field] = phase
        elif field == "traffic_light":
            if value not in TrafficLight.values:
                errors[field] = _("Choose on track, at risk or delayed.")
            else:
                clean[field] = value
        elif field == "evidence":
            if value not in Evidence.values:
                errors[field] = _("Choose self-reported or documented.")
            else:
                clean[field] = value
        elif field == "note":
            note = " ".join(str(value or "").split())
            if len(note) > NOTE_MAX_LENGTH:
                errors[field] = _("The note can be at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}
            else:
                clean[field] = note
        elif field == "public":
            if not isinstance(value, bool):
                errors[field] = _("Choose whether the phase is public.")
            else:
                clean[field] = value
        elif field in ("target_date", "go_live_date"):
            if value is not None and not isinstance(value, date):
                errors[field] = _("Enter a valid date.")
            else:
                clean[field] = value
    if errors:
        raise ValidationError(errors)
    return clean


def implementation_update(
    *,
    municipality: Municipality,
    solution: Solution,
    user: User,
    changes: Mapping[str, Any],
    source: ChangeSource = ChangeSource.WEB,
    reason: str = "",
    at: datetime | None = None,
) -> UpdateResult:
    """Validate, apply and record a change of one municipality × solution (see implementation_update_many)."""
    (result,) = implementation_update_many(
        user=user,
        updates=[RecordChange(municipality=municipality, solution=solution, changes=changes)],
        source=source,
        reason=reason,
        at=at,
    )
    return result


def implementation_update_many(
    *,
    user: User,
    updates: Sequence[RecordChange],
    source: ChangeSource = ChangeSource.WEB,
    reason: str = "",
    at: datetime | None = None,
    agreement_version: AgreementVersion | None = None,
) -> list[UpdateResult]:
    """The one write path for records: validate, apply and record changes, all or nothing.

    - refuses a user who may not change one of the municipalities (PermissionDenied, nothing saved);
    - refuses invalid values (ValidationError with Norwegian messages per field, nothing saved);
    - creates a record on its first change, starting at the template's first phase;
    - writes one ImplementationChange per field whose value actually changed (who, when, before,
      after, source, reason);
    - a change that changes nothing writes nothing and does not touch updated_at;
    - with agreement_version, the history entries point back to the signed agreement that made them.
    A batch costs a few queries plus one UPDATE per changed record, so an import of the region stays fast.
    """
    rights = change_rights(user)
    for update in updates:
        if update.municipality.number not in rights:
            raise PermissionDenied(
                _("You may not change the records of %(municipality)s.") % {"municipality": update.municipality}
            )
    for update in updates:
        if update.solution.is_historical:
            raise ValidationError(
                _("%(solution)s is no longer in use; its records are kept as history and cannot change.")
                % {"solution": update.solution}
            )
    cleaned = [(update, _clean_changes(update.solution, update.changes)) for update in updates]
    now = at or timezone.now()
    try:
        with transaction.atomic():
            return _apply(cleaned, user=user, source=source, reason=reason[:200], now=now, link=agreement_version)
    except IntegrityError:
        # Someone created one of the same records a moment ago: apply the changes on top of theirs.
        with transaction.atomic():
            return _apply(cleaned, user=user, source=source, reason=reason[:200], now=now, link=agreement_version)


def _apply(
    cleaned: list[tuple[RecordChange, dict[str, Any]]],
    *,
    user: User,
    source: ChangeSource,
    reason: str,
    now: datetime,
    link: AgreementVersion | None,
) -> list[UpdateResult]:
    pairs = {(update.municipality.number, update.solution.pk) for update, _clean in cleaned}
    locked = (
        Implementation.objects.select_for_update(of=("self",))
        .select_related("phase")
        .filter(
            municipality__in={number for number, _solution in pairs},
            solution__in={solution for _number, solution in pairs},
        )
        .order_by("pk")  # lock in one order everywhere, so two overlapping batches cannot deadlock
    )
    existing = {(record.municipality_id, record.solution_id): record for record in locked}
    results: list[UpdateResult] = []
    created: list[Implementation] = []
    updated: dict[int, tuple[Implementation, set[str]]] = {}
    history: list[tuple[Implementation, ImplementationChange]] = []
    for update, clean in cleaned:
        implementation = existing.get((update.municipality.number, update.solution.pk))
        is_new = implementation is None
        if implementation is None:
            implementation = Implementation(
                municipality=update.municipality,
                solution=update.solution,
                phase=update.solution.phase_template.phases.all()[0],
                updated_at=now,
            )
        changed = [name for name in TRACKED_FIELDS if name in clean and getattr(implementation, name) != clean[name]]
        results.append(UpdateResult(implementation=implementation, changed_fields=tuple(changed)))
        if not changed:
            continue
        for field in changed:
            history.append(
                (
                    implementation,
                    ImplementationChange(
                        changed_at=now,
                        changed_by=user,
                        source=source,
                        field=field,
                        old_value=_raw(getattr(implementation, field)),
                        new_value=_raw(clean[field]),
                        reason=reason,
                        agreement_version=link,
                    ),
                )
            )
            setattr(implementation, field, clean[field])
        # Publishing says nothing new about the rollout: the record's data stays as fresh as it was.
        touches_data = is_new or any(field not in UNDATED_FIELDS for field in changed)
        if touches_data:
            implementation.updated_by = user
            implementation.updated_at = now
        if is_new:
            existing[(update.municipality.number, update.solution.pk)] = implementation
            created.append(implementation)
        else:
            updated.setdefault(implementation.pk, (implementation, set()))[1].update(changed)
    Implementation.objects.bulk_create(created)
    # One UPDATE of only the changed columns per record: far faster than bulk_update's CASE
    # expressions over every column when a spreadsheet changes hundreds of records.
    for implementation, fields in updated.values():
        values = {name: getattr(implementation, name) for name in fields}
        if fields - UNDATED_FIELDS:
            values.update(updated_by=user, updated_at=now)
        Implementation.objects.filter(pk=implementation.pk).update(**values)
    for implementation, entry in history:
        entry.implementation = implementation
    ImplementationChange.objects.bulk_create([entry for _implementation, entry in history], batch_size=1000)
    return results
