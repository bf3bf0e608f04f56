"""Writes to records. Every change of a record goes through implementation_update."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ehelsenord.accounts.models import User
from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.enums import TRACKED_FIELDS, ChangeSource, Evidence, TrafficLight
from ehelsenord.rollout.models import Implementation, ImplementationChange
from ehelsenord.rollout.selectors import implementation_can_change
from ehelsenord.solutions.models import Phase, Solution

NOTE_MAX_LENGTH = 200


@dataclass(frozen=True)
class UpdateResult:
    implementation: Implementation
    changed_fields: tuple[str, ...]


def _raw(value: Any) -> str:
    """How a value is stored in the history: phase key, ISO date, choice key or text."""
    if value is None:
        return ""
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
            if isinstance(value, Phase):
                phase = value if value.template_id == solution.phase_template_id else None
            else:
                phase = Phase.objects.filter(template_id=solution.phase_template_id, key=str(value)).first()
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
    """Validate, apply and record a change of one municipality × solution.

    - refuses users who may not change the municipality (PermissionDenied);
    - refuses invalid values (ValidationError, nothing saved);
    - creates the record on first change, starting at the template's first phase;
    - writes one ImplementationChange per field whose value actually changed;
    - a change that changes nothing writes nothing and does not touch updated_at.
    """
    if not implementation_can_change(user, municipality):
        raise PermissionDenied(_("You may not change the records of %(municipality)s.") % {"municipality": municipality})
    clean = _clean_changes(solution, changes)
    now = at or timezone.now()
    with transaction.atomic():
        implementation = (
            Implementation.objects.select_for_update()
            .select_related("phase")
            .filter(municipality=municipality, solution=solution)
            .first()
        )
        if implementation is None:
            implementation = Implementation(
                municipality=municipality,
                solution=solution,
                phase=solution.phase_template.phases.order_by("position").first(),
                updated_at=now,
            )
        changed = [field for field in TRACKED_FIELDS if field in clean and getattr(implementation, field) != clean[field]]
        if not changed:
            return UpdateResult(implementation=implementation, changed_fields=())
        history = [
            ImplementationChange(
                changed_at=now,
                changed_by=user,
                source=source,
                field=field,
                old_value=_raw(getattr(implementation, field)),
                new_value=_raw(clean[field]),
                reason=reason[:200],
            )
            for field in changed
        ]
        for field in changed:
            setattr(implementation, field, clean[field])
        implementation.updated_by = user
        implementation.updated_at = now
        try:
            with transaction.atomic():
                implementation.save()
        except IntegrityError:
            # Someone created the same record a moment ago: apply the change on top of theirs.
            return implementation_update(
                municipality=municipality, solution=solution, user=user, changes=changes, source=source, reason=reason, at=at
            )
        for entry in history:
            entry.implementation = implementation
        ImplementationChange.objects.bulk_create(history)
    return UpdateResult(implementation=implementation, changed_fields=tuple(changed))
