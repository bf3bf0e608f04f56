"""The browser fixtures (live server, login, axe) are shared from tests/browser; importing registers them here."""

from tests.browser.conftest import (  # noqa: F401
    browser_context_args,
    browser_type_launch_args,
    console_errors,
    live,
    login,
)
