"""Each encoded rule, eligible and not: broken streaks, windows counted from the achievement
period stated in the earlier decision (Decree 98/2023/NĐ-CP Art 30(9))."""

from datetime import date

import pytest

from thidua.awards.eligibility import Nominee, evaluate, evaluate_many
from thidua.awards.models import AwardEntry, AwardRule, AwardType, Initiative, Person, Rating
from thidua.orgs.reference import unit_on


@pytest.fixture
def person(db):
    return Person.objects.create(
        full_name="Nguyễn Thị Hồng", birth_year=1980, unit_name="Sở Nội vụ"
    )


def titled(person, code, *years, decided=None, stated=True):
    award = AwardType.objects.get(code=code)
    for y in years:
        AwardEntry.objects.create(
            award_type=award,
            year=y,
            person=person,
            recipient_name=person.full_name,
            birth_year=person.birth_year,
            decision_number=f"{y}/QĐ",
            decision_date=decided or date(y + 1, 1, 15),
            period_stated=stated,
        )


def rated(subject, ratings: dict):
    for year, rating in ratings.items():
        key = {"person": subject} if isinstance(subject, Person) else {"unit": subject}
        Rating.objects.create(year=year, rating=rating, **key)


def conditions(verdict):
    return {c.rule: c.passed for c in verdict.conditions}


def test_lao_dong_tien_tien_needs_a_good_rating(person):
    rated(person, {2025: "HTT"})
    verdict = evaluate(Nominee("LDTT", 2025, person_id=person.pk))
    assert verdict.rule["verification"] == "VERIFIED"
    assert verdict.rule["version"] == 2  # version 1 (PARTIAL) stays stored, superseded
    assert verdict.missing  # the attestation of conduct is evidence to attach
    # The conduct cannot be read from records: "cần xác minh", so "chưa đủ căn cứ", not eligible.
    assert verdict.outcome == "to_verify" and not verdict.eligible
    assert conditions(verdict) == {"rating": True, "attestation": False}
    rated(person, {2024: "HT"})
    assert evaluate(Nominee("LDTT", 2024, person_id=person.pk)).outcome == "ineligible"


def test_chien_si_thi_dua_co_so_needs_ldtt_and_an_initiative_or_an_excellent_year(person):
    titled(person, "LDTT", 2025)
    verdict = evaluate(Nominee("CSTDCS", 2025, person_id=person.pk))
    assert conditions(verdict) == {"title": True, "any": False}
    Initiative.objects.create(person=person, year=2025, title="Số hóa hồ sơ", scope="co_so")
    assert evaluate(Nominee("CSTDCS", 2025, person_id=person.pk)).eligible
    # Art 23.2: "hoàn thành xuất sắc nhiệm vụ" is the other way (rule version 2).
    titled(person, "LDTT", 2024)
    rated(person, {2024: "HTXS"})
    assert evaluate(Nominee("CSTDCS", 2024, person_id=person.pk)).eligible


def test_cstd_bo_tinh_needs_three_consecutive_cstdcs(person):
    titled(person, "CSTDCS", 2023, 2024, 2025)
    Initiative.objects.create(person=person, year=2024, title="Phần mềm", scope="bo_tinh")
    verdict = evaluate(Nominee("CSTDBT", 2025, person_id=person.pk))
    # "Tiêu biểu xuất sắc" is the council's to judge: the records leave it to verify.
    assert verdict.outcome == "to_verify", [c.detail for c in verdict.conditions]


def test_a_streak_broken_by_one_year_fails_and_says_which(person):
    titled(person, "CSTDCS", 2022, 2023, 2025)
    Initiative.objects.create(person=person, year=2025, title="Phần mềm", scope="toan_quoc")
    verdict = evaluate(Nominee("CSTDBT", 2025, person_id=person.pk))
    streak = next(c for c in verdict.conditions if c.rule == "title_streak")
    assert not verdict.eligible and not streak.passed and "2024" in streak.detail


def test_a_grassroots_initiative_is_not_enough_for_the_province_title(person):
    titled(person, "CSTDCS", 2023, 2024, 2025)
    Initiative.objects.create(person=person, year=2025, title="Cải tiến nhỏ", scope="co_so")
    assert conditions(evaluate(Nominee("CSTDBT", 2025, person_id=person.pk)))["initiative"] is False


