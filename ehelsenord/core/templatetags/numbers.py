"""Number formatting for every page: shares are shown one way everywhere."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def whole_percent(share: float) -> int:
    """A share (0.0–1.0) as the whole percentage every page shows: halves round up.

    Rounded to 9 places first, so a half that floating point lands just below (0.22499999…) rounds up.
    """
    return int(round(share * 100, 9) + 0.5)


@register.filter
def percent(share: float) -> str:
    """A share (0.0–1.0) as a whole Norwegian percentage: 0.125 → "13 %" (no-break space)."""
    return f"{whole_percent(share)}\u00a0%"


@register.filter
def gap_whole(coverage: Any) -> int:
    """The difference of coverage by inhabitants and by municipalities, in whole percentage points,
    from the rounded figures the page shows beside it (so 32 % and 4 % give 28, never 29)."""
    return whole_percent(coverage.by_inhabitants) - whole_percent(coverage.by_municipalities)


@register.filter
def signed(value: int) -> str:
    """A whole number with its sign: 12 → "+12", −12 → "−12" (a real minus sign), 0 → "0"."""
    if value == 0:
        return "0"
    return f"+{value}" if value > 0 else f"\u2212{-value}"


@register.filter
def spread_whole(quartiles: Any) -> int:
    """The width of the middle half in whole percentage points, from the rounded quartiles shown."""
    return whole_percent(quartiles.upper) - whole_percent(quartiles.lower)


@register.filter
def decimal2(value: float) -> str:
    """A number with two decimals, the Norwegian way: 0.2345 → "0,23"."""
    return f"{value:.2f}".replace(".", ",")


@register.filter
def absolute(value: int) -> int:
    return abs(value)
