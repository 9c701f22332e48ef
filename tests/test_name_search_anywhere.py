"""The search's last step, the key anywhere in the name, through a trigram index over the
registry's distinct name keys (migration awards 0013): the same records in the same order as
`name_key LIKE '%key%'`, and keys that follow every write."""

import importlib

import pytest
from django.db import connection, transaction
from django.utils import timezone

from thidua.awards import name_search
from thidua.awards.models import AwardEntry
from thidua.awards.name_search import (
    NAME_KEYS,
    NAME_KEYS_FTS,
    _anywhere,
    _filtered,
    keys_containing,
    matching,
)
from thidua.awards.registry import ENTRY_COLUMNS, import_registry
from thidua.common.bulk import insert_rows, refresh_statistics
from thidua.common.text import name_key

HEADER = "Họ và tên,Năm sinh,Đơn vị,Hình thức khen thưởng,Năm,Số quyết định,Ngày quyết định\n"
UNITS = ("Sở Thử nghiệm TC", "Sở Thử nghiệm YT", "Thử nghiệm xã Tân Phú")
NAMES = (
    "Khúc Văn Hùng", "Khúc Văn Hưng", "Quách Hùng", "Hùng Thị Mai", "Khúc Văn Hùng Anh",
    "Nguyễn Văn Ân", "Ngụy Văn An", "Lê Thị Thu Hà", "Đặng Đức Thuận", "Thuận Thành Khúc",
    "Trần Anh Tuấn", "Phùng Quang Khải", "Bùi Nguyên Khôi", "Kiều Thị Thu Hà", "Tô Văn Anh",
)  # fmt: skip
AWARDS = ("LDTT", "CSTDCS", "GK")


def _rows() -> list[str]:
    # 60 records: each name in several years, units, awards and birth years.
    rows = []
    for i in range(60):
        name, unit, award = NAMES[i % len(NAMES)], UNITS[i % 3], AWARDS[i % 2 + (i % 7 == 0)]
        year, born = 2015 + i % 9, 1970 + i % 4
        rows.append(f"{name},{born},{unit},{award},{year},{i + 1}/QĐ,05/02/{year + 1}")
    return rows


@pytest.fixture
def registry(db, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text(HEADER + "\n".join(_rows()) + "\n", encoding="utf-8-sig")
    assert import_registry(path).ok
    return path


def _ids(found) -> list[int]:
    return [e.pk for e in found]


def _plain(key: str, **filters) -> list[int]:
    """The step as it was: a LIKE over every record."""
    base = _filtered(**{"born": None, "award": None, "year": None, "unit": None, **filters})
    return _ids(base.filter(name_key__contains=key).order_by("name_key", "-year", "id"))


KEYS = [
    "hung",  # a given name, three spellings (Hùng, Hưng; the surname Hùng too)
    "van an",  # across two words: Văn Ân, Văn An, Văn Anh
    "uan",  # inside words: Quách, Thuận, Tuấn, Quang
    "thu ha",
    "nguy",  # the beginning of two surnames
    "khuc",  # first and last word
    "ng qua",  # the end of one word and the beginning of the next
    "thi thu ha",
    "xyz",  # nothing
    "khuc van hung anh",
]
FILTERS = [{}, {"born": 1971}, {"award": "LDTT"}, {"year": 2019}, {"unit": "Tân Phú"}]


@pytest.mark.parametrize("common", [False, True], ids=["rare", "common"])
@pytest.mark.parametrize("key", KEYS)
def test_the_same_records_in_the_same_order_as_a_like(registry, key, common, monkeypatch):
    if common:  # a key in more names than this is read along the name_key b-tree instead
        monkeypatch.setattr(name_search, "ANYWHERE_KEYS", 1)
    for filters in FILTERS:
        base = _filtered(**{"born": None, "award": None, "year": None, "unit": None, **filters})
        (step,), _ = _anywhere(base, key)
        assert _ids(step) == _plain(key, **filters), filters
        assert step.count() == len(_plain(key, **filters)), filters
    assert _plain(key) or key == "xyz"


def test_pages_of_the_anywhere_step_join_up_to_the_whole_list(registry):
    # "ung" begins no name and corrects to none: matching falls through to the anywhere step.
    hits = matching("ung", unit="Thử nghiệm")
    whole = _ids(hits[:])
    assert hits.approximate and whole == _plain("ung", unit="Thử nghiệm")
    assert len(whole) > 20
    pages = [_ids(hits[start : start + 7]) for start in range(0, len(whole) + 7, 7)]
    assert [pk for page in pages for pk in page] == whole
    assert hits.count() == len(whole)


def test_a_key_of_short_words_only_skips_the_step(registry):
    # "an" is inside most names: no trigram to read, so the step would read every record.
    assert _anywhere(_filtered(born=None, award=None, year=None, unit=None), "an") == ([], None)
    assert _anywhere(_filtered(born=None, award=None, year=None, unit=None), "le vu") == (
        [],
        None,
    )
    assert matching("zq").count() == 0


def test_the_trigram_index_exists_after_migrate(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [NAME_KEYS])
            assert any("gin_trgm_ops" in d for (d,) in cursor.fetchall())
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s", [AwardEntry._meta.db_table]
            )
            assert not any("gin_trgm_ops" in d for (d,) in cursor.fetchall())  # 0011's: gone
        else:
            cursor.execute("SELECT type, name FROM sqlite_master WHERE name LIKE 'awards_%'")
            found = set(cursor.fetchall())
            assert ("table", NAME_KEYS_FTS) in found
            assert ("table", "awards_awardentry_name_fts") not in found  # 0011's: gone
            # Django remakes a SQLite table to alter it, which drops its triggers: a later
            # migration of AwardEntry must make them again (migration 0013's docstring).
            for event in ("insert", "update"):
                assert ("trigger", f"{NAME_KEYS}_on_{event}") in found, event


