"""Reads that only the dashboards need, built on the rollout selectors."""

from __future__ import annotations

from ehelsenord.municipalities.selectors import Area, Scope
from ehelsenord.rollout.models import ImplementationChange
from ehelsenord.rollout.selectors import change_list


def recent_changes(area: Area, *, limit: int) -> list[ImplementationChange]:
    """The newest history entries of the area's records, newest first (one query)."""
    changes = change_list()
    if area.scope == Scope.REGION:
        changes = changes.filter(implementation__municipality__county__in_region=True)
    elif area.scope == Scope.COUNTY and area.county is not None:
        changes = changes.filter(implementation__municipality__county=area.county)
    return list(changes[:limit])
