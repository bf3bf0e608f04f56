"""Number formatting for every page: shares are shown one way everywhere."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(share: float) -> str:
    """A share (0.0–1.0) as a whole Norwegian percentage: 0.125 → "13 %" (no-break space)."""
    return f"{int(share * 100 + 0.5)}\u00a0%"
