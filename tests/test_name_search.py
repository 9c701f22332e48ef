"""Registry search by name: same key, leading words, one typo, anywhere; paging across the steps."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.awards import name_search
from thidua.awards.models import AwardEntry, NameWord
from thidua.awards.name_search import Hits, matching, one_typo_keys, search
from thidua.awards.registry import import_registry

HEADER = "Họ và tên,Năm sinh,Đơn vị,Hình thức khen thưởng,Năm,Số quyết định,Ngày quyết định\n"
PEOPLE = [
    ("Khúc Văn Hưng", 1975, "Sở Thử nghiệm TC", "BK_TTG", 2019),
    ("Khúc Văn Hùng", 1975, "Sở Thử nghiệm TC", "CSTDCS", 2021),
    ("Khúc Văn Hùng", 1980, "Sở Thử nghiệm XD", "CSTDCS", 2022),
    ("Khúc Văn Hùng Anh", 1990, "Sở Thử nghiệm YT", "LDTT", 2023),
    ("Khúc Văn An", 1975, "Sở Thử nghiệm YT", "LDTT", 2020),
    ("Khúc Thị Lan", 1985, "Sở Thử nghiệm NV", "CSTDCS", 2024),
    ("Quách Hùng", 1975, "Sở Thử nghiệm NV", "LDTT", 2021),
    ("Kiều Thị Thu Hà", 1979, "Thử nghiệm xã Tân Phú", "LDTT", 2024),
]


@pytest.fixture
def registry(db, tmp_path):
    path = tmp_path / "ds.csv"
    rows = [
        f"{n},{b},{u},{a},{y},{i + 1}/QĐ,05/02/{y + 1}" for i, (n, b, u, a, y) in enumerate(PEOPLE)
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8-sig")
    assert import_registry(path).ok
    return path


def names(found) -> list[str]:
    return [e.recipient_name for e in found]


def test_the_spelling_as_typed_comes_first_whatever_the_case(registry):
    assert names(search("Khúc Văn Hưng"))[0] == "Khúc Văn Hưng"
    assert names(search("khúc văn hùng"))[:2] == ["Khúc Văn Hùng"] * 2
    # Without diacritics all three spellings of the key are equally close: newest first.
    assert names(search("khuc van hung"))[:3] == [
        "Khúc Văn Hùng",
        "Khúc Văn Hùng",
        "Khúc Văn Hưng",
    ]


def test_leading_words_find_longer_names_after_the_same_key(registry):
    found = names(search("Khuc Van Hung"))
    assert found[-1] == "Khúc Văn Hùng Anh"
    assert names(search("Khúc Văn")) == [
        "Khúc Văn An",
        "Khúc Văn Hùng",
        "Khúc Văn Hùng",
        "Khúc Văn Hưng",
        "Khúc Văn Hùng Anh",
    ]


def test_the_birth_year_and_other_filters_apply_to_every_step(registry):
    assert names(search("Khúc Văn", born=1975)) == [
        "Khúc Văn An",
        "Khúc Văn Hùng",
        "Khúc Văn Hưng",
    ]
    assert names(search("khuc van hung", year=2022)) == ["Khúc Văn Hùng"]
    assert names(search("Khuc Van Hunh", born=1980)) == ["Khúc Văn Hùng"]
    assert names(search("Hùng", award="LDTT", unit="Thử nghiệm")) == [
        "Khúc Văn Hùng Anh",
        "Quách Hùng",
    ]


@pytest.mark.parametrize(
    "typo",
    ["Khuc Van Hunh", "Khcu Van Hung", "Khuc Vn Hung", "Khucc Van Hung", "Khuc Van Hxng"],
)
def test_a_name_with_one_typo_still_finds_the_person(registry, typo):
    assert "Khúc Văn Hùng" in names(search(typo, limit=10))


def test_a_last_word_no_name_has_is_corrected_and_completed_in_turn(registry):
    # "Hu" is the last word of no name: its completions (Hùng, Hùng Anh) come one name each in
    # turn, newest record first, before the second record of any of them.
    found = names(search("Khuc Van Hu", unit="Thử nghiệm"))
    assert set(found[:2]) == {"Khúc Văn Hùng", "Khúc Văn Hùng Anh"}
    assert sorted(found) == sorted(
        ["Khúc Văn Hùng", "Khúc Văn Hùng", "Khúc Văn Hưng", "Khúc Văn Hùng Anh"]
    )
    assert names(search("Khúc Văn Tha", unit="Thử nghiệm")) == []  # Thu? no such person here


def test_typos_are_only_corrected_when_nothing_matches(registry):
    # "Khúc Văn An" exists: the search does not also offer "Khúc Văn Anh"-like corrections.
    assert set(names(search("Khuc Van An"))) == {"Khúc Văn An"}
    assert search("Kiều Minh Tuấn") == []


def test_the_typo_dictionary_holds_the_registry_words(registry):
    assert {"khuc", "van", "hung", "anh", "lan"} <= set(
        NameWord.objects.values_list("word", flat=True)
    )
    assert "khuc van hung" in one_typo_keys("khuc van hunh")
    assert "khuc van hunh" not in one_typo_keys("khuc van hunh")


def test_a_given_name_alone_is_found_anywhere_in_the_name(registry):
    assert set(names(search("Hùng", unit="Thử nghiệm"))) == {
        "Khúc Văn Hùng",
        "Khúc Văn Hưng",
        "Khúc Văn Hùng Anh",
        "Quách Hùng",
    }
    assert names(search("thi thu ha", unit="Thử nghiệm")) == ["Kiều Thị Thu Hà"]


def test_slices_across_the_steps_equal_the_whole_list(registry):
    hits = matching("Khuc Van Hung")
    whole = names(hits[:])
    assert len(whole) == hits.count() == 4
    for start in range(0, 5):
        for stop in range(start, 6):
            assert names(hits[start:stop]) == whole[start:stop], (start, stop)
    assert hits[3].recipient_name == whole[3]
    with pytest.raises(IndexError):
        hits[4]


def test_each_fallback_is_tried_in_turn_and_pages_past_the_first(registry):
    # "van hun" is no leading words and no name one typo away: the key anywhere in the name.
    hits = matching("Van Hun", born=1990, unit="Thử nghiệm")
    assert names(hits[:]) == ["Khúc Văn Hùng Anh"]
    hits = matching("Hùng", unit="Thử nghiệm")
    assert names(hits[2:4]) == names(matching("Hùng", unit="Thử nghiệm")[:])[2:4]
    assert len(names(hits[2:4])) == 2
    assert matching("Hùng", unit="Thử nghiệm")[3:3] == []


def test_counts_stop_at_the_cap(registry):
    hits = Hits(matching("Khuc", unit="Thử nghiệm").steps, cap=3)
    assert hits.count() == 3
    assert len(hits[:10]) == 6


def test_an_empty_query_lists_by_name_with_the_filters(registry):
    assert names(search("", year=2024, unit="Thử nghiệm")) == ["Khúc Thị Lan", "Kiều Thị Thu Hà"]


# The anywhere step ("Hùng" alone) reads the names' records in one query, or for a key in more
# names than ANYWHERE_KEYS, on SQLite, their ids then their records: each way a constant count.
@pytest.mark.parametrize("keys", [1, 10_000], ids=["common-key", "rare-key"])
def test_a_search_costs_a_few_queries_whatever_the_registry_size(registry, keys, monkeypatch):
    monkeypatch.setattr(name_search, "ANYWHERE_KEYS", keys)

    def cost(query: str, **filters) -> int:
        with CaptureQueriesContext(connection) as ctx:
            list(search(query, **filters))
        return len(ctx.captured_queries)

    list(search("Hùng"))  # the first search of a process reads the collation once (PostgreSQL)
    before = {q: cost(q) for q in ("Khúc Văn Hùng", "Khuc Van Hunh", "Hùng")}
    AwardEntry.objects.bulk_create(
        [
            AwardEntry(
                award_type=AwardEntry.objects.first().award_type,
                year=2000 + i % 20,
                recipient_name=f"Khúc Văn Hùng {i}",
                name_key=f"khuc van hung {i}",
                birth_year=1970 + i % 30,
            )
            for i in range(300)
        ]
    )
    assert {q: cost(q) for q in before} == before
    assert max(before.values()) <= 9


def test_a_slice_past_the_counted_cap_skips_the_same_keys_records_exactly(registry):
    # The API slices at an offset up to 1,000,000 while the count stops at its cap: a slice past
    # the typed key's records must skip all of them, not the capped count of them.
    whole = names(matching("Khúc Văn Hùng")[:])
    assert whole[-1] == "Khúc Văn Hùng Anh" and len(whole) == 4
    hits = matching("Khúc Văn Hùng")
    hits.cap = 2
    assert hits.count() == 2
    assert names(hits[3:4]) == ["Khúc Văn Hùng Anh"]
