"""The client's address behind our proxies: what the login lockout and the join form's rate limit count."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from ehelsenord.core.http import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "", "203.0.113.9", "203.0.113.9"),
        (0, "198.51.100.1", "203.0.113.9", "203.0.113.9"),  # without proxies, the header is the client's own words
        (1, "198.51.100.1", "10.0.0.2", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "10.0.0.2", "198.51.100.1"),  # a forged first entry is ignored
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.3", "10.0.0.2", "198.51.100.1"),
        (1, "", "10.0.0.2", "10.0.0.2"),  # a request that came around the proxy
    ],
)
def test_client_ip_takes_the_address_our_own_proxy_saw(
    settings: Any, proxies: int, forwarded: str, remote: str, expected: str
) -> None:
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(request) == expected
