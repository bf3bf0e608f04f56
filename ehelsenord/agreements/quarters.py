"""Quarters of a year, the unit of a commitment's target: stored as the quarter's first day."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    """The last day of the quarter that holds `day` (usually its first day, as commitments store it)."""
    start = quarter_start(day)
    month = start.month + 3
    following = date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    return following - timedelta(days=1)


def quarter_label(start: date) -> str:
    """“1. kvartal 2027”."""
    return _("Q%(quarter)d %(year)d") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}


def quarters_between(first: date, last: date) -> list[date]:
    """The first days of every quarter from the one holding `first` to the one holding `last`."""
    quarters: list[date] = []
    current = quarter_start(first)
    while current <= last:
        quarters.append(current)
        current = quarter_end(current) + timedelta(days=1)
    return quarters
