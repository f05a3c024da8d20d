"""Helpers shared by the browser tests: log in through the real login page, take a screenshot.

The launch settings (Debian Chromium, zh-CN locale, Asia/Shanghai) live in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

# pytest-playwright's own output folder (emptied at session start, gitignored).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"

# Every wait in these tests is for a local server; a few seconds is plenty and keeps a
# failing run short.
expect.set_options(timeout=10_000)


@pytest.fixture(autouse=True)
def _short_page_timeouts(page: Page) -> None:
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)


# A page that answers 4xx (an invalid form, a refused move) is logged by Chromium as a failed load;
# that is the test's subject, not a page error.
EXPECTED_FAILED_LOAD = "Failed to load resource: the server responded with a status of 4"


@pytest.fixture(autouse=True)
def no_page_errors(page: Page) -> Iterator[list[str]]:
    """Every browser test fails on a console error or an uncaught exception in the page, so a script
    or style the Content-Security-Policy blocks ("Refused to execute inline script …") is caught."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith(EXPECTED_FAILED_LOAD)
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    yield errors
    assert errors == []


def login(page: Page, live_server: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the login page (selected by ids only: its texts are being translated)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#login-submit").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.locator("#user-menu")).to_be_visible()  # the navbar of a logged-in user


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot into test-results/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def task_worker(settings: Any) -> Iterator[None]:
    """The task worker thread `aftersales serve` runs (core.periodic.task_worker_start): background jobs
    (imports, large exports) started from the pages run while the test watches their page."""
    from aftersales.core.periodic import task_worker_start, task_worker_stop

    settings.AFTERSALES_TASK_WORKER = True
    task_worker_start()
    yield
    task_worker_stop()