def test_national_title_needs_two_consecutive_province_titles_and_a_national_initiative(person):
    titled(person, "CSTDBT", 2022, 2025)
    Initiative.objects.create(person=person, year=2024, title="Quy trình mới", scope="toan_quoc")
    assert evaluate(Nominee("CSTDTQ", 2025, person_id=person.pk)).eligible
    gap = Person.objects.create(full_name="Trần Văn Nam", birth_year=1975)
    titled(gap, "CSTDBT", 2018, 2025)  # seven years apart: not consecutive conferrals
    Initiative.objects.create(person=gap, year=2024, title="Quy trình", scope="toan_quoc")
    assert not evaluate(Nominee("CSTDTQ", 2025, person_id=gap.pk)).eligible


def hcld_history(
    person, bk_decided: int, first: int, last: int, htxs=(2022,), cstdcs=(2021, 2022, 2023)
):
    """A Bằng khen Thủ tướng for the achievements of the year before `first`, decided in March
    of `bk_decided`, then ratings and CSTĐCS titles."""
    titled(person, "BK_TTG", first - 1, decided=date(bk_decided, 3, 1))
    rated(person, {y: ("HTXS" if y in htxs else "HTT") for y in range(first, last + 1)})
    titled(person, "CSTDCS", *cstdcs)


def test_labour_order_third_class_counts_five_years_from_the_achievement_year(person):
    # Bằng khen Thủ tướng for the achievements of 2020, decided 15/03/2021: 2021–2025 are the
    # five years after it.
    hcld_history(person, bk_decided=2021, first=2021, last=2025)
    verdict = evaluate(Nominee("HCLD_III", 2025, person_id=person.pk, on=date(2026, 3, 1)))
    assert verdict.eligible, [c.detail for c in verdict.conditions]
    assert verdict.rule["legal_basis"].startswith("Điểm e khoản 1 Điều 44")
    prior = verdict.conditions[0].detail
    assert "thành tích năm 2020" in prior and "khoản 9 Điều 30 Nghị định 98/2023/NĐ-CP" in prior


def test_the_window_counts_from_the_decision_only_when_it_states_no_period(db):
    late = Person.objects.create(full_name="Lê Văn Bình", birth_year=1970)
    # Decided in 2021 with no achievement period stated (the registry took the year from the
    # decision): 2022–2025 is only four years.
    titled(late, "BK_TTG", 2021, decided=date(2021, 3, 15), stated=False)
    rated(late, {y: "HTXS" for y in range(2021, 2026)})
    titled(late, "CSTDCS", 2022, 2023, 2024)
    verdict = evaluate(Nominee("HCLD_III", 2025, person_id=late.pk, on=date(2026, 3, 1)))
    assert conditions(verdict)["window_years"] is False
    assert "không ghi thời gian lập thành tích" in verdict.conditions[0].detail


def test_one_weak_year_in_the_window_breaks_the_order(person):
    hcld_history(person, bk_decided=2020, first=2021, last=2025)
    Rating.objects.filter(person=person, year=2023).update(rating="HT")
    verdict = evaluate(Nominee("HCLD_III", 2025, person_id=person.pk))
    window = next(c for c in verdict.conditions if c.rule == "window_ratings")
    assert not window.passed and "2023" in window.detail


def test_too_few_cstdcs_in_the_window_fails(person):
    hcld_history(person, bk_decided=2020, first=2021, last=2025, cstdcs=(2021, 2022))
    assert (
        conditions(evaluate(Nominee("HCLD_III", 2025, person_id=person.pk)))["window_title_count"]
        is False
    )


def test_without_the_prior_award_there_is_no_window(person):
    rated(person, {y: "HTXS" for y in range(2019, 2026)})
    verdict = evaluate(Nominee("HCLD_III", 2025, person_id=person.pk))
    assert conditions(verdict)["prior_award"] is False and not verdict.eligible


@pytest.fixture
def department(db):
    from thidua.orgs.models import Unit

    return Unit.objects.create(code="SNV-TEST", name="Phòng Thi đua", kind="department")


def staff(unit, n):
    return [
        Person.objects.create(full_name=f"Cán bộ {i}", birth_year=1980 + i, unit=unit)
        for i in range(n)
    ]


