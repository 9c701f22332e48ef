"""Real Chromium from the system (apt), never a downloaded browser build."""

from __future__ import annotations

import os
import threading
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


@pytest.fixture(scope="session")
def live_server(live_server):
    """On in-memory SQLite the server's threads share the test's one connection: two requests at
    once would share a transaction too (a check's dry run rolling back would take a save beside
    it). There the server answers one request at a time, as a SQLite file's lock would have
    writers wait; on PostgreSQL each thread has its own connection and nothing changes."""
    if live_server.thread.connections_override:
        httpd = live_server.thread.httpd
        httpd.set_app(_one_at_a_time(httpd.get_app()))
    return live_server


def _one_at_a_time(app):
    lock = threading.Lock()

    def serve(environ, start_response):
        with lock:
            response = app(environ, start_response)
            try:
                return list(response)
            finally:
                if hasattr(response, "close"):
                    response.close()

    return serve


@pytest.fixture
def demo(transactional_db, demo_snapshot):
    """live_server flushes the database loaded for the other tests; put the demo back."""
    demo_snapshot.restore()


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
