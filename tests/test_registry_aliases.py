"""Registries as offices write them: aliases, patterns, `--map`, one error per unknown name,
achievement periods, and a re-import that writes nothing new."""

import csv
import io
import json
import random

import pytest
from django.core.management import CommandError, call_command

from thidua.accounts.models import AuditEntry
from thidua.awards.aliases import Matcher, add_alias, alias_key
from thidua.awards.models import AliasOrigin, AwardAlias, AwardEntry, AwardType
from thidua.awards.registry import import_registry
from thidua.common.errors import ValidationFailed

HEADER = ["Họ và tên", "Năm sinh", "Đơn vị", "Hình thức khen thưởng", "Năm", "Số QĐ", "Ngày QĐ"]

# How provincial offices write each award (law names, usual wording, abbreviations).
WRITTEN = {
    "CSTDBT": ["Chiến sĩ thi đua cấp tỉnh", "chiến sĩ thi đua  cấp Tỉnh", "CSTĐ cấp tỉnh"],
    "BK_BT": [
        "Bằng khen của Chủ tịch UBND tỉnh",
        "Bằng khen của Chủ tịch UBND tỉnh Long An",
        "BẰNG KHEN CỦA CHỦ TỊCH UBND TỈNH",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
    ],
    "BK_TTG": ["Bằng khen của Thủ tướng Chính phủ", "BKTTg", " Bằng khen Thủ tướng "],
    "CSTDCS": ["CSTĐCS", "Chiến sĩ thi đua cơ sở", "CSTĐ cơ sở", "cstđcs"],
    "LDTT": ["LĐTT", "Lao động tiên tiến", "lao động  tiên tiến"],
    "HCLD_III": ["HCLĐ hạng Ba", "Huân chương Lao động hạng Ba", "HCLĐ hạng III"],
    "GK": ["Giấy khen của Giám đốc Sở Tài chính", "Giấy khen của Giám đốc Sở Y tế", "Giấy khen"],
    "TTLDXS": ["Tập thể lao động xuất sắc", "TTLĐXS"],
}


def sheet(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def write(tmp_path, text, name="so.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return path


def province_registry(n: int = 3000, seed: int = 19):
    """n rows typed as offices type them; each row a distinct entry. Returns rows and the
    number of rows per award code."""
    rng = random.Random(seed)
    families, middles, given = ["Nguyễn", "Trần", "Lê", "Phạm"], ["Văn", "Thị"], ["An", "Bình"]
    rows, per_code = [], {}
    for i in range(n):
        code = rng.choice(sorted(WRITTEN))
        name = f"{rng.choice(families)} {rng.choice(middles)} {rng.choice(given)} {i}"
        year = rng.randint(2015, 2024)
        collective = code == "TTLDXS"
        rows.append(
            [
                f"Phòng {i}" if collective else name,
                "" if collective else rng.randint(1965, 1995),
                "Sở Tài chính",
                rng.choice(WRITTEN[code]),
                year,
                f"{i}/QĐ-UBND",
                f"{rng.randint(1, 28):02d}/0{rng.randint(1, 4)}/{year + 1}",
            ]
        )
        per_code[code] = per_code.get(code, 0) + 1
    return rows, per_code


def test_a_3000_row_provincial_registry_written_as_offices_write_it_imports_whole(db, tmp_path):
    rows, per_code = province_registry()
    path = write(tmp_path, sheet(rows))
    before = {c: AwardEntry.objects.filter(award_type__code=c).count() for c in per_code}
    result = import_registry(path)
    assert result.ok, result.errors[:3]
    assert (result.written, result.unchanged, result.errors) == (3000, 0, [])
    for code, n in per_code.items():
        assert AwardEntry.objects.filter(award_type__code=code).count() - before[code] == n


def test_reimporting_the_same_registry_writes_nothing_new(db, tmp_path):
    rows, _ = province_registry(300)
    path = write(tmp_path, sheet(rows))
    assert import_registry(path).written == 300
    counts = AwardEntry.objects.count(), AuditEntry.objects.count(), AwardAlias.objects.count()
    again = import_registry(path)
    assert (again.ok, again.written, again.unchanged, again.people_created) == (True, 0, 300, 0)
    assert (
        AwardEntry.objects.count(),
        AuditEntry.objects.count(),
        AwardAlias.objects.count(),
    ) == counts


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("HCLĐ hạng Ba", "HCLD_III"),
        ("huan chuong lao dong hang ba", "HCLD_III"),
        ("Bằng khen của Thủ tướng", "BK_TTG"),
        ("Bằng khen của Chủ tịch UBND tỉnh Tây Ninh", "BK_BT"),
        ("Bằng khen của Chủ tịch UBND tỉnh.", "BK_BT"),
        ("Giấy khen của Giám đốc Sở Nội vụ", "GK"),
        ("CSTĐCS", "CSTDCS"),
        ("LĐTT", "LDTT"),
        ("Chiến sĩ thi đua cấp tỉnh", "CSTDBT"),
        ("Chiến sĩ thi đua cơ sở", "CSTDCS"),
    ],
)
def test_names_match_without_case_diacritics_or_spaces(db, written, code):
    found = Matcher().find(written)
    assert AwardType.objects.get(pk=found).code == code


