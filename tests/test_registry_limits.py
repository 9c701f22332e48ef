"""A registry file above the configured size is refused with a message, before it is read."""

from thidua.awards.models import AwardEntry
from thidua.awards.registry import import_registry


def test_a_file_above_the_configured_size_is_refused_clearly(db, tmp_path, settings):
    settings.THIDUA_REGISTRY_MAX_BYTES = 100
    path = tmp_path / "big.csv"
    path.write_text("Họ và tên,Hình thức khen thưởng,Năm\n" + "Lê Lan,LDTT,2024\n" * 20)
    before = AwardEntry.objects.count()
    result = import_registry(path)
    assert not result.ok and "quá lớn" in result.errors[0].message
    assert AwardEntry.objects.count() == before


def test_an_xlsx_with_a_bad_row_names_its_excel_row(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Năm sinh", "Hình thức khen thưởng", "Năm"])
    sheet.append(["Lê Lan", 1980, "LDTT", 2024])
    sheet.append(["Trần Hùng", 1981, "Không có", 2024])
    path = tmp_path / "ds.xlsx"
    book.save(path)
    result = import_registry(path)
    assert not result.ok
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "award", "Không có")]


def test_people_created_by_an_import_never_reuse_a_deleted_persons_id(db, tmp_path):
    from thidua.awards.models import Person

    gone = Person.objects.create(full_name="Người Đã Xóa", birth_year=1970)
    gone_id = gone.pk
    gone.delete()
    path = tmp_path / "ds.csv"
    path.write_text("Họ và tên,Năm sinh,Hình thức khen thưởng,Năm\nMai Lan,1990,LDTT,2024\n")
    assert import_registry(path).people_created == 1
    assert Person.objects.get(full_name="Mai Lan").pk > gone_id


def test_the_readers_copy_of_the_sheet_is_gone_before_the_write(db, tmp_path, monkeypatch):
    """python-calamine holds the whole sheet (~0.9 GB for 1M rows): kept alive during the write,
    it stacked under the matching and the database's cache (docs/benchmarks.md)."""
    import gc

    from openpyxl import Workbook

    from thidua.awards import registry

    book = Workbook()
    book.active.append(["Họ và tên", "Năm sinh", "Hình thức khen thưởng", "Năm"])
    book.active.append(["Lê Lan", 1980, "LDTT", 2024])
    path = tmp_path / "ds.xlsx"
    book.save(path)
    alive_at_write = []
    write = registry._write

    def watching_write(rows, watch=None):
        gc.collect()
        alive_at_write.extend(
            type(o).__name__ for o in gc.get_objects() if type(o).__name__.startswith("Calamine")
        )
        return write(rows, watch)

    monkeypatch.setattr(registry, "_write", watching_write)
    assert import_registry(path).written == 1
    assert alive_at_write == []
