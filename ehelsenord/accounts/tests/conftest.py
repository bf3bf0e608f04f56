"""Fixtures for the accounts tests."""

from __future__ import annotations

from typing import Any

import pytest

from ehelsenord.accounts.enums import Role
from ehelsenord.accounts.tests.factories import UserFactory


@pytest.fixture
def network_admin(db: Any) -> Any:
    return UserFactory(role=Role.NETWORK_ADMIN, full_name="Nina Nettverk", email="nina@ehelsenord.example")


@pytest.fixture
def second_admin(db: Any) -> Any:
    return UserFactory(role=Role.NETWORK_ADMIN, full_name="Ola Nordmann", email="ola@ehelsenord.example")
