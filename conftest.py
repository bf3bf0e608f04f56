"""Shared fixtures: the reference data is loaded once into the test database."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside live_server


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from ehelsenord.municipalities.services import geography_load
    from ehelsenord.solutions.services import catalogue_load

    with django_db_blocker.unblock():
        geography_load()
        catalogue_load()


@pytest.fixture
def reference_data(db: Any) -> None:
    """Reload the reference data (for transactional tests, which empty the tables afterwards)."""
    from ehelsenord.municipalities.models import Municipality
    from ehelsenord.municipalities.services import geography_load
    from ehelsenord.solutions.services import catalogue_load

    if not Municipality.objects.exists():
        geography_load()
        catalogue_load()


@pytest.fixture
def bodo(db: Any) -> Any:
    from ehelsenord.municipalities.models import Municipality

    return Municipality.objects.get(number="1804")


@pytest.fixture
def rost(db: Any) -> Any:
    from ehelsenord.municipalities.models import Municipality

    return Municipality.objects.get(number="1856")


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from ehelsenord.accounts.tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def coordinator(db: Any) -> Any:
    from ehelsenord.accounts.enums import Role
    from ehelsenord.accounts.tests.factories import UserFactory

    return UserFactory(role=Role.EHEALTH_CONTACT, full_name="Kari Koordinator")


@pytest.fixture
def bodo_contact(bodo: Any) -> Any:
    from ehelsenord.accounts.enums import Role
    from ehelsenord.accounts.tests.factories import UserFactory

    return UserFactory(role=Role.MUNICIPALITY_CONTACT, full_name="Berit Bodø", municipalities=[bodo])


@pytest.fixture
def rost_contact(rost: Any) -> Any:
    from ehelsenord.accounts.enums import Role
    from ehelsenord.accounts.tests.factories import UserFactory

    return UserFactory(role=Role.MUNICIPALITY_CONTACT, full_name="Rolf Røst", municipalities=[rost])


@pytest.fixture
def reader(db: Any) -> Any:
    from ehelsenord.accounts.enums import Role
    from ehelsenord.accounts.tests.factories import UserFactory

    return UserFactory(role=Role.READER, full_name="Lise Leser")
