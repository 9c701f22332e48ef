"""The registry: historical lists imported all or nothing, searched without diacritics."""

import json

import pytest
from django.core.management import CommandError, call_command

from thidua.accounts.models import AuditEntry
from thidua.awards.models import AwardEntry, Person
from thidua.awards.registry import as_public, import_registry, search

GOOD = """Họ và tên,Năm sinh,Đơn vị,Hình thức khen thưởng,Năm,Số quyết định,Ngày quyết định
Nguyễn Văn Hùng,1975,Sở Tài chính,Bằng khen của Thủ tướng Chính phủ,2019,T1234/QĐ-TTg,05/02/2020
Nguyễn Văn Hưng,1975,Sở Tài chính,BK_TTG,2019,T1234/QĐ-TTg,05/02/2020
Nguyễn Văn Hùng,1975,Sở Xây dựng,CSTDCS,2021,T12/QĐ-SXD,10/01/2022
Nguyễn Văn Hùng,1975,Sở Tài chính,CSTDCS,2021,T15/QĐ-STC,10/01/2022
Phòng Thi đua – Khen thưởng,,Sở Nội vụ,Tập thể lao động xuất sắc,2020,T88/QĐ-UBND,20/01/2021
"""


def write(tmp_path, text, name="ds.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_a_good_list_is_imported_with_people_matched_by_name_born_and_unit(db, tmp_path):
    result = import_registry(write(tmp_path, GOOD))
    assert result.ok and result.written == 5
    # Hùng of Sở Tài chính twice is one person; his namesake at Sở Xây dựng is another; and
    # Hưng, whose name differs only by a diacritic, is a third.
    imported = Person.objects.filter(
        name_key="nguyen van hung", birth_year=1975, unit_name__in=["Sở Tài chính", "Sở Xây dựng"]
    )
    assert sorted(imported.values_list("full_name", "unit_name")) == [
        ("Nguyễn Văn Hùng", "Sở Tài chính"),
        ("Nguyễn Văn Hùng", "Sở Xây dựng"),
        ("Nguyễn Văn Hưng", "Sở Tài chính"),
    ]
    assert (
        AwardEntry.objects.get(decision_number="T15/QĐ-STC").person
        == AwardEntry.objects.get(
            decision_number="T1234/QĐ-TTg", recipient_name="Nguyễn Văn Hùng"
        ).person
    )
    collective = AwardEntry.objects.get(decision_number="T88/QĐ-UBND")
    assert collective.is_collective and collective.person is None


def test_one_bad_row_rejects_the_file_with_row_column_and_value(db, tmp_path):
    bad = GOOD + "Trần Thị Lan,19x5,Sở Y tế,Huân chương Sao Mai,2019,1/QĐ,31/02/2019\n"
    before = AwardEntry.objects.count(), Person.objects.count(), AuditEntry.objects.count()
    result = import_registry(write(tmp_path, bad))
    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} == {
        (7, "birth_year"),
        (7, "award"),
        (7, "decision_date"),
    }
    assert next(e for e in result.errors if e.column == "award").value == "Huân chương Sao Mai"
    assert (
        AwardEntry.objects.count(),
        Person.objects.count(),
        AuditEntry.objects.count(),
    ) == before


def test_english_headers_are_read_too(db, tmp_path):
    text = (
        "full_name,birth_year,unit,award,year,decision_number,decision_date\n"
        "Lê Lan,1990,UBND xã,GK,2024,5/QĐ,01/12/2024\n"
    )
    assert import_registry(write(tmp_path, text)).written == 1


def test_search_ignores_diacritics_and_puts_the_exact_spelling_first(db, tmp_path):
    import_registry(write(tmp_path, GOOD))
    found = search("Nguyễn Văn Hưng")
    assert found[0].recipient_name == "Nguyễn Văn Hưng"
    assert {e.recipient_name for e in search("nguyen van hung")} == {
        "Nguyễn Văn Hùng",
        "Nguyễn Văn Hưng",
    }
    assert all(e.birth_year == 1975 for e in search("hung", born=1975))


