"""Shared fixtures: the reference data is loaded once into the test database."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge their examples, not the machine's speed: a busy CI machine must not fail them.
settings.register_profile("ehelsenord", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ehelsenord")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside live_server

pytest_plugins = ["tests.browser.fixtures"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache (rate limits live there)."""
    from django.core.cache import cache

    cache.clear()


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


class _SmtpCollector:
    """An aiosmtpd handler that keeps every message it receives, parsed."""

    def __init__(self) -> None:
        from email.message import EmailMessage

        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        import email.policy
        from email.message import EmailMessage

        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    """A real SMTP server on 127.0.0.1 (aiosmtpd); Django sends its mail there while the test runs.

    Yields the collector: `.messages` holds the received mail as email.message.EmailMessage.
    """
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    collector = _SmtpCollector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield collector
    finally:
        controller.stop()
