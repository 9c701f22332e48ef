"""Hand-checked verdicts for assessment years 2021–2025, written from the law (law.md §3), not
from the engine's output: each case says which text applies on the day the proposal is
considered and why the verdict follows."""

import json
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from thidua.awards.eligibility import Nominee, evaluate
from thidua.awards.models import AwardEntry, AwardType, Initiative, Person, Rating
from thidua.orgs.models import Unit


@pytest.fixture
def person(db):
    return Person.objects.create(full_name="Đỗ Thị Mai", birth_year=1982, unit_name="Sở Tư pháp")


def held(person, code, year, *, decided=None, stated=True, number=None):
    AwardEntry.objects.create(
        award_type=AwardType.objects.get(code=code),
        year=year,
        person=person,
        recipient_name=person.full_name,
        birth_year=person.birth_year,
        decision_number=number or f"{code}-{year}/QĐ",
        decision_date=decided or date(year + 1, 1, 20),
        period_stated=stated,
    )


def rated(person, **years):
    for y, r in years.items():
        Rating.objects.create(person=person, year=int(y[1:]), rating=r)


def initiative(person, year, scope):
    Initiative.objects.create(person=person, year=year, title=f"Sáng kiến {year}", scope=scope)


def statuses(verdict) -> dict[str, str]:
    return {c.rule: c.status for c in verdict.conditions}


# 2021 — Law 2003 (amended 2013) and Decree 91/2017 were in force when it was considered.


def test_2021_ldtt_considered_in_january_2022_under_the_2003_law(person):
    rated(person, y2021="HTT")
    verdict = evaluate(Nominee("LDTT", 2021, person_id=person.pk, on=date(2022, 1, 20)))
    assert verdict.rule["valid_from"] == "2014-06-01"
    assert "2003" in verdict.rule["legal_basis"] and "91/2017" in verdict.rule["decree"]
    # Rating good; the conduct standards are not in any record: "cần xác minh".
    assert statuses(verdict) == {"rating": "passed", "attestation": "to_verify"}
    assert verdict.outcome == "to_verify" and not verdict.eligible


# 2022 — the 2003 law's CSTĐCS needs an initiative; HTXS as the other way came with Law 2022.


def test_2022_cstdcs_with_an_excellent_year_but_no_initiative_fails_under_the_2003_law(person):
    held(person, "LDTT", 2022)
    rated(person, y2022="HTXS")
    old = evaluate(Nominee("CSTDCS", 2022, person_id=person.pk, on=date(2023, 1, 15)))
    assert statuses(old) == {"title": "passed", "initiative": "failed"}
    assert old.outcome == "ineligible"
    # The same title considered after 2024-01-01 is judged under Art 23 Law 06/2022/QH15.
    new = evaluate(Nominee("CSTDCS", 2022, person_id=person.pk, on=date(2024, 1, 10)))
    assert new.outcome == "eligible" and new.eligible
    assert "Điều 23" in new.rule["legal_basis"] and "98/2023" in new.rule["decree"]


# 2023 — proposed in early 2024: the rules in force then (Law 2022) apply; before, no rule did.


def test_2023_cstdcs_proposed_in_february_2024_gets_a_verdict_under_law_2022(person):
    held(person, "LDTT", 2023)
    initiative(person, 2023, "co_so")
    verdict = evaluate(Nominee("CSTDCS", 2023, person_id=person.pk, on=date(2024, 2, 20)))
    assert verdict.eligible and verdict.outcome == "eligible"
    assert verdict.rule["valid_from"] == "2024-01-01"
    assert "Chưa có tiêu chuẩn" not in " ".join(c.detail for c in verdict.conditions)


# 2024 — CSTĐ Bộ/tỉnh counts a CSTĐCS earned under the earlier law.


def test_2024_cstd_bo_tinh_counts_a_2022_cstdcs_earned_under_the_earlier_law(person):
    for y in (2022, 2023, 2024):
        held(person, "CSTDCS", y)
    initiative(person, 2024, "bo_tinh")
    verdict = evaluate(Nominee("CSTDBT", 2024, person_id=person.pk, on=date(2025, 3, 10)))
    assert statuses(verdict) == {
        "title_streak": "passed",
        "initiative": "passed",
        "attestation": "to_verify",  # "tiêu biểu xuất sắc" is the council's to judge
    }
    assert verdict.outcome == "to_verify" and not verdict.eligible
    streak = verdict.conditions[0]
    assert "Chiến sĩ thi đua cơ sở 2022" in " ".join(streak.records)


# 2025 — HCLĐ hạng Ba (Art 44.1.e); the window counts from the achievement period (Decree
# 98/2023/NĐ-CP Art 30(9)).


def hcld_history(person, *, stated: bool):
    # Bằng khen Thủ tướng for the achievements of 2020, decided 15/03/2021.
    held(person, "BK_TTG", 2020 if stated else 2021, decided=date(2021, 3, 15), stated=stated)
    rated(person, y2021="HTT", y2022="HTT", y2023="HTXS", y2024="HTT", y2025="HTT")
    for y in (2021, 2023, 2025):
        held(person, "CSTDCS", y)


