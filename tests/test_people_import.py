"""People's yearly histories from a file: one person through the 2025 merger, namesakes kept
apart, row/column errors that write nothing, the officer's own unit only, a fixed number of
queries, the CLI's JSON."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.accounts.models import AuditEntry
from thidua.accounts.permissions import SYSTEM
from thidua.awards.duplicates import duplicate_candidates
from thidua.awards.eligibility import Nominee, Records, _Context, _rating_streak, evaluate
from thidua.awards.histories import import_histories
from thidua.awards.models import Initiative, Person, PersonUnit, Rating
from thidua.awards.privacy import person_record
from thidua.awards.selectors import person_card
from thidua.orgs.lineage import UnitResolver
from thidua.orgs.models import Lineage, Unit

HEADER = ["Họ và tên", "Năm sinh", "Đơn vị", "Năm", "Xếp loại", "Sáng kiến", "Phạm vi sáng kiến"]
LA = "Sở Tài chính tỉnh Long An"
TN = "Sở Tài chính tỉnh Tây Ninh"
NAME, BORN = "Trương Thị Kế Thừa", 1981


def sheet(tmp_path, rows, name="histories.csv", header=HEADER):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


MERGER = [
    [NAME, BORN, LA, 2023, "Hoàn thành xuất sắc nhiệm vụ", "", ""],
    [NAME, BORN, LA, 2024, "htxsnv", "Phần mềm đối chiếu chi", "Cơ  Sở"],
    [NAME, BORN, TN, 2025, "HOÀN THÀNH  xuất sắc nhiệm vụ", "Sổ tay quyết toán", "cấp tỉnh"],
]


def test_the_departments_have_their_province_and_the_merger_lineage(db):
    old = Unit.objects.get(code="80.STC")
    new = Unit.objects.get(code="80.STC.2025")
    assert (old.name, old.valid_to, old.parent.name) == (LA, date(2025, 6, 30), "Long An")
    assert (new.name, new.valid_from, new.parent.name) == (TN, date(2025, 7, 1), "Tây Ninh")
    old_tn = Unit.objects.get(code="72.STC")
    preds = set(Lineage.objects.filter(successor=new).values_list("predecessor", flat=True))
    assert preds == {old.pk, old_tn.pk}
    units = UnitResolver()
    assert units.find("Sở Tài chính Long An", 2024) == old.pk
    assert units.find(TN, 2024) == old_tn.pk and units.find(TN, 2025) == new.pk
    assert units.root(old.pk) == new.pk


def test_a_history_across_the_merger_is_one_person_and_one_streak(db, tmp_path):
    people = Person.objects.count()
    result = import_histories(SYSTEM, sheet(tmp_path, MERGER))
    assert result.as_dict() == {
        "ok": True,
        "written": 3,
        "unchanged": 0,
        "people_created": 1,
        "errors": [],
    }
    assert Person.objects.count() == people + 1
    person = Person.objects.get(full_name=NAME, birth_year=BORN)
    assert person.unit.code == "80.STC.2025"  # the unit of the latest year
    assert dict(person.ratings.values_list("year", "rating")) == {
        2023: "HTXS",
        2024: "HTXS",
        2025: "HTXS",
    }
    assert dict(person.initiatives.values_list("year", "scope")) == {2024: "co_so", 2025: "bo_tinh"}
    units = dict(PersonUnit.objects.filter(person=person).values_list("year", "unit__code"))
    assert units == {2023: "80.STC", 2024: "80.STC", 2025: "80.STC.2025"}
    # BK cấp Bộ, tỉnh 2025: two years in a row "Hoàn thành xuất sắc" (2024, 2025) and two
    # initiatives: the streak crosses the merger.
    verdict = evaluate(Nominee("BK_BT", 2025, person_id=person.pk))
    passed = {c.rule: c.passed for c in verdict.conditions}
    assert passed == {"any": True, "initiative": True}, [c.detail for c in verdict.conditions]
    # and the three years 2023–2025 are one streak of the one person
    ctx = _Context(Nominee("BK_BT", 2025, person_id=person.pk), Records([]))
    ctx.records.ratings[("p", person.pk)] = dict(person.ratings.values_list("year", "rating"))
    assert _rating_streak({"min": "HTXS", "years": 3}, ctx).passed
    assert AuditEntry.objects.filter(action="awards.histories.imported").count() == 1
    # the person's page and export show where each year was spent
    card = person_card(SYSTEM, person)
    assert [(r["year"], r["unit"]) for r in card["ratings"]] == [(2025, TN), (2024, LA), (2023, LA)]
    exported = person_record(SYSTEM, person, via="cli")["units_by_year"]
    assert [u["unit"] for u in exported] == [LA, LA, TN]


def test_a_reimport_writes_nothing(db, tmp_path):
    path = sheet(tmp_path, MERGER)
    import_histories(SYSTEM, path)
    counts = [m.objects.count() for m in (Person, Rating, Initiative, PersonUnit, AuditEntry)]
    again = import_histories(SYSTEM, path)
    assert (again.ok, again.written, again.unchanged, again.people_created) == (True, 0, 3, 0)
    assert [m.objects.count() for m in (Person, Rating, Initiative, PersonUnit, AuditEntry)] == (
        counts
    )


def test_a_later_file_in_the_new_units_name_finds_the_same_person(db, tmp_path):
    import_histories(SYSTEM, sheet(tmp_path, MERGER[:2]))
    result = import_histories(SYSTEM, sheet(tmp_path, MERGER[2:], name="2025.csv"))
    assert (result.written, result.people_created) == (1, 0)
    assert Person.objects.filter(full_name=NAME).count() == 1


def test_a_corrected_rating_is_written_and_audited(db, tmp_path):
    import_histories(SYSTEM, sheet(tmp_path, MERGER))
    fixed = [[NAME, BORN, LA, 2024, "HTTNV", "", ""]]
    result = import_histories(SYSTEM, sheet(tmp_path, fixed, name="fix.csv"))
    assert (result.written, result.unchanged) == (1, 0)
    assert Rating.objects.get(person__full_name=NAME, year=2024).rating == "HTT"
    entry = AuditEntry.objects.filter(action="awards.histories.imported").latest("id")
    assert "HTXS" in json.dumps(entry.after) and "HTT" in json.dumps(entry.after)


def test_namesakes_differing_only_by_diacritics_stay_two_people(db, tmp_path):
    rows = [
        ["Nguyễn Văn An", 1975, LA, 2024, "HTNV", "", ""],
        ["Nguyễn Văn Ân", 1975, LA, 2024, "HTXSNV", "", ""],
    ]
    result = import_histories(SYSTEM, sheet(tmp_path, rows))
    assert (result.ok, result.people_created) == (True, 2)
    an = Person.objects.get(full_name="Nguyễn Văn An")
    aan = Person.objects.get(full_name="Nguyễn Văn Ân")
    assert an.ratings.get().rating == "HT" and aan.ratings.get().rating == "HTXS"
    # eligibility --file finds each by the name as written, not both by the name without accents
    path = tmp_path / "nominees.csv"
    path.write_text(
        "full_name,birth_year,award,year\nNguyễn Văn An,1975,LDTT,2024\n"
        "Nguyễn Văn Ân,1975,LDTT,2024\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("eligibility", "--file", str(path), "--json", stdout=out)
    verdicts = json.loads(out.getvalue())
    assert [v["person_id"] for v in verdicts] == [an.pk, aan.pk]
    # An (HTNV) fails the rating; Ân (HTXSNV) meets it, the rest is left to verify (LĐTT's
    # conditions are not all in the records), never "not eligible" for An's rating
    assert [v["outcome"] for v in verdicts] == ["ineligible", "to_verify"]


def test_eligibility_falls_back_to_the_name_without_accents_only_when_unambiguous(db, tmp_path):
    only = Person.objects.create(full_name="Đỗ Thị Bé Duy Nhất", birth_year=1966)
    path = tmp_path / "nominees.csv"
    path.write_text("full_name,birth_year,award,year\nDo Thi Be Duy Nhat,1966,LDTT,2024\n")
    out = io.StringIO()
    call_command("eligibility", "--file", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue())[0]["person_id"] == only.pk
    Person.objects.create(full_name="Đỗ Thị Bé Duy Nhắt", birth_year=1966)
    with pytest.raises(CommandError, match="cùng tên khi bỏ dấu"):
        call_command("eligibility", "--file", str(path), stdout=io.StringIO())


def test_bad_rows_give_row_and_column_errors_and_write_nothing(db, tmp_path):
    rows = [
        MERGER[0],
        [NAME, BORN, LA, 2024, "Xuất sắc lắm", "", ""],
        [NAME, BORN, LA, 1890, "HTNV", "", ""],
        ["", BORN, LA, 2024, "HTNV", "", ""],
        [NAME, "năm ngoái", LA, 2022, "HTNV", "", ""],
        [NAME, BORN, LA, 2022, "HTNV", "Sổ tay", "cấp huyện"],
    ]
    counts = [m.objects.count() for m in (Person, Rating, Initiative, PersonUnit)]
    result = import_histories(SYSTEM, sheet(tmp_path, rows))
    assert not result.ok and result.written == 0
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (3, "rating"),
        (4, "year"),
        (5, "full_name"),
        (6, "birth_year"),
        (7, "initiative_scope"),
    }
    bad_rating = next(e for e in result.errors if e.column == "rating")
    assert bad_rating.value == "Xuất sắc lắm" and "HTXSNV" in bad_rating.message
    assert [m.objects.count() for m in (Person, Rating, Initiative, PersonUnit)] == counts


def test_two_ratings_for_one_person_and_year_are_refused(db, tmp_path):
    rows = [[NAME, BORN, LA, 2024, "HTNV", "", ""], [NAME, BORN, "", 2024, "HTTNV", "", ""]]
    # A blank unit is another identity; the same unit through the lineage is not.
    rows[1][2] = "Sở Tài chính Long An"
    result = import_histories(SYSTEM, sheet(tmp_path, rows))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "rating")]
    assert not Person.objects.filter(full_name=NAME).exists()


def test_an_unknown_unit_is_kept_as_written_and_never_refuses_the_row(db, tmp_path):
    rows = [[NAME, BORN, "Trường Tiểu học Ấp Chợ Không Có", 2024, "HTTNV", "", ""]]
    result = import_histories(SYSTEM, sheet(tmp_path, rows))
    assert result.ok and result.people_created == 1
    person = Person.objects.get(full_name=NAME)
    assert person.unit is None and person.unit_name == "Trường Tiểu học Ấp Chợ Không Có"
    assert PersonUnit.objects.get(person=person).unit_name == person.unit_name


def test_a_collectives_own_rating_goes_in_by_code_or_name(db, tmp_path):
    rows = [["80.STC", "", "", 2024, "HTXSNV", "", ""], [TN, "", "", 2025, "HTTNV", "", ""]]
    result = import_histories(SYSTEM, sheet(tmp_path, rows))
    assert result.ok and result.people_created == 0
    assert Rating.objects.get(unit__code="80.STC", year=2024).rating == "HTXS"
    assert Rating.objects.get(unit__code="80.STC.2025", year=2025).rating == "HTT"
    unknown = [["Ban Không Tồn Tại", "", "", 2024, "HTNV", "", ""]]
    refused = import_histories(SYSTEM, sheet(tmp_path, unknown, name="u.csv"))
    assert [(e.row, e.column) for e in refused.errors] == [(2, "birth_year")]


def test_english_headers_and_abbreviations_are_read(db, tmp_path):
    header = ["full_name", "birth_year", "unit", "year", "rating", "initiative", "initiative_scope"]
    rows = [[NAME, BORN, LA, 2024, "khtnv", "Đề tài", "toàn quốc"]]
    result = import_histories(SYSTEM, sheet(tmp_path, rows, header=header))
    assert result.ok
    person = Person.objects.get(full_name=NAME)
    assert person.ratings.get().rating == "KHT"
    assert person.initiatives.get().scope == "toan_quoc"


def test_an_officer_imports_only_his_own_units_people(users, tmp_path):
    officer = users["longan"]  # officer of Long An province (code 80)
    mine = [[NAME, BORN, LA, 2024, "HTTNV", "", ""]]
    assert import_histories(officer, sheet(tmp_path, mine), via="web").ok
    other = [
        ["Ngoài Đơn Vị Một", 1970, "Sở Tài chính tỉnh Kiên Giang", 2024, "HTTNV", "", ""],
        ["Ngoài Đơn Vị Hai", 1970, "Một nơi không ai biết", 2024, "HTTNV", "", ""],
        ["91.STC", "", "", 2024, "HTTNV", "", ""],
    ]
    result = import_histories(officer, sheet(tmp_path, other, name="other.csv"), via="web")
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "unit"),
        (3, "unit"),
        (4, "full_name"),
    ]
    assert not Person.objects.filter(full_name__startswith="Ngoài Đơn Vị").exists()
    with pytest.raises(PermissionDenied):
        import_histories(users["xem"], sheet(tmp_path, mine, name="v.csv"))


def test_the_import_takes_a_fixed_number_of_queries(db, tmp_path):
    def queries(n: int, name: str) -> int:
        rows = []
        for i in range(n):
            person = f"Người Thử Số {name} {i}"
            rows += [[person, 1980, LA, 2023, "HTNV", f"Sáng kiến {i}", "cơ sở"]]
            rows += [[person, 1980, TN, 2025, "HTTNV", "", ""]]
        path = sheet(tmp_path, rows, name=f"{name}.csv")
        with CaptureQueriesContext(connection) as ctx:
            assert import_histories(SYSTEM, path).ok
        return len(ctx)

    assert queries(3, "a") == queries(60, "b")


def test_people_in_linked_units_are_listed_as_probable_duplicates(db):
    old, new = Unit.objects.get(code="80.STC"), Unit.objects.get(code="80.STC.2025")
    a = Person.objects.create(full_name=NAME, birth_year=BORN, unit=old)
    b = Person.objects.create(full_name=NAME, birth_year=BORN, unit=new)
    [group] = [g for g in duplicate_candidates() if {p["id"] for p in g.people} == {a.pk, b.pk}]
    assert group.reason.startswith("đơn vị kế thừa nhau sau sắp xếp")
    assert "Long An" in group.reason and "Tây Ninh" in group.reason


def test_the_cli_prints_the_json_contract_and_refuses_bad_files(db, tmp_path):
    out = io.StringIO()
    call_command(
        "people", "import", str(sheet(tmp_path, MERGER)), "--dry-run", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert list(data) == ["ok", "written", "unchanged", "people_created", "errors"]
    assert (data["ok"], data["written"], data["people_created"]) == (True, 3, 1)
    assert not Person.objects.filter(full_name=NAME).exists()  # a dry run
    call_command("people", "import", str(sheet(tmp_path, MERGER)), stdout=out)
    assert "Đã ghi 3 dòng" in out.getvalue()
    bad = sheet(tmp_path, [[NAME, BORN, LA, 2024, "??", "", ""]], name="bad.csv")
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("people", "import", str(bad), "--json", stdout=out)
    assert caught.value.returncode == 1
    [error] = json.loads(out.getvalue())["errors"]
    assert list(error) == ["row", "column", "value", "message"]
    assert (error["row"], error["column"], error["value"]) == (2, "rating", "??")


def test_the_registry_gives_people_their_unit_and_matches_through_the_lineage(db, tmp_path):
    from thidua.awards.registry import import_registry

    path = tmp_path / "registry.csv"
    path.write_text(
        "Họ và tên,Năm sinh,Đơn vị,Hình thức khen thưởng,Năm,Số quyết định\n"
        f"{NAME},{BORN},{LA},LDTT,2024,12/QĐ-UBND\n"
        f"{NAME},{BORN},{TN},LDTT,2025,34/QĐ-UBND\n",
        encoding="utf-8",
    )
    result = import_registry(path, filename=str(path))
    assert result.ok and (result.written, result.people_created) == (2, 1)
    person = Person.objects.get(full_name=NAME)
    assert person.unit.code == "80.STC.2025"
    # each entry's unit as of its year
    units = dict(person.awards.values_list("year", "unit__code"))
    assert units == {2024: "80.STC", 2025: "80.STC.2025"}
    histories = import_histories(SYSTEM, sheet(tmp_path, MERGER))
    assert histories.people_created == 0  # the registry's person, found through the lineage
