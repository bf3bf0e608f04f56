"""Where records stood at earlier times, rebuilt from the history. Pure module: no ORM.

The history stores every phase change with the phase before and after. Walking back from the
current phases, the phase at time t is the "before" of the earliest change after t, or the
current phase if nothing changed since t. A record created after t was at its template's first
phase at t, which is exactly what its first change's "before" says.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class PhaseChange(Generic[K]):
    key: K
    changed_at: datetime
    before: str


def phases_at(
    current: Mapping[K, str], changes: Iterable[PhaseChange[K]], times: Sequence[datetime]
) -> list[dict[K, str]]:
    """The phase of every key at each of `times` (in the order given), from the current phases and the changes.

    Only changes after the earliest of `times` matter; older ones may be left out. A change made
    at exactly time t is already in effect at t. Keys missing from `current` are ignored.
    """
    ordered_changes = sorted(changes, key=lambda change: change.changed_at, reverse=True)
    state = dict(current)
    snapshots: dict[int, dict[K, str]] = {}
    position = 0
    for index in sorted(range(len(times)), key=lambda i: times[i], reverse=True):
        moment = times[index]
        while position < len(ordered_changes) and ordered_changes[position].changed_at > moment:
            change = ordered_changes[position]
            if change.key in state:
                state[change.key] = change.before
            position += 1
        snapshots[index] = dict(state)
    return [snapshots[index] for index in range(len(times))]