def _bulk_insert(names_years: list[tuple[str, int]]) -> None:
    """As the import and the generator write: past the ORM (executemany, COPY)."""
    award, now = AwardEntry.objects.first().award_type_id, timezone.now()
    rows = [
        (award, year, None, None, name, name_key(name), None, "", False, "", None, "", "", now)
        for name, year in names_years
    ]
    insert_rows(AwardEntry._meta.db_table, ENTRY_COLUMNS, rows)


def _keys(part: str) -> set[str]:
    return set(keys_containing(part, limit=1000) or ())


def _index_intact() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # raises when the index and its table differ
            cursor.execute(
                f"INSERT INTO {NAME_KEYS_FTS} ({NAME_KEYS_FTS}, rank) VALUES ('integrity-check', 1)"
            )


def test_the_keys_follow_inserts_and_renames(registry, tmp_path):
    path = tmp_path / "more.csv"
    path.write_text(
        HEADER + "Hoàng Xuân Quỳnh,1980,Sở Thử nghiệm TC,LDTT,2024,99/QĐ,05/02/2025\n",
        encoding="utf-8-sig",
    )
    assert import_registry(path).ok
    new = AwardEntry.objects.get(name_key="hoang xuan quynh")
    assert _keys("xuan quy") == {"hoang xuan quynh"}
    assert _ids(matching("xuan quynh")) == [new.pk]

    # No service renames or removes a registry record: the ORM's save and delete.
    new.recipient_name = "Hoàng Xuân Diệu"
    new.save()
    assert _keys("xuan die") == {"hoang xuan dieu"}
    # The former key stays and matches no record any more.
    assert matching("xuan quynh").count() == 0
    gone = AwardEntry.objects.filter(name_key="quach hung")
    gone.delete()
    assert matching("ach hun").count() == 0
    assert _ids(matching("Xuân Diệu")) == [new.pk]
    _index_intact()


def test_the_keys_follow_bulk_writes_and_their_rollback(registry):
    with transaction.atomic():
        _bulk_insert([(f"Võ Bảo Ngọc {i}", 2020) for i in range(30)])
        _bulk_insert([("Võ Bảo Ngọc 1", 2021)])  # a key already there
    assert len(_keys("bao ngo")) == 30
    with pytest.raises(RuntimeError), transaction.atomic():
        _bulk_insert([("Lò Văn Pảo", 2020)])
        assert _keys("van pao") == {"lo van pao"}
        raise RuntimeError
    assert _keys("van pao") == set()
    assert len(_keys("bao ngo")) == 30
    _index_intact()


def test_a_key_with_like_wildcards_matches_only_itself(registry):
    _bulk_insert([("Lê 100% Đạt", 2020), ("Lê 1000 Đạt", 2020), ("Lê_Văn Đạt", 2020)])
    assert _keys("100% dat") == {"le 100% dat"}
    assert _keys("le_van") == {"le_van dat"}
    assert [e.recipient_name for e in matching("100% đạt")] == ["Lê 100% Đạt"]
    for typed in ("%%%", "___", "\\\\\\", "'; drop table x; --", '"abc"', "a%b_c\\d"):
        assert _keys(name_key(typed)) == set(), typed  # wildcards, quotes: nothing, no error
        assert matching(typed).count() == 0, typed
    # Past the limit the index's rows count, not the exact matches left of them: SQLite reads
    # "_" as any letter, so "v_n" is in too many keys to list, "100%" in few.
    loose = connection.vendor == "sqlite"  # PostgreSQL's LIKE gets the key escaped
    assert keys_containing("v_n", limit=3) == (None if loose else [])
    assert keys_containing("100% dat", limit=3) == ["le 100% dat"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_name_not_in_the_registry_is_looked_for_in_the_trigram_index(registry):
    # Enough distinct keys that the planner weighs a scan (written straight into the keys: the
    # records would take far longer), and their statistics.
    given = ("hung", "lan", "minh", "thao", "tuan", "ha", "dung", "nga")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {NAME_KEYS} (key) SELECT 'tran thi ' || (%s::text[])[1 + i %% 8] || ' ' "
            f"|| md5(i::text) FROM generate_series(1, 100000) AS i",
            [list(given)],
        )
    refresh_statistics(NAME_KEYS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN SELECT key FROM {NAME_KEYS} WHERE key LIKE %s LIMIT 201", ["%nguyen van an%"]
        )
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "Bitmap Index Scan on namekey_trgm" in plan, plan


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_refused_extension_leaves_the_migration_going_without_the_index(db, monkeypatch, caplog):
    migration = importlib.import_module("thidua.awards.migrations.0011_registry_name_trigrams")
    monkeypatch.setattr(migration, "EXTENSION", "no_such_extension")
    with connection.schema_editor() as editor:  # in a transaction, as migrate runs it
        migration._postgres_index(editor)
        editor.execute("SELECT 1")  # the transaction was not aborted
    assert "no_such_extension could not be created" in caplog.text
