"""Number formatting for every page: shares are shown one way everywhere."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(share: float) -> str:
    """A share (0.0–1.0) as a whole Norwegian percentage: 0.125 → "13 %" (no-break space)."""
    return f"{int(share * 100 + 0.5)}\u00a0%"


@register.filter
def points(difference: float) -> str:
    """A difference of two shares in percentage points, with its sign: 0.123 → "+12" ("−12", "0")."""
    value = int(abs(difference) * 100 + 0.5)
    if value == 0:
        return "0"
    sign = "+" if difference > 0 else "\u2212"  # a real minus sign
    return f"{sign}{value}"


@register.filter
def decimal2(value: float) -> str:
    """A number with two decimals, the Norwegian way: 0.2345 → "0,23"."""
    return f"{value:.2f}".replace(".", ",")
