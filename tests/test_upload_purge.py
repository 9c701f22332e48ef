"""Unconfirmed uploads do not stay on the disk (issue 16, no. 10): a refused file is deleted at
once, a checked one that nobody confirms after THIDUA_UPLOAD_KEEP_HOURS (on the next upload and
by `thidua uploads purge`)."""

from __future__ import annotations

import io
import os
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from thidua.indicators.models import Value

pytestmark = pytest.mark.django_db

GOOD = 'Đơn vị,Chỉ tiêu,Kỳ,Giá trị\nLong An,grdp_growth,2019,"9,5"\n'.encode("utf-8-sig")
BAD = "Đơn vị,Chỉ tiêu,Kỳ,Giá trị\nLong An,grdp_growth,2019,abc\n".encode("utf-8-sig")


@pytest.fixture
def folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "uploads"


@pytest.fixture
def officer(client, users):
    client.force_login(users["camau"])
    return client


def send(client, data: bytes, name: str = "so-lieu.csv"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(reverse("web:upload", args=["TNB", "2019"]), {"file": upload})


def waiting(folder) -> list[str]:
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def aged(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_a_checked_file_waits_for_its_confirm_and_is_gone_after_it(officer, folder):
    page = send(officer, GOOD)
    token = page.context["token"]
    assert waiting(folder) == [f"{token}.csv"]
    url = reverse("web:upload_confirm", args=["TNB", "2019"])
    done = officer.post(url, {"token": token}, follow=True)
    assert "Đã nhập" in done.content.decode()
    assert waiting(folder) == []
    growth = Value.objects.get(
        unit__code="80", indicator__code="grdp_growth", period="2019", is_current=True
    )
    assert growth.value == Decimal("9.5")


def test_a_file_with_errors_is_not_kept(officer, folder):
    page = send(officer, BAD)
    assert not page.context["result"].ok
    # The upload is gone; only the marked copy for the errors' download waits, purged like the
    # others (THIDUA_UPLOAD_KEEP_HOURS)
    kept = waiting(folder)
    assert len(kept) <= 1 and all(name.endswith("-loi.xlsx") for name in kept), kept


def test_a_file_that_cannot_be_read_is_not_kept(officer, folder):
    send(officer, b"PK\x03\x04 not really a workbook", "so-lieu.xlsx")
    assert waiting(folder) == []


def test_the_next_upload_removes_files_older_than_the_setting(officer, folder, settings):
    settings.THIDUA_UPLOAD_KEEP_HOURS = 24
    folder.mkdir()
    (folder / "old.xlsx").write_bytes(b"x")
    (folder / "recent.xlsx").write_bytes(b"x")
    aged(folder / "old.xlsx", 25)
    aged(folder / "recent.xlsx", 23)
    token = send(officer, GOOD).context["token"]
    assert waiting(folder) == sorted(["recent.xlsx", f"{token}.csv"])


def test_the_purge_command_removes_expired_files_and_says_how_many(folder, settings):
    settings.THIDUA_UPLOAD_KEEP_HOURS = 2
    folder.mkdir()
    for name, hours in (("a.csv", 3), ("b.xlsx", 50), ("c.csv", 1)):
        (folder / name).write_bytes(b"x")
        aged(folder / name, hours)
    out = io.StringIO()
    call_command("uploads", "purge", stdout=out)
    assert waiting(folder) == ["c.csv"]
    assert "Đã xóa 2 tệp" in out.getvalue()


def test_a_confirm_after_the_purge_asks_for_the_file_again(officer, folder, settings):
    token = send(officer, GOOD).context["token"]
    aged(folder / f"{token}.csv", settings.THIDUA_UPLOAD_KEEP_HOURS + 1)
    call_command("uploads", "purge", stdout=io.StringIO())
    done = officer.post(
        reverse("web:upload_confirm", args=["TNB", "2019"]), {"token": token}, follow=True
    )
    assert "Tệp đã tải lên không còn" in done.content.decode()
