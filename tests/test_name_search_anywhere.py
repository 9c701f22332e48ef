"""The search's last step, the key anywhere in the name, through a trigram index (migration
awards 0011): the same records in the same order as `name_key LIKE '%key%'`, and an index that
follows every write."""

import importlib

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from thidua.awards import name_search
from thidua.awards.models import AwardEntry
from thidua.awards.name_search import FTS_TABLE, _anywhere, _filtered, matching
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
    if common:  # SQLite reads a key in more records than this along the name_key b-tree
        monkeypatch.setattr(name_search, "COUNT_CAP", 2)
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
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s", [AwardEntry._meta.db_table]
            )
            assert any("gin_trgm_ops" in d for (d,) in cursor.fetchall())
        else:
            cursor.execute(
                "SELECT type, name FROM sqlite_master WHERE name LIKE %s", [FTS_TABLE + "%"]
            )
            found = set(cursor.fetchall())
            assert ("table", FTS_TABLE) in found
            # Django remakes a SQLite table to alter it, which drops its triggers: a later
            # migration of AwardEntry must make them again.
            for event in ("insert", "update", "delete"):
                assert ("trigger", f"{FTS_TABLE}_{event}") in found, event


def _bulk_insert(names_years: list[tuple[str, int]]) -> None:
    """As the import and the generator write: past the ORM (executemany, COPY)."""
    award, now = AwardEntry.objects.first().award_type_id, timezone.now()
    rows = [
        (award, year, None, None, name, name_key(name), None, "", False, "", None, "", "", now)
        for name, year in names_years
    ]
    insert_rows(AwardEntry._meta.db_table, ENTRY_COLUMNS, rows)


def _fts_ids(key: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE name_key LIKE %s", [f"%{key}%"])
        return {pk for (pk,) in cursor.fetchall()}


def _fts_intact() -> None:
    with connection.cursor() as cursor:  # raises when the index and the table differ
        cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_the_sqlite_index_follows_inserts_updates_and_deletes(registry, tmp_path):
    path = tmp_path / "more.csv"
    path.write_text(
        HEADER + "Hoàng Xuân Quỳnh,1980,Sở Thử nghiệm TC,LDTT,2024,99/QĐ,05/02/2025\n",
        encoding="utf-8-sig",
    )
    assert import_registry(path).ok
    new = AwardEntry.objects.get(name_key="hoang xuan quynh")
    assert _fts_ids("xuan quy") == {new.pk}
    assert _ids(matching("xuan quynh")) == [new.pk]

    # No service renames or removes a registry record: the ORM's save and delete.
    new.recipient_name, new.name_key = "Hoàng Xuân Diệu", "hoang xuan dieu"
    new.save()
    assert _fts_ids("xuan quy") == set() and _fts_ids("xuan die") == {new.pk}
    assert matching("xuan quynh").count() == 0
    gone = AwardEntry.objects.filter(name_key="quach hung")
    ids = set(gone.values_list("pk", flat=True))
    gone.delete()
    assert not ids & _fts_ids("quach")
    assert _ids(matching("Xuân Diệu")) == [new.pk]
    _fts_intact()


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_the_sqlite_index_follows_bulk_writes_and_their_rollback(registry):
    with transaction.atomic():
        _bulk_insert([(f"Võ Bảo Ngọc {i}", 2020) for i in range(30)])
    assert len(_fts_ids("bao ngo")) == 30
    with pytest.raises(RuntimeError), transaction.atomic():
        AwardEntry.objects.filter(name_key__startswith="vo bao ngoc").delete()
        raise RuntimeError
    assert len(_fts_ids("bao ngo")) == 30
    _fts_intact()


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_bulk_insert_is_indexed_at_its_end_and_never_left_paused(registry):
    with transaction.atomic():
        with name_search.indexed_at_end():
            _bulk_insert([("Lò Văn Pảo", 2020)])
            assert _fts_ids("van pao") == set()  # the trigger is paused
        assert len(_fts_ids("van pao")) == 1
        with pytest.raises(ZeroDivisionError), name_search.indexed_at_end():
            raise ZeroDivisionError
        _bulk_insert([("Lò Thị Pảo", 2021)])  # the trigger again
    assert len(_fts_ids(" pao")) == 2
    _fts_intact()


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_flush_empties_the_sqlite_index_too(transactional_db, demo_snapshot, tmp_path):
    # TransactionTestCase flushes the models' tables after each test; the FTS table is none.
    demo_snapshot.restore()  # the award catalogue: a transactional test before may have flushed it
    path = tmp_path / "ds.csv"
    path.write_text(HEADER + "\n".join(_rows()) + "\n", encoding="utf-8-sig")
    assert import_registry(path).ok
    assert _fts_ids("khuc van")
    call_command("flush", interactive=False, verbosity=0)
    assert _fts_ids("khuc van") == set()
    _fts_intact()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_name_not_in_the_registry_is_looked_for_in_the_trigram_index(registry):
    # Enough records that the planner weighs a scan, and their statistics.
    given = ("Hùng", "Lan", "Minh", "Thảo", "Tuấn", "Hà", "Dũng", "Nga")
    _bulk_insert([(f"Trần Thị {given[i % 8]} {i % 997}", 2000 + i % 25) for i in range(30_000)])
    refresh_statistics(AwardEntry._meta.db_table)
    base = _filtered(born=None, award=None, year=None, unit=None)
    (step,), _ = _anywhere(base, "nguyen van an")
    for query in (step[:50], step.values("pk")[:10_000]):
        plan = query.explain()
        assert "Bitmap Index Scan on entry_key_trgm" in plan, plan


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_refused_extension_leaves_the_migration_going_without_the_index(db, monkeypatch, caplog):
    migration = importlib.import_module("thidua.awards.migrations.0011_registry_name_trigrams")
    monkeypatch.setattr(migration, "EXTENSION", "no_such_extension")
    with connection.schema_editor() as editor:  # in a transaction, as migrate runs it
        migration._postgres_index(editor)
        editor.execute("SELECT 1")  # the transaction was not aborted
    assert "no_such_extension could not be created" in caplog.text