def test_an_excellent_collective_needs_its_member_shares(department):
    people = staff(department, 10)
    rated(department, {2025: "HTXS"})
    for p in people:
        rated(p, {2025: "HTT"})
    for p in people[:7]:
        titled(p, "LDTT", 2025)
    titled(people[0], "CSTDCS", 2025)
    verdict = evaluate(Nominee("TTLDXS", 2025, unit_id=department.pk))
    assert verdict.outcome == "to_verify", [c.detail for c in verdict.conditions]
    AwardEntry.objects.filter(person=people[6], award_type__code="LDTT").delete()
    verdict = evaluate(Nominee("TTLDXS", 2025, unit_id=department.pk))
    assert conditions(verdict)["member_title_share"] is False  # 6/10 is below 70%


def test_an_advanced_collective_needs_more_than_half(department):
    people = staff(department, 4)
    rated(department, {2025: "HTT"})
    for p in people[:2]:
        titled(p, "LDTT", 2025)
    assert not evaluate(Nominee("TTLDTT", 2025, unit_id=department.pk)).eligible  # 50% is not > 50%
    titled(people[2], "LDTT", 2025)
    assert evaluate(Nominee("TTLDTT", 2025, unit_id=department.pk)).eligible


def test_the_government_flag_goes_to_the_elected_leader_of_a_central_cluster(users, tnb, unit):
    from datetime import timedelta

    from django.utils import timezone

    from tests.ballot_keys import close_ballot, open_ballot
    from thidua.ballots import services

    session = services.create_session(
        users["camau"],
        tnb,
        2019,
        "Cờ CP",
        timezone.now() + timedelta(1),
        candidates=[(unit("80"), 1)],
        award_code="CO_TD_CP",
    )
    open_ballot(users["camau"], session)
    for name in ["longan", "kiengiang", "tiengiang", "bentre", "travinh", "vinhlong", "dongthap"]:
        services.cast_vote(users[name], session, [session.candidates.get().id])
    close_ballot(users["camau"], session, reason="kết thúc sớm trong phép thử")
    AwardRule.objects.filter(award_type__code="CO_TD_CP").update(valid_from=date(2019, 1, 1))
    verdict = evaluate(Nominee("CO_TD_CP", 2019, unit_id=unit("80").pk))
    assert conditions(verdict)["cluster_leader"] is True
    assert not evaluate(Nominee("CO_TD_CP", 2019, unit_id=unit("82").pk)).eligible


def test_a_collectives_history_survives_a_merger(db):
    old_long_an, new_tay_ninh = unit_on("80", date(2019, 1, 1)), unit_on("80", date(2026, 1, 1))
    award = AwardType.objects.get(code="TTLDXS")
    AwardEntry.objects.create(
        award_type=award, year=2024, unit=old_long_an, recipient_name="Long An", is_collective=True
    )
    from thidua.awards.eligibility import Records

    records = Records([Nominee("CO_TD_BT", 2026, unit_id=new_tay_ninh.pk)])
    assert old_long_an.pk in records.lineage[new_tay_ninh.pk]


def test_no_rule_in_force_is_said_plainly(person):
    verdict = evaluate(Nominee("LDTT", 2010, person_id=person.pk, on=date(2011, 1, 20)))
    assert not verdict.eligible
    assert verdict.conditions[0].detail == (
        "Chưa có tiêu chuẩn Lao động tiên tiến áp dụng vào ngày xét đề nghị 20/01/2011 "
        "(thành tích năm 2010)."
    )


def test_a_batch_is_evaluated_in_a_handful_of_queries(db, django_assert_max_num_queries):
    people = [
        Person.objects.create(full_name=f"Người {i}", birth_year=1970 + i % 30) for i in range(60)
    ]
    for p in people:
        rated(p, {2025: "HTT"})
    nominees = [Nominee("LDTT", 2025, person_id=p.pk) for p in people] + [
        Nominee("HCLD_III", 2025, person_id=p.pk) for p in people
    ]
    with django_assert_max_num_queries(12):
        verdicts = evaluate_many(nominees)
    assert sum(v.outcome == "to_verify" for v in verdicts) == 60  # LĐTT: conduct to verify
    assert sum(v.outcome == "ineligible" for v in verdicts) == 60  # no Bằng khen Thủ tướng
