"""Quarters: the unit of a commitment's target, stored as the quarter's first day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils.translation import gettext as _

from ehelsenord.agreements.models import AgreementRound
from ehelsenord.agreements.quarters import quarter_end, quarter_label, quarter_start, quarters_between
from ehelsenord.agreements.selectors import round_quarters


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2027, 1, 1), date(2027, 1, 1)),
        (date(2027, 2, 28), date(2027, 1, 1)),
        (date(2027, 3, 31), date(2027, 1, 1)),
        (date(2027, 4, 1), date(2027, 4, 1)),
        (date(2027, 6, 30), date(2027, 4, 1)),
        (date(2027, 7, 15), date(2027, 7, 1)),
        (date(2027, 9, 30), date(2027, 7, 1)),
        (date(2027, 10, 1), date(2027, 10, 1)),
        (date(2027, 12, 31), date(2027, 10, 1)),
    ],
)
def test_quarter_start(day: date, start: date) -> None:
    assert quarter_start(day) == start


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2027, 6, 30)),
        (date(2027, 7, 1), date(2027, 9, 30)),
        (date(2027, 10, 1), date(2027, 12, 31)),
        (date(2028, 1, 1), date(2028, 3, 31)),
    ],
)
def test_quarter_end_of_each_quarter(start: date, end: date) -> None:
    assert quarter_end(start) == end
    assert quarter_end(end) == end  # any day of the quarter gives the same end
    assert quarter_end(start + timedelta(days=40)) == end
    assert quarter_start(end + timedelta(days=1)) == end + timedelta(days=1)


def test_every_day_of_a_leap_year_lies_in_its_quarter() -> None:
    day = date(2028, 1, 1)
    while day.year == 2028:
        assert quarter_start(day) <= day <= quarter_end(day)
        assert (quarter_end(day) - quarter_start(day)).days in (89, 90, 91)
        day += timedelta(days=1)


def test_quarters_between() -> None:
    assert quarters_between(date(2027, 1, 1), date(2027, 12, 31)) == [
        date(2027, 1, 1),
        date(2027, 4, 1),
        date(2027, 7, 1),
        date(2027, 10, 1),
    ]
    # A period that starts and ends inside quarters includes both of them.
    assert quarters_between(date(2026, 11, 20), date(2027, 2, 1)) == [date(2026, 10, 1), date(2027, 1, 1)]
    assert quarters_between(date(2027, 5, 5), date(2027, 5, 6)) == [date(2027, 4, 1)]
    assert quarters_between(date(2027, 5, 5), date(2027, 5, 5)) == [date(2027, 4, 1)]
    assert quarters_between(date(2027, 5, 5), date(2027, 1, 1)) == []


@pytest.mark.parametrize(("start", "quarter"), [(date(2027, 1, 1), 1), (date(2027, 4, 1), 2), (date(2028, 10, 1), 4)])
def test_quarter_label(start: date, quarter: int) -> None:
    assert quarter_label(start) == _("Q%(quarter)d %(year)d") % {"quarter": quarter, "year": start.year}


@pytest.mark.django_db
def test_round_quarters_are_those_of_the_round_s_period(agreement_round: AgreementRound) -> None:
    assert round_quarters(agreement_round) == [date(2027, 1, 1), date(2027, 4, 1), date(2027, 7, 1), date(2027, 10, 1)]
