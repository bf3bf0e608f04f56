"""load_demo_data on a database that is not new, and pages without demo data."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from ehelsenord.accounts.models import User
from ehelsenord.demo.models import DemoDataset
from ehelsenord.municipalities.models import County
from ehelsenord.rollout.models import Implementation, ImplementationChange

pytestmark = [
    pytest.mark.django_db,
    # WhiteNoise warns when collectstatic has not run; irrelevant to these pages.
    pytest.mark.filterwarnings("ignore:No directory at"),
]


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Implementation.objects.count(),
        ImplementationChange.objects.count(),
        DemoDataset.objects.count(),
    )


def test_load_demo_data_refuses_a_database_with_real_users(make_user: Any) -> None:
    make_user(email="kari@kommune.example")

    out = StringIO()
    call_command("load_demo_data", stdout=out)

    assert out.getvalue() == (
        "Databasen har allerede brukere eller registreringer, så demodata ble ikke lastet inn "
        "(bare en ny database får demodata). Ingenting er endret.\n"
    )
    assert _counts() == (1, 0, 0, 0)


def test_load_demo_data_asks_for_the_reference_data_first() -> None:
    County.objects.update(in_region=False)

    with pytest.raises(CommandError) as error:
        call_command("load_demo_data", stdout=StringIO())

    assert str(error.value) == "Referansedataene mangler. Kjør «python manage.py load_reference_data» først."
    assert _counts() == (0, 0, 0, 0)


def test_base_page_has_no_demo_banner_without_demo_data(reader: Any, client: Client) -> None:
    client.force_login(reader)

    response = client.get("/")

    assert response.status_code == 200
    assert b"demo-banner" not in response.content
