from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes of a duration, rounded up (the lock-out page's waiting time)."""
    if value is None:
        return 0
    return max(1, -(-int(value.total_seconds()) // 60))
