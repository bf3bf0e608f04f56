"""Shared fixtures for the public pages' tests. Names are prefixed per topic (join_ …)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def join_admin(db: Any) -> Any:
    """A network administrator, who decides join requests."""
    from ehelsenord.accounts.enums import Role
    from ehelsenord.accounts.tests.factories import UserFactory

    return UserFactory(role=Role.NETWORK_ADMIN, full_name="Nina Nettverk", email="nina@ehelsenord.example")


@pytest.fixture
def join_data() -> dict[str, Any]:
    """A complete, valid join form as the browser posts it (Bodø as employer)."""
    return {
        "full_name": "  Kari   Nordmann ",
        "email": "Kari.Nordmann@Bodo.Kommune.example",
        "job_title": "E-helserådgiver",
        "employer": "1804",
        "employer_other": "",
        "arenas": ["erfaring", "koordinering"],
        "message": "Jeg vil jobbe med innføringen av PLL i Salten.",
        "consent": "on",
        "website": "",
    }