@pytest.mark.parametrize(
    "written",
    ["Huân chương Lao động hạng Nhì", "Chiến sĩ thi đua", "Bằng khen", "Giấy khen của", "Cờ"],
)
def test_different_or_incomplete_names_are_not_taken_for_another_award(db, written):
    assert Matcher().find(written) is None


def test_no_alias_key_names_two_awards(db):
    keys = list(AwardAlias.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
    names = {alias_key(a.name): a.code for a in AwardType.objects.all()}
    for alias in AwardAlias.objects.select_related("award_type"):
        assert names.get(alias.key, alias.award_type.code) == alias.award_type.code


def test_an_unknown_name_is_one_error_with_its_row_count_and_first_rows(db, tmp_path):
    rows = [
        [f"Người {i}", 1980, "Sở Y tế", "Bằng khen Giám đốc Công an tỉnh", 2020, f"{i}/QĐ", ""]
        for i in range(40)
    ] + [["Lê Văn C", 1981, "Sở Y tế", "Kỷ niệm chương X", 2020, "9/QĐ", ""]]
    before = AwardEntry.objects.count()
    result = import_registry(write(tmp_path, sheet(rows)))
    assert not result.ok and AwardEntry.objects.count() == before
    assert [e.value for e in result.errors] == [
        "Bằng khen Giám đốc Công an tỉnh",
        "Kỷ niệm chương X",
    ]
    first = result.errors[0]
    assert (first.row, first.column) == (2, "award")
    assert "40 dòng" in first.message and "2, 3, 4, 5, 6" in first.message
    assert "--map" in first.message
    assert result.as_dict()["unknown_awards"][0] == {
        "name": "Bằng khen Giám đốc Công an tỉnh",
        "rows": 40,
        "first_rows": [2, 3, 4, 5, 6],
    }


def test_map_imports_a_local_name_and_keeps_it_as_an_audited_alias(db, tmp_path, capsys):
    rows = [
        ["Trần Văn D", 1979, "Công an tỉnh", "BK Giám đốc CA tỉnh", 2021, "7/QĐ-CAT", "02/02/2022"],
        ["Trần Văn E", 1980, "Công an tỉnh", "bk giám đốc ca TỈNH", 2021, "8/QĐ-CAT", "02/02/2022"],
    ]
    path = write(tmp_path, sheet(rows))
    with pytest.raises(CommandError):
        call_command("registry", "import", str(path), "--json")
    capsys.readouterr()
    call_command("registry", "import", str(path), "--json", "--map", "BK Giám đốc CA tỉnh=GK")
    out = json.loads(capsys.readouterr().out)
    assert {"ok", "written", "unchanged", "people_created", "errors"} <= set(out)
    assert (out["ok"], out["written"], out["aliases_added"]) == (
        True,
        2,
        [{"name": "BK Giám đốc CA tỉnh", "award": "GK"}],
    )
    alias = AwardAlias.objects.get(key=alias_key("BK Giám đốc CA tỉnh"))
    assert (alias.award_type.code, alias.origin) == ("GK", AliasOrigin.IMPORT)
    assert AuditEntry.objects.filter(action="awards.alias.added", object_id=str(alias.pk)).exists()
    # The alias is kept: the same file imports again without --map and writes nothing new.
    audits = AuditEntry.objects.count()
    call_command("registry", "import", str(path), "--json")
    again = json.loads(capsys.readouterr().out)
    assert (again["written"], again["unchanged"], again["aliases_added"]) == (0, 2, [])
    assert AuditEntry.objects.count() == audits


def test_a_dry_run_with_map_keeps_no_alias(db, tmp_path):
    rows = [["Trần Văn F", 1979, "Sở X", "Khen tặng riêng", 2021, "1/QĐ", ""]]
    result = import_registry(
        write(tmp_path, sheet(rows)), dry_run=True, mapping={"Khen tặng riêng": "GK"}
    )
    assert result.ok and result.written == 1 and result.aliases_added == []
    assert not AwardAlias.objects.filter(key=alias_key("Khen tặng riêng")).exists()


def test_map_never_gives_a_known_name_to_another_award_or_an_unknown_code(db, tmp_path):
    rows = [["Trần Văn G", 1979, "Sở X", "LĐTT", 2021, "1/QĐ", ""]]
    path = write(tmp_path, sheet(rows))
    clash = import_registry(path, mapping={"LĐTT": "CSTDCS"})
    assert not clash.ok and "Lao động tiên tiến" in clash.errors[0].message
    unknown = import_registry(path, mapping={"Khen X": "KHONG_CO"})
    assert not unknown.ok and "KHONG_CO" in unknown.errors[0].message
    with pytest.raises(CommandError):
        call_command("registry", "import", str(path), "--map", "không có dấu bằng")


def test_the_board_adds_an_alias_audited_and_no_one_else_can(db, users):
    gk = AwardType.objects.get(code="GK")
    alias = add_alias(users["bantw"], "Giấy khen của Chỉ huy trưởng …", gk)
    assert alias.pattern and Matcher().find("Giấy khen của Chỉ huy trưởng BCH Quân sự") == gk.pk
    assert AuditEntry.objects.filter(action="awards.alias.added", object_id=str(alias.pk)).exists()
    with pytest.raises(ValidationFailed):
        add_alias(users["bantw"], "CSTĐCS", gk)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        add_alias(users["longan"], "GK khác", gk)


def test_the_year_column_keeps_an_achievement_period_apart_from_the_decision(db, tmp_path):
    rows = [
        ["Hồ Văn H", 1970, "Sở X", "BKTTg", "2016–2020", "11/QĐ-TTg", "15/03/2021"],
        ["Hồ Văn H", 1970, "Sở X", "HCLĐ hạng Ba", "", "12/QĐ-CTN", "20/05/2024"],
        ["Hồ Văn H", 1970, "Sở X", "CSTĐCS", "2022", "13/QĐ", "10/01/2023"],
    ]
    assert import_registry(write(tmp_path, sheet(rows))).ok
    entries = {
        e.decision_number: (e.year, e.period_from, e.period_stated)
        for e in AwardEntry.objects.filter(recipient_name="Hồ Văn H")
    }
    assert entries == {
        "11/QĐ-TTg": (2020, 2016, True),
        "12/QĐ-CTN": (2024, None, False),
        "13/QĐ": (2022, None, True),
    }


def test_a_row_with_neither_year_nor_decision_date_is_refused(db, tmp_path):
    rows = [["Hồ Văn K", 1970, "Sở X", "LĐTT", "", "1/QĐ", ""]]
    result = import_registry(write(tmp_path, sheet(rows)))
    assert not result.ok and [(e.row, e.column) for e in result.errors] == [(2, "year")]


def test_the_admin_adds_an_alias_through_the_audited_service(db, users):
    from django.test import Client

    client = Client()
    client.force_login(users["admin"])
    gk = AwardType.objects.get(code="GK")
    added = client.post(
        "/admin/awards/awardalias/add/",
        {"text": "Giấy khen của Giám đốc Công an …", "award_type": gk.pk},
    )
    assert added.status_code == 302, added.content.decode()[:500]
    alias = AwardAlias.objects.get(text="Giấy khen của Giám đốc Công an …")
    assert (alias.award_type, alias.pattern, alias.origin) == (gk, True, AliasOrigin.BOARD)
    entry = AuditEntry.objects.get(action="awards.alias.added", object_id=str(alias.pk))
    assert entry.via == "admin"
    clash = client.post("/admin/awards/awardalias/add/", {"text": "CSTĐCS", "award_type": gk.pk})
    assert clash.status_code == 200 and "đã là tên của" in clash.content.decode()
    assert not AwardAlias.objects.filter(text="CSTĐCS", award_type=gk).exists()
    removed = client.post(f"/admin/awards/awardalias/{alias.pk}/delete/", {"post": "yes"})
    assert removed.status_code == 302 and not AwardAlias.objects.filter(pk=alias.pk).exists()
    assert AuditEntry.objects.filter(
        action="awards.alias.removed", object_id=str(alias.pk)
    ).exists()
