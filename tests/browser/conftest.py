"""Real Chromium from the system (apt), never a downloaded browser build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

# A loaded CI machine (the suite runs on every core) answers an htmx check in seconds, not in
# Playwright's default 5: assertions wait up to 15 s before failing.
expect.set_options(timeout=15_000)

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = "Chromium not found: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Vietnamese first, as the officials see it; the English switch is tested on its own.
    return {**browser_context_args, "locale": "vi-VN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def demo(transactional_db):
    """live_server flushes the database loaded for the other tests; load the demo again."""
    from thidua.demo import load_demo

    load_demo()


@pytest.fixture
def shot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str, target=None) -> Path:
        path = ARTIFACTS / f"{name}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page, live_server):
    def as_user(username: str) -> None:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "thidua-demo-2019")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")

    return as_user


class Confirmations:
    """The confirmation dialogs a test met: their texts, in order. Each is accepted unless the
    test said `dismiss_next()` first (data-confirm buttons, issue 20)."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._dismiss = 0

    def dismiss_next(self) -> None:
        self._dismiss += 1

    def answer(self, dialog) -> None:
        self.texts.append(dialog.message)
        if self._dismiss:
            self._dismiss -= 1
            dialog.dismiss()
        else:
            dialog.accept()


@pytest.fixture(autouse=True)
def confirmations(page) -> Confirmations:
    seen = Confirmations()
    page.on("dialog", seen.answer)
    return seen
