"""Issue 20: names where codes were shown, numbers in the page's language, and searches that
say what was searched when nothing is found."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from thidua.awards.models import AwardEntry, AwardType
from thidua.common.text import name_key
from thidua.indicators.models import Report
from thidua.reports.charts import with_measure
from thidua.web.templatetags.thidua_web import measure, vn

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


# --- history -----------------------------------------------------------------------------------


@pytest.fixture
def report_history(as_user, unit):
    long_an = unit("80")
    url = reverse("web:entry", args=["TNB", "2019", long_an.pk])
    as_user("longan").post(url, {"v_grdp_growth": "7,5", "save": "1"})
    report = Report.objects.get(cluster__code="TNB", unit=long_an, period="2019")
    return reverse("web:object_history", args=["indicators.report", report.pk])


def test_the_history_shows_the_action_the_indicator_and_the_unit_by_name(as_user, report_history):
    page = text(as_user("longan").get(report_history))
    assert "Ghi số liệu mới" in page
    assert "indicators.value.created" not in page
    assert "Tốc độ tăng trưởng" in page  # grdp_growth's name
    assert ">grdp_growth<" not in page and ": grdp_growth" not in page
    assert "Long An" in page and "Đơn vị: 80" not in page
    assert "Năm 2019" in page  # the period in words


def test_an_amount_in_the_history_is_written_the_vietnamese_way():
    from thidua.web.history import Names, _named

    day = __import__("datetime").date(2019, 12, 31)
    assert _named(Names(), day, "value", "49630") == "49.630"
    assert _named(Names(), day, "value", "7.500000") == "7,5"
    assert _named(Names(), day, "period", "2019H1") == "6 tháng đầu năm 2019"
    assert _named(Names(), day, "year", 2019) is None  # a year stays 2019


def test_a_unit_code_is_named_as_it_was_on_the_period_s_day(unit):
    from datetime import date

    from thidua.web.history import names_for

    class Entry:
        before, after = None, {"unit": "80", "period": "2019"}

    names = names_for([Entry()])
    assert names.unit("80", date(2019, 12, 31)) == unit("80").name == "Long An"


# --- numbers -----------------------------------------------------------------------------------


def test_numbers_are_vietnamese_and_english_in_english_mode():
    assert vn(Decimal("49630.5"), 1) == "49.630,5"
    assert measure(Decimal("8.2"), "%", 1) == "8,2%"
    with translation.override("en"):
        assert vn(Decimal("49630.5"), 1) == "49,630.5"
        assert measure(Decimal("8.2"), "%", 1) == "8.2%"


def test_units_of_measure_are_english_in_english_mode():
    assert measure(Decimal("9360"), "tỷ đồng", 0) == "9.360 tỷ đồng"
    with translation.override("en"):
        assert measure(Decimal("9360"), "tỷ đồng", 0) == "9,360 billion VND"
        assert measure(Decimal("1.5"), "điểm %", 1) == "1.5 percentage points"
        assert measure(Decimal("3"), "ha", 0) == "3 ha"  # a unit not in the list, as it is
    # The review's chart (its axis and mean line) too; the documents stay Vietnamese.
    assert with_measure(Decimal("9360"), "tỷ đồng", 0, "en") == "9,360 billion VND"
    assert with_measure(Decimal("9360"), "tỷ đồng", 0, "vi") == "9.360 tỷ đồng"


def test_the_entry_and_review_pages_in_english_keep_no_vietnamese_unit(as_user, unit):
    client = as_user("longan")
    client.cookies["django_language"] = "en"
    entry = text(client.get(reverse("web:entry", args=["TNB", "2019", unit("80").pk])))
    review = text(client.get(reverse("web:review", args=["TNB", "2019"])))
    for page in (entry, review):
        assert "billion VND" in page
        assert "tỷ đồng" not in page and "điểm %" not in page
    assert "percentage points" in entry


def test_the_registry_count_has_a_thousands_separator(as_user):
    award = AwardType.objects.get(code="CSTDCS")
    AwardEntry.objects.bulk_create(
        AwardEntry(
            award_type=award,
            year=2031,
            recipient_name=f"Người Thử {n:04d}",
            name_key=name_key(f"Người Thử {n:04d}"),
        )
        for n in range(1956)
    )
    page = text(as_user("camau").get(reverse("web:registry"), {"year": 2031}))
    assert "1.956 kết quả" in page and "1956 kết quả" not in page


# --- empty states ------------------------------------------------------------------------------


def test_a_full_name_found_nowhere_says_what_was_searched_not_the_minimum_length(as_user):
    page = text(
        as_user("camau").get(reverse("web:registry"), {"q": "nguyen van anh", "year": 1950})
    )
    assert "Nhập ít nhất 2 ký tự" not in page
    assert "Không tìm thấy khen thưởng nào cho “nguyen van anh”" in page


def test_the_public_look_up_asks_did_you_mean_naming_the_name_typed(client):
    exact = text(client.get(reverse("web:lookup"), {"q": "nguyen van khanh"}))
    assert "Nguyễn Văn Khánh" in exact and 'id="search-approximate"' not in exact
    typo = text(client.get(reverse("web:lookup"), {"q": "nguyen van khanhh"}))
    assert "Nguyễn Văn Khánh" in typo
    assert "bắt đầu như “nguyen van khanhh”; có phải bạn tìm" in typo


def test_nothing_found_suggests_the_nearest_names(as_user):
    award = AwardType.objects.get(code="CSTDCS")
    for name in ("Nguyễn Văn An", "Nguyễn Văn Bình"):
        AwardEntry.objects.create(
            award_type=award, year=2020, recipient_name=name, name_key=name_key(name)
        )
    from thidua.awards.name_search import nearest_names

    assert {"Nguyễn Văn An", "Nguyễn Văn Bình"} <= set(nearest_names("nguyen van zzzzzz", limit=50))
    page = text(as_user("camau").get(reverse("web:registry"), {"q": "nguyen van zzzzzz"}))
    assert 'id="registry-suggestions"' in page


def test_the_public_look_up_says_not_found(client):
    page = text(client.get(reverse("web:lookup"), {"q": "zzzz qqqq"}))
    assert "Không tìm thấy khen thưởng nào cho “zzzz qqqq”." in page


def test_the_public_look_up_says_not_found_in_english(client):
    client.cookies["django_language"] = "en"
    page = text(client.get(reverse("web:lookup"), {"q": "zzzz qqqq"}))
    assert "No award found for “zzzz qqqq”." in page


def test_the_regulation_page_shows_the_law_not_the_note_reference(as_user):
    page = text(as_user("longan").get("/clusters/TNB/2019/regulation/"))
    assert "Luật Thi đua, khen thưởng" in page and "law.md" not in page


def test_a_legal_basis_loses_only_the_note_references():
    from thidua.web.templatetags.thidua_web import basis

    assert basis("Điều 24 Luật TĐKT 2022; law.md §3.1 [S7][S8]") == "Điều 24 Luật TĐKT 2022"
    assert basis("Nghị định 98/2023/NĐ-CP (law.md §4.6)") == "Nghị định 98/2023/NĐ-CP"
    assert basis("") == "–"


def test_a_report_page_names_its_period_in_words(as_user, unit):
    report = Report.objects.get(cluster__code="TNB", unit=unit("80"), period="2019H1")
    page = text(as_user("longan").get(reverse("web:report", args=[report.pk])))
    assert "<title>Long An · 6 tháng đầu năm 2019" in page