def test_2025_labour_order_counts_five_years_from_the_2020_achievements(person):
    hcld_history(person, stated=True)
    verdict = evaluate(Nominee("HCLD_III", 2025, person_id=person.pk, on=date(2026, 3, 1)))
    # 2021–2025: five years HTT or better, one HTXS (2023), three CSTĐCS (2021, 2023, 2025).
    assert verdict.outcome == "eligible" and verdict.eligible, [
        c.detail for c in verdict.conditions
    ]
    assert "152/2025" in verdict.rule["decree"]  # considered after 2025-07-01


def test_2025_labour_order_counts_from_the_decision_when_no_period_is_stated(person):
    hcld_history(person, stated=False)
    verdict = evaluate(Nominee("HCLD_III", 2025, person_id=person.pk, on=date(2026, 3, 1)))
    years = next(c for c in verdict.conditions if c.rule == "window_years")
    assert years.status == "failed" and "4 năm (cần 5 năm trở lên)" in years.detail
    assert verdict.outcome == "ineligible"


# 2025 — Tập thể lao động xuất sắc (Art 27): a member recorded only as CSTĐCS counts as LĐTT.


def test_2025_excellent_collective_counts_cstdcs_members_toward_the_ldtt_share(db):
    unit = Unit.objects.create(code="STP-19", name="Phòng Hành chính tư pháp", kind="department")
    members = [
        Person.objects.create(full_name=f"Cán bộ {i}", birth_year=1980 + i, unit=unit)
        for i in range(10)
    ]
    Rating.objects.create(unit=unit, year=2025, rating="HTXS")
    for m in members:
        Rating.objects.create(person=m, year=2025, rating="HTT")
    for m in members[:4]:
        held(m, "LDTT", 2025)
    for m in members[4:6]:
        held(m, "CSTDCS", 2025)  # no separate LĐTT row: CSTĐCS presupposes it
    held(members[6], "LDTT", 2025)
    held(members[6], "CSTDCS", 2025)  # both: counted once
    verdict = evaluate(Nominee("TTLDXS", 2025, unit_id=unit.pk, on=date(2026, 2, 1)))
    share = next(c for c in verdict.conditions if c.rule == "member_title_share")
    assert share.status == "passed" and share.detail.startswith("7/10 thành viên")
    assert statuses(verdict)["member_title_count"] == "passed"
    assert verdict.outcome == "to_verify"  # unity and compliance are to verify


# Verdicts in words.

CODES = re.compile(r"\b(CSTDCS|CSTDBT|CSTDTQ|LDTT|BK_TTG|BK_BT|HCLD_III|TTLDXS|TTLDTT)\b")


def test_2025_bang_khen_thu_tuong_without_the_earlier_award_is_said_in_words_once(person):
    rated(person, y2025="HTXS")
    verdict = evaluate(Nominee("BK_TTG", 2025, person_id=person.pk, on=date(2026, 2, 1)))
    details = [c.detail for c in verdict.conditions]
    assert details[0] == (
        "Chưa có Bằng khen cấp Bộ, ban, ngành, tỉnh cho thành tích trước năm 2025."
    )
    assert len(details) == len(set(details)) == 2  # the window's conditions said once
    assert not any(CODES.search(d) for d in details)
    assert verdict.outcome == "ineligible"


def test_one_year_is_named_as_a_year_and_joined_conditions_have_no_stray_stops(person):
    held(person, "LDTT", 2025)
    initiative(person, 2025, "co_so")
    cstdcs = evaluate(Nominee("CSTDCS", 2025, person_id=person.pk, on=date(2026, 1, 15)))
    bk = evaluate(Nominee("BK_BT", 2025, person_id=person.pk, on=date(2026, 1, 15)))
    text = " ".join(c.detail for v in (cstdcs, bk) for c in v.conditions)
    assert "trong năm 2025" in text
    assert not re.search(r"\b(\d{4})–\1\b", text) and ".;" not in text and ". ;" not in text
    assert not CODES.search(text)


def test_a_condition_to_verify_is_never_ticked_in_the_cli(person, capsys):
    rated(person, y2025="HTT")
    call_command(
        "eligibility", "--person", str(person.pk), "--award", "LDTT", "--year", "2025",
        "--on", "15/01/2026",
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "Lao động tiên tiến năm 2025, xét ngày 15/01/2026: CHƯA ĐỦ CĂN CỨ" in out
    assert "[?] Cần xác minh" in out and "[✓] Cần xác minh" not in out
    assert "LDTT" not in out
    call_command(
        "eligibility", "--person", str(person.pk), "--award", "LDTT", "--year", "2025",
        "--on", "2026-01-15", "--json",
    )  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert (data["on"], data["outcome"], data["award_name"]) == (
        "2026-01-15",
        "to_verify",
        "Lao động tiên tiến",
    )
    with pytest.raises(CommandError):
        call_command("eligibility", "--person", "1", "--award", "LDTT", "--year", "2025",
                     "--on", "31/02/2026")  # fmt: skip
