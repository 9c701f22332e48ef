"""Batch eligibility on the web: the file of `thidua eligibility --file` uploaded, checked by the
worker with its progress, the verdicts in words on the job's page and in a workbook; an officer
only for his own units' people, a refused file gives no verdict; a fixed number of queries."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from thidua.accounts import permissions as perms
from thidua.awards.eligibility import OUTCOME_TEXT, Nominee, evaluate_many
from thidua.awards.eligibility_batch import check_file
from thidua.awards.models import Person
from thidua.jobs.models import Job
from thidua.jobs.worker import run_queued
from thidua.orgs.models import Unit

pytestmark = pytest.mark.django_db
URL = "/awards/eligibility/batch/"


def _people(users, n: int, *, own: bool) -> list[Person]:
    units = perms.proposal_unit_ids(users["longan"])
    found = Person.objects.filter(merged_into=None, unit_id__isnull=False)
    found = found.filter(unit_id__in=units) if own else found.exclude(unit_id__in=units)
    return list(found.order_by("id")[:n])


def _csv(rows) -> SimpleUploadedFile:
    text = "person_id,award,year\n" + "".join(f"{p},{a},{y}\n" for p, a, y in rows)
    return SimpleUploadedFile("de-nghi.csv", text.encode(), "text/csv")


def _job(response) -> Job:
    assert response.status_code == 302, response.content[:300]
    return Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_an_officer_checks_his_peoples_file_in_the_worker(as_user, users):
    own = _people(users, 3, own=True)
    client = as_user("longan")
    assert client.get(URL).status_code == 200
    rows = [(p.pk, "LDTT", 2024) for p in own] + [(own[0].pk, "CSTDCS", 2024)]
    job = _job(client.post(URL, {"file": _csv(rows), "on": "2025-03-01"}))
    assert job.kind == "eligibility" and job.state == "queued"
    assert run_queued() == 1
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert (job.rows_read, job.rows_checked, job.rows_written) == (4, 4, 4)
    expected = evaluate_many([Nominee(a, y, person_id=p, on=date(2025, 3, 1)) for p, a, y in rows])
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Đã xét 4 đề nghị" in page and 'id="job-verdicts"' in page
    for person, verdict in zip([own[0], own[1], own[2], own[0]], expected, strict=True):
        assert person.full_name in page
        assert OUTCOME_TEXT[verdict.outcome] in page
    assert verdict.award_name in page  # the award's name, not its code
    # the workbook: one row per nominee, the outcome in words
    download = client.get(reverse("web:job_download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    values = list(sheet.values)
    assert len(values) == 5 and values[0][5] == "Kết quả"
    assert [r[5] for r in values[1:]] == [OUTCOME_TEXT[v.outcome] for v in expected]
    assert values[4][3] == expected[3].award_name and values[1][1] == own[0].full_name


def test_an_officer_cannot_check_other_units_people_and_nothing_is_made(as_user, users):
    [own], [other] = _people(users, 1, own=True), _people(users, 1, own=False)
    client = as_user("longan")
    job = _job(client.post(URL, {"file": _csv([(own.pk, "LDTT", 2024), (other.pk, "LDTT", 2024)])}))
    run_queued()
    job.refresh_from_db()
    assert job.state == "failed" and "chưa xét dòng nào" in job.error
    assert not job.output_path and "verdicts" not in job.result
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="job-errors"' in page and '<td class="num">3</td>' in page
    assert other.full_name in page and "không thuộc đơn vị" in page
    # the board may check anyone's
    board = as_user("bantw")
    job = _job(board.post(URL, {"file": _csv([(own.pk, "LDTT", 2024), (other.pk, "LDTT", 2024)])}))
    run_queued()
    job.refresh_from_db()
    assert job.state == "done" and job.result["count"] == 2


def test_who_may_open_the_page_and_bad_rows_name_their_row(as_user, users):
    assert as_user("xem").get(URL).status_code == 403
    client = as_user("bantw")
    text = (
        "full_name,birth_year,unit_code,award,year\n"
        "Ai Đó Không Có,1950,,LDTT,2024\n,,ZZZ,LDTT,2024\n"
    )
    upload = SimpleUploadedFile("ds.csv", text.encode(), "text/csv")
    job = _job(client.post(URL, {"file": upload}))
    run_queued()
    job.refresh_from_db()
    assert job.state == "failed"
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [
        (2, "full_name"),
        (3, "unit_code"),
    ]
    refused = client.post(URL, {"file": SimpleUploadedFile("x.exe", b"MZ")}, follow=True)
    assert "không đúng loại" in refused.content.decode()
    assert Job.objects.filter(kind="eligibility").count() == 1


def _file(tmp_path, people, units) -> str:
    """Rows by id, by name and birth year, and collectives by unit code."""
    path = tmp_path / f"ds-{len(people)}.csv"
    lines = ["person_id,full_name,birth_year,unit_code,award,year"]
    lines += [f",,,{u.code},CSTDCS,2024" for u in units]
    for i, p in enumerate(people):
        by_name = i % 2 and p.birth_year
        lines.append(
            f",{p.full_name},{p.birth_year},,LDTT,2024" if by_name else f"{p.pk},,,,LDTT,2024"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_the_batch_takes_a_fixed_number_of_queries(users, tmp_path):
    everyone = Person.objects.filter(merged_into=None, birth_year__isnull=False).order_by("id")
    twice = Counter(everyone.values_list("full_name", "birth_year"))
    people = [p for p in everyone[:200] if twice[(p.full_name, p.birth_year)] == 1][:60]
    units = list(Unit.objects.valid_on(date(2024, 12, 31)).order_by("id")[:10])
    counts = []
    for n in (6, 60):
        path = _file(tmp_path, people[:n], units[: n // 6])
        board = type(users["bantw"]).objects.get(username="bantw")  # nothing cached on it
        with CaptureQueriesContext(connection) as queries:
            found = check_file(board, path, filename=path)
        assert found.ok, found.errors
        assert len(found.verdicts) == n + n // 6
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_cli_reads_the_same_file_and_unit_codes_name_their_row(db, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from thidua.orgs.models import Unit

    unit = Unit.objects.valid_on(date(2024, 12, 31)).filter(parent__isnull=True).first()
    path = tmp_path / "tap-the.csv"
    path.write_text(f"unit_code,award,year\n{unit.code},CSTDCS,2024\n", encoding="utf-8")
    out = io.StringIO()
    call_command("eligibility", "--file", str(path), "--json", stdout=out)
    [verdict] = json.loads(out.getvalue())
    assert verdict["unit_id"] == unit.pk
    path.write_text(f"unit_code,award,year\n{unit.code},CSTDCS,2024\nZZZ,CSTDCS,2024\n")
    with pytest.raises(CommandError) as caught:
        call_command("eligibility", "--file", str(path), stdout=io.StringIO())
    assert caught.value.returncode == 1
    assert "Dòng 3: không có đơn vị mã ZZZ năm 2024." in str(caught.value)
