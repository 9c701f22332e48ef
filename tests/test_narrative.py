"""The review paragraph: the article's figures on the demo, and words that never lie."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from thidua.indicators.vnnumbers import NumberStyle, read_number, resolve
from thidua.reports.aggregation import review
from thidua.reports.models import NarrativeKind, NarrativeTemplate
from thidua.reports.narrative import narrate
from thidua.reports.wording import number_text, phrase, read


@pytest.fixture
def text(tnb):
    return narrate(review(tnb, "2019H1"), tnb)


@pytest.mark.parametrize(
    "figure",
    [
        "12/12 tỉnh",
        "tăng bình quân 8,2%",
        "Trà Vinh tăng 17%",
        "Long An tăng gần 10%",
        "gần 50 nghìn tỷ đồng",
        "12/12 tỉnh thu ngân sách đạt từ 55% kế hoạch trở lên",
        "Hậu Giang đạt trên 80%",
        "Long An gần 70%",
        "khoảng 97%",
    ],
)
def test_the_demo_narrative_states_every_figure_of_the_article(text, figure):
    assert figure in text


def test_the_english_narrative_says_the_same(tnb):
    text = narrate(review(tnb, "2019H1"), tnb, "en")
    for figure in ["8.2%", "Trà Vinh growing 17%", "just under 50 trillion VND", "over 80%"]:
        assert figure in text


def test_no_clause_for_an_indicator_without_data_and_missing_reports_said_plainly(tp5):
    text = narrate(review(tp5, "2019H1"), tp5)
    assert text == "Trong 6 tháng đầu năm 2019, 0/5 thành phố đã có số liệu."


def test_a_cluster_template_replaces_the_shared_one(tnb, indicators):
    NarrativeTemplate.objects.create(
        kind=NarrativeKind.SUMMARY,
        indicator=indicators["grdp_growth"],
        cluster=tnb,
        position=10,
        text_vi="GRDP của Cụm tăng {mean}",
    )
    text = narrate(review(tnb, "2019H1"), tnb)
    assert "GRDP của Cụm tăng 8,2%" in text and "riêng Trà Vinh" not in text


def test_a_template_naming_a_field_that_does_not_exist_is_refused(indicators):
    template = NarrativeTemplate(
        kind=NarrativeKind.SUMMARY, indicator=indicators["grdp_growth"], text_vi="tăng {avg}"
    )
    with pytest.raises(ValidationError, match="avg"):
        template.full_clean()


values = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2)


@given(values)
def test_gan_is_said_only_below_and_tren_only_above(value):
    reading = read(value, 2)
    if reading.side == "below":
        assert value < reading.shown
    if reading.side == "above":
        assert value > reading.shown
    if reading.side == "exact":
        assert value == reading.shown


@given(values)
def test_a_reading_stays_within_the_near_band(value):
    reading = read(value, 2)
    assert abs(value - reading.shown) * 100 <= Decimal(2) * abs(reading.shown) or (
        reading.shown == value.quantize(Decimal("0.01"))
    )


@given(values)
def test_the_written_number_reads_back_with_the_import_parser(value):
    shown = read(value, 2).shown
    text = number_text(shown)
    assert resolve(read_number(text), NumberStyle.VIETNAMESE) == shown


@given(values)
def test_the_phrase_carries_the_written_number(value):
    assert number_text(read(value, 2).shown) in phrase(value, "tỷ đồng", 2)
