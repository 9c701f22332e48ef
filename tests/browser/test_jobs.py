"""A registry list uploaded in Chromium to `thidua serve`, imported by the worker that the server
starts beside itself: the job's page shows the progress and ends on the result."""

from __future__ import annotations

import csv
import signal
import socket
import subprocess
import sys
import time

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import cli_env

pytestmark = pytest.mark.browser
ROWS = 60_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail("thidua serve did not start")


@pytest.fixture
def server(demo_copy):
    port = _free_port()
    env = cli_env(**demo_copy, THIDUA_REQUIRE_TWO_FACTOR="false", THIDUA_WARM_ON_START="false")
    proc = subprocess.Popen(
        [sys.executable, "-m", "thidua", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_a_list_uploaded_in_the_browser_is_imported_with_live_progress(
    server, page: Page, shot, tmp_path
):
    path = tmp_path / "danh-sach-khen-thuong.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["Họ và tên", "Năm sinh", "Đơn vị", "Hình thức khen thưởng", "Năm"])
        for i in range(ROWS):
            out.writerow([f"Phạm Thị Trình {i}", 1960 + i % 40, f"Sở {i % 31}", "LDTT", 2021])
    page.goto(f"{server}/login/")
    page.fill("#id_username", "bantw")
    page.fill("#id_password", "thidua-demo-2019")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/awards/registry/")
    page.locator("#registry-import").click()
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Tải lên và nhập").click()
    page.wait_for_url("**/viec/*/")
    # The page polls: the job waiting, then running (the counts of rows), then its result.
    states: list[str] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        state = page.locator("#job-progress").get_attribute("data-state")
        if not states or states[-1] != state:
            states.append(state)
            shot(f"jobs-{len(states):02d}-{state}")
        if state in ("done", "failed"):
            break
        time.sleep(0.25)
    assert len(states) > 1, states  # the page showed the job before its end
    expect(page.locator("#job-result")).to_contain_text("Đã ghi 60.000 dòng")
    expect(page.locator("#rows-read")).to_have_text("60.000")
    shot("jobs-02-result")
    page.get_by_role("link", name="Mở sổ khen thưởng").click()
    page.fill("#id_q", "Phạm Thị Trình 59999")
    page.get_by_role("button", name="Tìm").click()
    expect(page.locator("#registry")).to_contain_text("Phạm Thị Trình 59999")