def test_the_public_view_shows_only_public_fields(db, tmp_path):
    import_registry(write(tmp_path, GOOD))
    row = as_public(search("Hưng")[0])
    assert "born" not in row and "birth_year" not in row
    assert set(row) == {
        "person",
        "unit",
        "award",
        "award_code",
        "year",
        "decision",
        "decision_date",
    }


def test_the_cli_imports_and_searches_with_the_contract_json(db, tmp_path, capsys):
    path = write(tmp_path, GOOD)
    before = AwardEntry.objects.count()
    call_command("registry", "import", str(path), "--dry-run", "--json")
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert AwardEntry.objects.count() == before
    call_command("registry", "import", str(path))
    capsys.readouterr()
    call_command("registry", "search", "hung", "--born", "1975", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert {"person", "born", "unit", "award", "year", "decision"} <= set(rows[0])


def test_the_cli_exits_1_on_a_rejected_file_and_2_on_an_unreadable_one(db, tmp_path):
    with pytest.raises(CommandError) as rejected:
        call_command("registry", "import", str(write(tmp_path, "Họ và tên,Năm\nA,abc\n")))
    assert rejected.value.returncode == 1
    with pytest.raises(CommandError) as unreadable:
        call_command("registry", "import", str(tmp_path / "missing.csv"))
    assert unreadable.value.returncode == 2


def test_eligibility_cli_prints_the_contract_json(db, capsys):
    person = Person.objects.create(full_name="Phạm Minh", birth_year=1985)
    from thidua.awards.models import Rating

    Rating.objects.create(person=person, year=2025, rating="HTXS")
    call_command(
        "eligibility", "--person", str(person.pk), "--award", "LDTT", "--year", "2025", "--json"
    )
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] == "to_verify" and data["eligible"] is False  # conduct to verify
    assert {"rule", "passed", "detail", "status"} <= set(data["conditions"][0])
    assert data["missing"]


def test_importing_the_same_file_twice_writes_nothing_the_second_time(db, tmp_path, capsys):
    path = write(tmp_path, GOOD)
    assert import_registry(path).written == 5
    entries, people, audit = (
        AwardEntry.objects.count(),
        Person.objects.count(),
        AuditEntry.objects.count(),
    )
    call_command("registry", "import", str(path), "--json")
    again = json.loads(capsys.readouterr().out)
    assert (again["written"], again["unchanged"], again["people_created"]) == (0, 5, 0)
    assert (AwardEntry.objects.count(), Person.objects.count(), AuditEntry.objects.count()) == (
        entries,
        people,
        audit,
    )
    call_command("registry", "import", str(path), "--dry-run", "--json")
    assert json.loads(capsys.readouterr().out)["unchanged"] == 5


def test_the_same_entry_is_the_same_person_award_year_and_decision_number(db, tmp_path):
    import_registry(write(tmp_path, GOOD))
    # The decision number written with other spaces and case is the same entry; another year,
    # another decision number, or a namesake at another unit is a new one; a row repeated in
    # the file is written once.
    more = (
        GOOD.splitlines()[0]
        + "\n"
        + (
            "Nguyễn Văn Hùng,1975,Sở Tài chính,BK_TTG,2019, t1234 / qđ-ttg ,05/02/2020\n"
            "Phòng Thi đua – Khen thưởng,,Sở Nội vụ,Tập thể lao động xuất sắc,2020,T88/QĐ-UBND,\n"
            "Nguyễn Văn Hùng,1975,Sở Tài chính,BK_TTG,2020,T1234/QĐ-TTg,05/02/2021\n"
            "Nguyễn Văn Hùng,1975,Sở Tài chính,CSTDCS,2021,T16/QĐ-STC,10/01/2022\n"
            "Nguyễn Văn Hùng,1975,Sở Nội vụ,CSTDCS,2021,T15/QĐ-STC,10/01/2022\n"
            "Đỗ Quỳnh Như,1980,Sở Y tế,CSTDCS,2021,,\n"
            "Đỗ Quỳnh Như,1980,Sở Y tế,CSTDCS,2021,,\n"
        )
    )
    result = import_registry(write(tmp_path, more, "more.csv"))
    assert (result.written, result.unchanged) == (4, 3)
    assert AwardEntry.objects.filter(recipient_name="Đỗ Quỳnh Như").count() == 1
