"""Every page takes its counts and shares from the one aggregation, so they show the same figures."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from ehelsenord.municipalities.models import Municipality
from ehelsenord.rollout.services import RecordChange, implementation_update_many
from ehelsenord.solutions.models import Solution

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_pages_agree_on_the_share_in_use(coordinator: Any) -> None:
    pll = Solution.objects.get(slug="pasientens-legemiddelliste")
    ten = Municipality.objects.filter(county__in_region=True).order_by("number")[:10]
    implementation_update_many(
        user=coordinator,
        updates=[RecordChange(municipality=m, solution=pll, changes={"phase": "i_drift"}) for m in ten],
    )
    client = Client()
    client.force_login(coordinator)

    # 10 of the region's 80 municipalities: 12.5 %, shown as 13 % everywhere.
    overview = _text(client.get("/").content.decode())
    solution_page = _text(client.get("/losninger/pasientens-legemiddelliste/").content.decode())
    assert re.search(r"Pasientens legemiddelliste \(PLL\) 70 0 0 0 10 0 0 13\xa0%", overview), overview
    assert "I drift 10 13\xa0%" in solution_page
    assert "I bruk 10 13\xa0% av de aktuelle" in solution_page
