"""The registry's counts by year, award and unit, kept as data: every write path keeps them equal
to a full count, the statistics read them without counting the registry, the CLI verifies."""

import importlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.test_backlog import TODAY, case_input, programme  # noqa: F401 (fixture)
from tests.test_proposals import checked, dept, draft, person, voted  # noqa: F401 (fixtures)
from tests.test_registry import GOOD, write
from thidua.awards import backlog, counts
from thidua.awards.decisions import add_entry
from thidua.awards.duplicates import merge_people
from thidua.awards.models import AwardEntry, AwardType, Person, RegistryCount
from thidua.awards.registry import import_registry, statistics
from thidua.awards.selectors import registry_statistics
from thidua.common.text import name_key


def full_statistics(by: str) -> dict:
    field = {"year": "year", "award": "award_type__code", "unit": "unit_name"}[by]
    rows = AwardEntry.objects.values_list(field).order_by(field)
    found: dict = {}
    for (key,) in rows:
        found[key] = found.get(key, 0) + 1
    return found


def assert_counts_match():
    assert counts.differences() == []
    for by, field in (("year", "year"), ("award", "award_type__code"), ("unit", "unit_name")):
        assert {r[field]: r["count"] for r in statistics(by=by)} == full_statistics(by)


def test_the_demo_loads_with_counts_equal_to_a_full_count(db):
    assert RegistryCount.objects.exists()
    assert_counts_match()


def test_the_migration_backfills_the_counts_of_an_existing_registry(db):
    migration = importlib.import_module("thidua.awards.migrations.0006_registry_counts")
    RegistryCount.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    assert_counts_match()


def test_an_import_adds_its_rows_to_the_counts_in_one_statement(db, tmp_path):
    before = {r["year"]: r["count"] for r in statistics(by="year")}
    with CaptureQueriesContext(connection) as queries:
        result = import_registry(write(tmp_path, GOOD))
    assert result.ok and result.written == 5
    after = {r["year"]: r["count"] for r in statistics(by="year")}
    assert after[2019] - before.get(2019, 0) == 2 and after[2021] - before.get(2021, 0) == 2
    upserts = [q for q in queries.captured_queries if "registrycount" in q["sql"].lower()]
    assert len(upserts) <= 1 or connection.vendor == "postgresql"  # executemany: one statement
    assert_counts_match()
    # The same file again writes nothing and counts nothing twice.
    assert import_registry(write(tmp_path, GOOD)).written == 0
    assert_counts_match()


def test_a_decided_proposal_is_counted(users, voted, person):  # noqa: F811
    from datetime import date

    from thidua.awards import services

    counts.recount()  # the fixtures wrote their earlier awards straight into the table
    services.decide_proposal(
        users["bantw"],
        voted,
        number="9/QĐ-UBND",
        decided_on=date(2026, 1, 5),
        signer="Chủ tịch UBND tỉnh",
        today=date(2026, 1, 5),
    )
    assert_counts_match()


def test_an_awarded_backlog_case_is_counted(users, programme, unit):  # noqa: F811
    counts.recount()
    case = backlog.add_case(users["longan"], programme, case_input(unit("80"))).case
    case = backlog.move_case(users["longan"], case, "in_review", on=TODAY)
    decision = backlog.Decision("1/QĐ-CTN", TODAY, "Chủ tịch nước")
    backlog.move_case(users["bantw"], case, "awarded", on=TODAY, decision=decision)
    assert_counts_match()


def test_a_merge_moves_entries_between_people_and_the_counts_stay(users):
    keep = Person.objects.create(full_name="Lò Văn Mười", birth_year=1970, unit_name="Sở Y tế")
    other = Person.objects.create(full_name="Lò Văn Mười", birth_year=1970, unit_name="Sở Y tế")
    ldtt = AwardType.objects.get(code="LDTT")
    add_entry(
        award_type=ldtt,
        year=2018,
        person=other,
        recipient_name=other.full_name,
        name_key=name_key(other.full_name),
        unit_name="Sở Y tế",
    )
    assert_counts_match()
    merge_people(users["bantw"], keep, other, "Đối chiếu lý lịch: cùng một người")
    assert keep.awards.count() == 1
    assert_counts_match()


def test_taking_entries_away_counts_them_down(db):
    entries = list(AwardEntry.objects.filter(year=2020)[:3])
    counts.add_entries(entries, sign=-1)
    AwardEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()
    assert_counts_match()


def test_the_statistics_page_and_api_read_the_counts_not_the_registry(users, client):
    client.force_login(users["bantw"])
    table = AwardEntry._meta.db_table
    for by in ("year", "award", "unit"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("web:award_statistics"), {"by": by})
        assert response.status_code == 200
        assert not [q for q in queries.captured_queries if table in q["sql"]]
    assert (
        registry_statistics("year")[0]["count"]
        == full_statistics("year")[int(registry_statistics("year")[0]["key"])]
    )


def test_verify_passes_then_names_a_count_that_differs_and_recount_repairs(db, capsys):
    call_command("registry", "stats", "--verify")
    assert "khớp" in capsys.readouterr().out
    ldtt = AwardType.objects.get(code="LDTT")
    # A write that went around the doors: the counts no longer hold it.
    AwardEntry.objects.create(award_type=ldtt, year=1999, recipient_name="Ngoài sổ", unit_name="X")
    with pytest.raises(CommandError) as failed:
        call_command("registry", "stats", "--verify", "--json")
    assert failed.value.returncode == 1
    report = json.loads(capsys.readouterr().out)
    assert not report["ok"]
    assert {"dimension": "year", "item": "1999", "stored": 0, "counted": 1} in report["differences"]
    assert {"dimension": "unit", "item": "X", "stored": 0, "counted": 1} in report["differences"]
    call_command("registry", "stats", "--recount", "--verify")
    assert counts.differences() == []
