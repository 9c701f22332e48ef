"""The registry of awards: import historical lists (all or nothing), search, statistics."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from array import array
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.audit import Change, record_many
from thidua.awards import counts
from thidua.awards.models import AwardEntry, AwardType, Person
from thidua.awards.name_search import matching, remember_words, search
from thidua.common.bulk import insert_rows, refresh_statistics, reserve_ids, rows_by_keys
from thidua.common.text import name_key, shown, text_problem, unit_key
from thidua.indicators.importing import FileUnreadable, stream_rows
from thidua.indicators.validation import Issue
from thidua.orgs.models import Unit

# Historical lists can be large and the CLI is trusted, but python-calamine holds the whole sheet
# in memory (~0.7–1 GB for 1,000,000 rows, a ~40 MB file): refuse bigger files clearly instead
# of running out of memory. The Django setting THIDUA_REGISTRY_MAX_BYTES changes it.
CLI_LIMIT = 256 * 1024 * 1024

__all__ = ["import_registry", "matching", "search", "as_public", "as_search_row", "statistics"]


def _aliases(*names: str) -> frozenset[str]:
    return frozenset(name_key(n).replace("_", " ") for n in names)


COLUMNS = {
    "full_name": _aliases("họ và tên", "họ tên", "tên", "full_name", "name", "tập thể, cá nhân"),
    "birth_year": _aliases("năm sinh", "birth_year", "born"),
    "unit": _aliases("đơn vị", "đơn vị công tác", "cơ quan, đơn vị", "unit"),
    "award": _aliases("hình thức khen thưởng", "hình thức", "danh hiệu", "award"),
    "year": _aliases("năm", "năm khen thưởng", "year"),
    "decision_number": _aliases("số quyết định", "số qđ", "decision_number", "decision"),
    "decision_date": _aliases("ngày quyết định", "ngày qđ", "decision_date"),
}
REQUIRED = ("full_name", "award", "year")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


@dataclass
class RegistryImport:
    ok: bool = False
    written: int = 0
    unchanged: int = 0  # rows naming an entry already in the registry (or earlier in the file)
    people_created: int = 0
    errors: list[Issue] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "written": self.written,
            "unchanged": self.unchanged,
            "people_created": self.people_created,
            "errors": [e.as_dict() for e in self.errors],
        }


def import_registry(
    source,
    *,
    actor=None,
    dry_run: bool = False,
    filename=None,
    via: str = "cli",
    progress=None,
    watch=None,
) -> RegistryImport:
    """Validate every row, then write all of them in one transaction, or nothing.

    `progress(rows)` is called inside the transaction right before writing; `watch(phase,
    count)` now and then as rows are read ("read": rows taken, "checked": rows found good),
    written ("writing": the rows to write, then "written": so far) and committed ("saving").

    Built for lists of a million rows: the sheet is read once and handed out row by row,
    repeated cells (award names, years, dates, names) are converted once, people are matched
    in one query and rows are written with COPY (PostgreSQL) or executemany (SQLite).
    """
    result = RegistryImport()
    limit = getattr(settings, "THIDUA_REGISTRY_MAX_BYTES", CLI_LIMIT)
    try:
        parsed = _read(source, filename, limit, result.errors, watch)
    except FileUnreadable as exc:
        result.errors.append(exc.as_issue())
        return result
    if result.errors:
        return result
    result.ok = True
    if watch and not dry_run:
        watch("writing", len(parsed))
    with transaction.atomic():
        if dry_run:
            result.written = _count_new(parsed)
            result.unchanged = len(parsed) - result.written
            return result
        if progress:
            progress(len(parsed))
        result.written, result.people_created = _write(parsed, watch)
        result.unchanged = len(parsed) - result.written
        if watch:
            watch("saving", result.written)
        if not result.written:
            return result  # the file's entries are all in the registry already: nothing to log
        summary = Change(
            "awards.registry.imported",
            None,
            None,
            {
                "rows": result.written,
                "unchanged": result.unchanged,
                "people_created": result.people_created,
                "file": str(filename or source),
            },
            object_type="awards.registry",
            object_id="import",
        )
        record_many(actor, [summary], via=via)
        transaction.on_commit(_refresh_statistics)
    return result


def _read(source, filename, limit: int, errors: list[Issue], watch=None) -> list[tuple]:
    """The checked rows. The reader's copy of the sheet is gone when this returns: the matching
    and the write that follow reuse its memory instead of stacking on it (1M rows into the
    national registry: peak 1.46 → 1.06 GB, docs/benchmarks.md)."""
    first, rows = stream_rows(source, filename, limit=limit)
    return _parse(first, rows, errors, watch)


def _refresh_statistics() -> None:
    refresh_statistics(AwardEntry._meta.db_table, Person._meta.db_table)


# A parsed row: (full_name, birth_year, unit_name, award_type_id, year, decision_number,
# decision_date). Plain tuples: a million dataclass instances would cost memory and time.
_FIELDS = ("full_name", "birth_year", "unit", "award", "year", "decision_number", "decision_date")


WATCH_EVERY = 10_000  # rows between two calls of `watch`


def _parse(first: int, rows, errors: list[Issue], watch=None) -> list[tuple]:
    header_cells = next(rows, None)
    if header_cells is None:
        errors.append(Issue(_("Tệp không có dữ liệu.")))
        return []
    header = _header(header_cells, errors)
    if errors:
        return []
    check = _Checker(header, _award_lookup())
    parsed = []
    read = 0
    for read, raw in enumerate(rows, start=1):
        row = check(first + read, raw, errors)
        if row is not None:
            parsed.append(row)
        if watch and read % WATCH_EVERY == 0:
            watch("read", read)
            watch("checked", len(parsed))
    if watch:
        watch("read", read)
        watch("checked", len(parsed))
    if errors:
        parsed.clear()
    return parsed


def _header(cells: list, errors: list[Issue]) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(cells):
        key = name_key(str(cell or "")).replace("_", " ")
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in found:
                found[column] = index
    for column in REQUIRED:
        if column not in found:
            msg = _(
                "Thiếu cột “%(c)s” ở dòng tiêu đề (ví dụ: Họ và tên, Hình thức khen thưởng, Năm)."
            )
            errors.append(Issue(msg % {"c": column}, row=1, column=column))
    return found


def _award_lookup() -> dict[str, int]:
    lookup = {}
    for pk, code, key in AwardType.objects.values_list("pk", "code", "name_key"):
        lookup[name_key(code)] = pk
        lookup[key] = pk
    return lookup


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Checker:
    """Checks one row at a time; each distinct cell value is converted only once."""

    def __init__(self, header: dict[str, int], awards: dict[str, int]):
        self.positions = [header.get(f) for f in _FIELDS]
        present = [p for p in self.positions if p is not None]
        self.width = max(present) + 1
        self.awards = awards
        self.this_year = dt.date.today().year
        self.award_cells: dict = {}
        self.int_cells: dict = {}
        self.date_cells: dict = {}

    def cells(self, raw) -> list:
        if len(raw) < self.width:
            raw = list(raw) + [None] * (self.width - len(raw))
        return [raw[p] if p is not None else None for p in self.positions]

    def __call__(self, number: int, raw, errors: list[Issue]) -> tuple | None:
        name_cell, born_cell, unit_cell, award_cell, year_cell, number_cell, date_cell = self.cells(
            raw
        )
        full_name = name_cell.strip() if type(name_cell) is str else _text(name_cell)
        if not full_name and all(c in (None, "") for c in raw):
            return None  # a blank line
        award = self.award(award_cell)
        year = self.integer(year_cell)
        born = self.integer(born_cell) if born_cell not in (None, "") else None
        decided = self.date(date_cell)
        unit_name = unit_cell.strip() if type(unit_cell) is str else _text(unit_cell)
        decision = number_cell.strip() if type(number_cell) is str else _text(number_cell)
        texts = (full_name, unit_name, decision)
        if (
            not full_name
            or award is None
            or year is None
            or not 1945 <= year <= self.this_year + 1
            or self.bad_born(born_cell, born)
            or decided is False
            or _bad_texts(texts, born)
        ):
            self.explain(number, full_name, award, year, born, born_cell, decided, raw, errors)
            _explain_texts(number, texts, born, errors)
            return None
        return (full_name, born, unit_name, award, year, decision, decided)

    def bad_born(self, cell, born: int | None) -> bool:
        return cell not in (None, "") and (born is None or not 1880 <= born <= self.this_year)

    def award(self, cell) -> int | None:
        try:
            return self.award_cells[cell]
        except KeyError:
            found = self.award_cells[cell] = self.awards.get(name_key(_text(cell)))
            return found
        except TypeError:  # an unhashable cell
            return self.awards.get(name_key(_text(cell)))

    def integer(self, cell) -> int | None:
        try:
            return self.int_cells[cell]
        except KeyError:
            found = self.int_cells[cell] = _int(cell)
            return found

    def date(self, cell) -> dt.date | None | bool:
        try:
            return self.date_cells[cell]
        except KeyError:
            found = self.date_cells[cell] = _date(cell)
            return found

    def explain(self, number, full_name, award, year, born, born_cell, decided, raw, errors):
        """The row is wrong: say where and why, one issue per wrong cell (rare: not hot)."""
        cells = self.cells(raw)

        def fail(column: str, value, message: str) -> None:
            errors.append(Issue(message, row=number, column=column, value=_text(value)))

        if not full_name:
            fail("full_name", "", _("Thiếu họ và tên (hoặc tên tập thể)."))
        if award is None:
            fail(
                "award",
                cells[3],
                _("Không có hình thức khen thưởng “%(a)s” trong danh mục.")
                % {"a": _text(cells[3])},
            )
        if year is None or not 1945 <= year <= self.this_year + 1:
            fail(
                "year",
                cells[4],
                _("Năm khen thưởng phải là số từ 1945 đến %(y)s.") % {"y": self.this_year + 1},
            )
        if self.bad_born(born_cell, born):
            fail("birth_year", born_cell, _("Năm sinh không hợp lệ (để trống nếu là tập thể)."))
        if decided is False:
            fail(
                "decision_date",
                cells[6],
                _("Ngày quyết định phải theo dạng ngày/tháng/năm, ví dụ 05/02/2020."),
            )


@functools.cache
def _text_limits(person: bool) -> tuple[int, int, int]:
    """Name, unit, decision number: the columns they are stored in (a person's name goes into
    Person.full_name too; a collective's only into the entry)."""
    name = AwardEntry._meta.get_field("recipient_name").max_length
    if person:
        name = min(name, Person._meta.get_field("full_name").max_length)
    unit = AwardEntry._meta.get_field("unit_name").max_length
    return name, unit, AwardEntry._meta.get_field("decision_number").max_length


def _bad_texts(texts: tuple[str, str, str], born: int | None) -> bool:
    """Cheap for the million good rows: three lengths, then one check for unprintable text."""
    name, unit, decision = _text_limits(born is not None)
    if len(texts[0]) > name or len(texts[1]) > unit or len(texts[2]) > decision:
        return True
    return not "".join(texts).isprintable() and any(
        text_problem(t, limit) for t, limit in zip(texts, (name, unit, decision), strict=True)
    )


def _explain_texts(number: int, texts: tuple[str, str, str], born, errors: list[Issue]) -> None:
    columns = ("full_name", "unit", "decision_number")
    for column, text, limit in zip(columns, texts, _text_limits(born is not None), strict=True):
        problem = text and text_problem(text, limit)
        if problem:
            errors.append(Issue(problem, row=number, column=column, value=shown(text)))


def _int(value) -> int | None:
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    text = _text(value)
    # ASCII digits only: "2020²" or "２０２０" are not years ("²".isdigit() is True, int() fails).
    return int(text) if text.isascii() and text.isdigit() else None


def _date(value) -> dt.date | None | bool:
    """A date, None when empty, False when unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.match(_text(value))
    if not match:
        return False
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return False


class _Keys:
    """name_key, the written identity of a name and unit_key, each computed once per text."""

    def __init__(self):
        self._names: dict[str, str] = {}
        self.written_cache: dict[str, str] = {}
        self.unit_cache: dict[str, str] = {}

    def name(self, text: str) -> str:
        key = self._names.get(text)
        if key is None:
            key = self._names[text] = name_key(text)
        return key

    def names(self):
        return self._names.values()

    def written(self, text: str) -> str:
        key = self.written_cache.get(text)
        if key is None:
            key = self.written_cache[text] = " ".join(
                unicodedata.normalize("NFC", text).lower().split()
            )
        return key

    def unit(self, text: str) -> str:
        key = self.unit_cache.get(text)
        if key is None:
            key = self.unit_cache[text] = unit_key(text)
        return key

    def identity(self, full_name: str, birth_year: int | None, unit_name: str) -> tuple:
        return (self.written(full_name), birth_year, self.unit(unit_name))


ENTRY_COLUMNS = (
    "award_type_id", "year", "person_id", "unit_id", "recipient_name", "name_key", "birth_year",
    "unit_name", "is_collective", "decision_number", "decision_date", "signer", "source",
    "created_at",
)  # fmt: skip
PERSON_COLUMNS = (
    "id", "full_name", "name_key", "birth_date", "birth_year", "gender", "unit_id", "unit_name",
    "position", "national_id", "merged_into_id", "created_at",
)  # fmt: skip


def _write(rows: list[tuple], watch=None) -> tuple[int, int]:
    keys = _Keys()
    people, created = _match_people(rows, keys)
    new = _new_entries(rows, people, keys)
    units = _unit_ids()
    unit_of: dict[str, int | None] = {}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    day = dt.date.isoformat if connection.vendor == "sqlite" else None
    name = keys.name
    # The new rows grouped by (year, award, unit) as they are written: the counts' one upsert.
    tallied = counts.tally(())

    def entries():
        for i in _by_name_key(rows, name):
            if not new(i):
                continue
            full_name, born, unit_name, award, year, decision, decided = rows[i]
            person = people[i]
            collective = born is None
            text = full_name if collective else unit_name
            unit = unit_of.get(text, 0)
            if unit == 0:
                unit = unit_of[text] = units.get(keys.unit(text))
            if day and decided:
                decided = day(decided)
            tallied[year, award, unit_name] += 1
            yield (
                award, year, person, unit, full_name, name(full_name), born, unit_name,
                collective, decision, decided, "", "import", now,
            )  # fmt: skip

    written = insert_rows(AwardEntry._meta.db_table, ENTRY_COLUMNS, _watched(entries(), watch))
    counts.add(tallied)
    remember_words(keys.names())
    return written, created


def _watched(rows, watch):
    """The rows as they go to the database, `watch("written", n)` every WATCH_EVERY of them."""
    if watch is None:
        yield from rows
        return
    n = 0
    for n, row in enumerate(rows, start=1):
        yield row
        if n % WATCH_EVERY == 0:
            watch("written", n)
    watch("written", n)


def _count_new(rows: list[tuple]) -> int:
    """What an import would write (a dry run): people not yet known have no entries."""
    keys = _Keys()
    people, _created = _match_people(rows, keys, create=False)
    new = _new_entries(rows, people, keys)
    return sum(1 for i in range(len(rows)) if new(i))


def _decision(text: str) -> str:
    """A decision number as compared: NFC, case and spaces left out (“123/QĐ-TTg” is
    “123 / qđ-ttg”)."""
    return "".join(unicodedata.normalize("NFC", text).casefold().split())


def _new_entries(rows: list[tuple], people: list[int | None], keys: _Keys):
    """A test of row position → whether the row is a new entry.

    The same entry is the same person (a collective: the same name as written), award, year
    and decision number (normalised); a row naming an entry already in the registry, or one
    earlier in the file, is unchanged. The registry's entries under the file's name keys are
    read in one query (the `(name_key, year)` index), only their identities kept.
    """
    decisions: dict[str, str] = {}

    def identity(person, name, award, year, decision) -> tuple:
        d = decisions.get(decision)
        if d is None:
            d = decisions[decision] = _decision(decision)
        who = person if person is not None else keys.written(name)
        return (who, award, year, d)

    seen: set[tuple] = set()
    table = AwardEntry._meta.db_table
    stored = rows_by_keys(
        f"SELECT person_id, recipient_name, award_type_id, year, decision_number FROM {table}",
        "name_key",
        {keys.name(r[0]) for r in rows},
    )
    # Namesakes by key are many in a national registry: keep only the file's people and
    # collectives.
    persons = {p for p in people if p is not None}
    collectives = {keys.written(r[0]) for r, p in zip(rows, people, strict=True) if p is None}
    for person, name, award, year, decision in stored:
        named = person in persons if person is not None else keys.written(name) in collectives
        if named:
            seen.add(identity(person, name, award, year, decision or ""))

    def new(i: int) -> bool:
        full_name, _born, _unit, award, year, decision, _date = rows[i]
        key = identity(people[i], full_name, award, year, decision)
        if key in seen:
            return False
        seen.add(key)
        return True

    return new


def _by_name_key(rows: list[tuple], name) -> list[int]:
    """Row positions in name-key order: the registry's name indexes then take the new entries
    in runs instead of at random places (measured: a quarter off the insert of 1M rows)."""
    return sorted(range(len(rows)), key=lambda i: name(rows[i][0]))


def _unit_ids() -> dict[str, int]:
    """Unit ids by name key, as the rows name them (the current units, then the former ones)."""
    units = dict(Unit.objects.filter(valid_to__isnull=True).values_list("name_key", "pk"))
    units.update(
        (k, pk)
        for k, pk in Unit.objects.filter(valid_to__isnull=False).values_list("name_key", "pk")
        if k
    )
    return units


def _match_people(
    rows: list[tuple], keys: _Keys, *, create: bool = True
) -> tuple[list[int | None], int]:
    """The person of each row (None for a collective) and how many people were created
    (`create=False`, a dry run: a person not found is a negative stand-in id, one per person).

    The same person when the written name, birth year and unit agree. Candidates are found by
    the diacritic-free key (indexed), but the decision compares the name as written: Nguyễn Văn
    Hùng and Nguyễn Văn Hưng share a key and are two people. One query finds the candidates of
    every row; the new people are written in one go.
    """
    slots, wanted = _identities(rows, keys)
    found: dict[tuple, int] = {}
    table = Person._meta.db_table
    candidates = rows_by_keys(
        f"SELECT id, full_name, birth_year, unit_name FROM {table} WHERE merged_into_id IS NULL",
        "name_key",
        {keys.name(w[0]) for w in wanted.values()},
        order_by="id",
    )
    # Namesakes by key are many in a national registry: keep only the people the file names.
    for pk, full_name, born, unit_name in candidates:
        identity = keys.identity(full_name, born, unit_name)
        if identity in wanted:
            found.setdefault(identity, pk)
    missing = [ident for ident in wanted if ident not in found]
    if create:
        ids = reserve_ids(table, len(missing))
        _insert_people(table, ids, (wanted[i] for i in missing), keys)
    else:
        ids = [-n for n in range(1, len(missing) + 1)]
    found.update(zip(missing, ids, strict=True))
    by_slot = [found[ident] for ident in wanted]
    return [by_slot[s] if s >= 0 else None for s in slots], len(missing) if create else 0


def _insert_people(table: str, ids, people, keys: _Keys) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    insert_rows(
        table,
        PERSON_COLUMNS,
        (
            (pk, w[0], keys.name(w[0]), None, w[1], "", None, w[2], "", "", None, now)
            for pk, w in zip(ids, people, strict=True)
        ),
    )


def _identities(rows: list[tuple], keys: _Keys) -> tuple[array, dict[tuple, tuple]]:
    """Each row's slot in `wanted` (-1 for a collective), and the distinct identities.

    The hottest loop of a big import: the key caches are read inline, not through methods.
    """
    wanted: dict[tuple, tuple] = {}
    slot_of: dict[tuple, int] = {}
    slots = array("l")
    written, units = keys.written_cache, keys.unit_cache
    for full_name, born, unit_name, *_rest in rows:
        if born is None:
            slots.append(-1)
            continue
        w = written.get(full_name) or keys.written(full_name)
        u = units.get(unit_name)
        if u is None:
            u = keys.unit(unit_name)
        identity = (w, born, u)
        slot = slot_of.get(identity)
        if slot is None:
            slot = slot_of[identity] = len(wanted)
            wanted[identity] = (full_name, born, unit_name)
        slots.append(slot)
    return slots, wanted


def as_public(entry: AwardEntry) -> dict:
    """Only the public fields: name, unit, award, decision number and date."""
    return {
        "person": entry.recipient_name,
        "unit": entry.unit_name,
        "award": entry.award_type.name,
        "award_code": entry.award_type.code,
        "year": entry.year,
        "decision": entry.decision_number,
        "decision_date": entry.decision_date.isoformat() if entry.decision_date else None,
    }


def as_search_row(entry: AwardEntry) -> dict:
    return as_public(entry) | {"born": entry.birth_year}


def statistics(*, by: str = "year") -> list[dict]:
    """Entries counted by year, award (its code) or unit name, in that order: read from the
    kept counts (`thidua.awards.counts`), a few rows whatever the size of the registry."""
    kept = counts.stored(by)
    if by == "year":
        return [
            {"year": int(y), "count": n} for y, n in sorted(kept.items(), key=lambda i: int(i[0]))
        ]
    if by == "award":
        codes = dict(
            AwardType.objects.filter(pk__in=[int(k) for k in kept]).values_list("pk", "code")
        )
        rows = [{"award_type__code": codes[int(k)], "count": n} for k, n in kept.items()]
        return sorted(rows, key=lambda r: r["award_type__code"])
    return [{"unit_name": u, "count": n} for u, n in sorted(kept.items())]
