"""Background work (thidua.jobs): the registry upload imported by the worker with its progress,
the job's page and who sees it, the daily jobs, PDFs with and without LibreOffice, and a worker
killed midway (nothing half-written; the task runs again)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from django.urls import reverse

from tests.conftest import ON_POSTGRES, cli_env
from thidua.awards.models import AwardEntry
from thidua.jobs.models import DailyRun, Job
from thidua.jobs.worker import run_daily_jobs, run_queued

HEADER = ["Họ và tên", "Năm sinh", "Đơn vị", "Hình thức khen thưởng", "Năm"]


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def _upload(client, data: bytes, name: str = "danh-sach.csv"):
    return client.post(
        reverse("web:registry_import"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def _job_from(response) -> Job:
    assert response.status_code == 302, response.content[:500]
    return Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


# The registry upload: the board's, imported by the worker, ending on the job's page


def test_the_board_uploads_a_list_and_the_worker_imports_it(as_user, settings):
    client = as_user("bantw")
    before = AwardEntry.objects.count()
    rows = [(f"Nguyễn Văn Nền {i}", 1970 + i, "Sở Tài chính", "LDTT", 2020) for i in range(25)]
    job = _job_from(_upload(client, _csv(rows)))
    stored = settings.DATA_DIR / "jobs" / job.file_path
    assert stored.is_file() and oct(stored.stat().st_mode & 0o777) == "0o600"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Đang chờ" in page and 'hx-trigger="every 1s"' in page  # polls while it waits
    assert AwardEntry.objects.count() == before  # nothing written by the request

    assert run_queued() == 1
    job.refresh_from_db()
    assert (job.state, job.rows_read, job.rows_checked, job.rows_written) == ("done", 25, 25, 25)
    assert AwardEntry.objects.count() == before + 25
    assert not stored.exists()  # the upload is gone once imported
    part = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Đã ghi 25 dòng" in part and "hx-trigger" not in part  # the poll stops
    assert 'id="rows-written">25' in part


def test_a_wrong_row_refuses_the_whole_file_and_the_page_says_where(as_user):
    client = as_user("bantw")
    before = AwardEntry.objects.count()
    rows = [("Trần Thị Đúng", 1980, "Sở Y tế", "LDTT", 2020), ("Lê Văn Sai", 1981, "", "XYZ", 2020)]
    job = _job_from(_upload(client, _csv(rows)))
    run_queued()
    job.refresh_from_db()
    assert job.state == "failed" and "không có gì được ghi" in job.error
    assert AwardEntry.objects.count() == before
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="job-errors"' in page and "XYZ" in page and '<td class="num">3</td>' in page


def test_only_the_board_may_upload_and_only_some_files(as_user):
    assert _upload(as_user("camau"), _csv([])).status_code == 403
    client = as_user("bantw")
    response = _upload(client, b"MZ", "chuong-trinh.exe")
    assert response.status_code == 200 and "không đúng loại" in response.content.decode()
    assert not Job.objects.filter(kind="import").exists()


def test_the_job_page_is_for_its_starter_and_the_board(as_user, client, users):
    job = _job_from(_upload(as_user("bantw"), _csv([("A Bê", 1970, "", "LDTT", 2020)])))
    url = job.get_absolute_url()
    for name, status in (("bantw", 200), ("camau", 404), ("longan", 404)):
        client.force_login(users[name])
        assert client.get(url).status_code == status, name


def test_a_job_upload_may_exceed_the_form_limit_only_on_its_page(settings):
    from thidua.web.upload_limit import UploadSizeMiddleware

    settings.THIDUA_MAX_UPLOAD_BYTES, settings.THIDUA_JOB_UPLOAD_BYTES = 1024**2, 50 * 1024**2
    middleware = UploadSizeMiddleware(lambda request: "passed")
    size = str(30 * 1024**2)
    factory = RequestFactory()
    job_page = factory.post(reverse("web:registry_import"), CONTENT_LENGTH=size)
    other = factory.post(reverse("web:backlog_import", args=["X"]), CONTENT_LENGTH=size)
    assert middleware(job_page) == "passed"
    assert middleware(other).status_code == 413
    too_big = factory.post(reverse("web:registry_import"), CONTENT_LENGTH=str(60 * 1024**2))
    assert middleware(too_big).status_code == 413


# Daily jobs: once per calendar day, recorded in the database


CALLS: list[str] = []


def daily_for_test() -> None:
    CALLS.append("ran")


def daily_that_fails() -> None:
    raise RuntimeError("hỏng")


@override_settings(
    THIDUA_DAILY_JOBS=["tests.test_jobs.daily_for_test", "tests.test_jobs.daily_that_fails"]
)
def test_daily_jobs_run_once_a_day_and_a_restart_does_not_repeat_them(db):
    CALLS.clear()
    day = date(2026, 12, 5)
    assert run_daily_jobs(day) == [
        "tests.test_jobs.daily_for_test",
        "tests.test_jobs.daily_that_fails",
    ]
    assert run_daily_jobs(day) == [] and CALLS == ["ran"]  # a second pass, a restarted worker
    failed = DailyRun.objects.get(path="tests.test_jobs.daily_that_fails", day=day)
    assert "hỏng" in failed.error and failed.finished_at is not None
    assert run_daily_jobs(date(2026, 12, 6)) and CALLS == ["ran", "ran"]


def test_the_day_is_vietnams(db, settings):
    from django.utils import timezone
    from django.utils.module_loading import import_string

    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.THIDUA_DAILY_JOBS == ["thidua.ops.reminders.run_daily"]
    assert all(callable(import_string(path)) for path in settings.THIDUA_DAILY_JOBS)
    assert timezone.localdate().isoformat()  # the worker's default day


# PDF: offered only with LibreOffice, made in the background


def _without_libreoffice(monkeypatch, tmp_path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_without_libreoffice_no_pdf_button_but_a_line_saying_what_is_needed(
    as_user, monkeypatch, tmp_path
):
    _without_libreoffice(monkeypatch, tmp_path)
    client = as_user("camau")
    page = client.get(reverse("web:review", args=["TNB", "2019H1"])).content.decode()
    assert 'id="review-pdf"' not in page
    assert "apt-get install -y libreoffice-writer-nogui fonts-liberation2" in page
    response = client.post(reverse("web:review_pdf", args=["TNB", "2019H1"]))
    assert response.status_code == 503 and "libreoffice-writer-nogui" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_with_libreoffice_the_pdf_is_made_in_the_background(as_user):
    client = as_user("camau")
    page = client.get(reverse("web:review", args=["TNB", "2019H1"])).content.decode()
    assert 'id="review-pdf"' in page and "libreoffice-writer-nogui" not in page
    response = client.post(
        reverse("web:review_pdf", args=["TNB", "2019H1"]), HTTP_HX_REQUEST="true"
    )
    job = Job.objects.get(kind="review_pdf")
    assert response["HX-Redirect"] == job.get_absolute_url()
    assert run_queued() == 1
    job.refresh_from_db()
    assert job.state == "done", job.error
    download = client.get(reverse("web:job_download", args=[job.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Disposition"].endswith('filename="bao-cao-TNB-2019H1.pdf"')


# The worker as a process: --once, and killed midway


def _shell(env, script: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "thidua", "shell", "--no-imports", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


ENQUEUE = (
    "from django.core.files.uploadedfile import SimpleUploadedFile as F;"
    "from django.contrib.auth import get_user_model as U;"
    "from thidua.jobs import services as s;"
    "data=open({path!r},'rb').read();"
    "print(s.start_import(U().objects.get(username='bantw'),'registry',F('big.csv',data)).pk)"
)
STATE = (
    "from thidua.jobs.models import Job;from thidua.awards.models import AwardEntry;import json;"
    "j=Job.objects.get(pk={pk});"
    "print(json.dumps([j.state,j.phase,j.rows_read,j.rows_checked,j.rows_written,j.attempts,"
    "AwardEntry.objects.count()]))"
)


def _big_csv(path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for i in range(rows):
            out.writerow(
                [f"Nguyễn Văn Nền {i}", 1950 + i % 50, f"Sở {i % 97}", "LDTT", 2000 + i % 25]
            )


def test_a_worker_killed_midway_writes_nothing_and_the_next_one_runs_the_task_again(
    tmp_path, demo_copy
):
    env = cli_env(**demo_copy)
    path = tmp_path / "big.csv"
    # Enough that the write lasts ~2 s (SQLite) and shows rows written midway (PostgreSQL):
    # a kill after the write ends fails the state check below rather than passing.
    rows = 50_000
    _big_csv(path, rows)
    pk = int(_shell(env, ENQUEUE.format(path=str(path))))
    before = json.loads(_shell(env, STATE.format(pk=pk)))[-1]
    worker = subprocess.Popen(
        [sys.executable, "-m", "thidua", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in worker.stdout:  # the phases as the worker logs them
            if f"việc {pk}: write" in line:
                break
        else:
            pytest.fail("the worker ended before writing")
        if ON_POSTGRES:
            _written_so_far(env["THIDUA_DATABASE_URL"], pk)  # counted live, mid-transaction
        else:
            time.sleep(0.5)  # inside the one write transaction (~2 s for these rows)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    state, phase, read, checked, written, attempts, entries = json.loads(
        _shell(env, STATE.format(pk=pk))
    )
    # The progress the web showed: every row read and checked, the write under way.
    assert (state, phase, read, checked, attempts) == ("running", "write", rows, rows, 1)
    assert entries == before  # nothing half-written

    again = subprocess.run(
        [sys.executable, "-m", "thidua", "worker", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    state, phase, read, checked, written, attempts, entries = json.loads(
        _shell(env, STATE.format(pk=pk))
    )
    assert (state, written, attempts) == ("done", rows, 2)
    assert entries == before + rows


def _written_so_far(url: str, pk: int) -> int:
    """Wait until the job's page would show rows written while the write transaction is still
    open (PostgreSQL: the progress goes through a connection of its own)."""
    import psycopg

    deadline = time.monotonic() + 120
    with psycopg.connect(url, autocommit=True) as con:
        while time.monotonic() < deadline:
            found = con.execute("SELECT rows_written FROM jobs_job WHERE id = %s", [pk]).fetchone()
            if found[0]:
                return found[0]
            time.sleep(0.05)
    pytest.fail("no rows written were shown during the write")


def test_serve_starts_the_worker_beside_the_web_and_stops_it(tmp_path, demo_copy):
    env = cli_env(**demo_copy, THIDUA_WARM_ON_START="false")
    path = tmp_path / "small.csv"
    _big_csv(path, 10)
    pk = int(_shell(env, ENQUEUE.format(path=str(path))))
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "thidua", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while json.loads(_shell(env, STATE.format(pk=pk)))[0] != "done":
            assert time.monotonic() < deadline, "the worker beside the server did not run the job"
            time.sleep(1)
        children = _workers_of(server.pid)
        assert len(children) == 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    deadline = time.monotonic() + 30
    while any(os.path.exists(f"/proc/{c}") and _running(c) for c in children):
        assert time.monotonic() < deadline, "the worker outlived the server"
        time.sleep(0.2)


def _workers_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if b"worker" in args and b"--parent" in args and str(pid).encode() in args:
            found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_old_job_files_are_purged_and_the_page_says_so(as_user, settings):
    from datetime import timedelta

    from django.utils import timezone

    from thidua.jobs.services import purge_outputs

    client = as_user("camau")
    job = _job_from(client.post(reverse("web:review_pdf", args=["TNB", "2019H1"])))
    run_queued()
    job.refresh_from_db()
    made = settings.DATA_DIR / "jobs" / job.output_path
    assert made.is_file()
    assert purge_outputs() == 0  # just made: kept
    later = timezone.now() + timedelta(hours=settings.THIDUA_UPLOAD_KEEP_HOURS + 1)
    assert purge_outputs(later) == 1 and not made.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="job-purged"' in page
    assert client.get(reverse("web:job_download", args=[job.pk])).status_code == 302
