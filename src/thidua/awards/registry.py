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

from thidua.accounts.actors import Actor
from thidua.accounts.audit import Change, record_many
from thidua.awards import audit_actions, counts
from thidua.awards.aliases import Matcher, alias_key, resolve_mapping, save_aliases
from thidua.awards.imports import RowsImport
from thidua.awards.models import AliasOrigin, AwardEntry, AwardType, Person
from thidua.awards.name_search import matching, remember_words, search
from thidua.awards.people_match import PeopleMatcher
from thidua.common.bulk import insert_rows, refresh_statistics, reserve_ids, rows_by_keys
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.spreadsheet import Column, FileUnreadable, locate, missing, stream_rows
from thidua.common.text import name_key, shown, text_problem

# Historical lists can be large and the CLI is trusted, but python-calamine holds the whole sheet
# in memory (~0.7–1 GB for 1,000,000 rows, a ~40 MB file): refuse bigger files clearly instead
# of running out of memory. The Django setting THIDUA_REGISTRY_MAX_BYTES changes it.
CLI_LIMIT = 256 * 1024 * 1024

__all__ = ["import_registry", "matching", "search", "as_public", "as_search_row", "statistics"]


COLUMNS = (
    Column(
        "full_name",
        ("họ và tên", "họ tên", "tên", "full_name", "name", "tập thể, cá nhân"),
        required=True,
    ),
    Column("birth_year", ("năm sinh", "birth_year", "born")),
    Column("unit", ("đơn vị", "đơn vị công tác", "cơ quan, đơn vị", "unit")),
    Column("award", ("hình thức khen thưởng", "hình thức", "danh hiệu", "award"), required=True),
    Column("year", ("năm", "năm khen thưởng", "year")),
    Column("decision_number", ("số quyết định", "số qđ", "decision_number", "decision")),
    Column("decision_date", ("ngày quyết định", "ngày qđ", "decision_date")),
)
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# An achievement period as decisions write it: "2016-2020", "2016 – 2020", "giai đoạn 2016–2020".
_PERIOD = re.compile(r"^(?:giai đoạn|gđ|năm)?\s*(\d{4})\s*[-–—/]\s*(\d{4})$", re.I)
_FIRST_ROWS = 5  # rows listed with an unknown award name


@dataclass
class RegistryImport(RowsImport):
    """ok, written, unchanged (rows naming an entry already in the registry, or earlier in
    the file), people_created, errors; and the award names the catalogue does not know
    ({"name", "rows" (count), "first_rows"}) and the used --map items kept as aliases."""

    unknown_awards: list[dict] = field(default_factory=list)
    aliases_added: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return super().as_dict() | {
            "unknown_awards": self.unknown_awards,
            "aliases_added": self.aliases_added,
        }


def import_registry(
    source,
    *,
    actor: Actor | None = None,
    dry_run: bool = False,
    filename=None,
    via: str = "cli",
    progress=None,
    mapping: dict[str, str] | None = None,
    watch=None,
) -> RegistryImport:
    """Validate every row, then write all of them in one transaction, or nothing.

    `progress(rows)` is called inside the transaction right before writing; `watch(phase,
    count)` now and then as rows are read ("read": rows taken, "checked": rows found good),
    written ("writing": the rows to write, then "written": so far) and committed ("saving").

    Built for lists of a million rows: the sheet is read once and handed out row by row,
    repeated cells (award names, years, dates, names) are converted once, people are matched
    in one query and rows are written with COPY (PostgreSQL) or executemany (SQLite).
    `mapping` ({name in the file: award code}, `--map`) names awards the catalogue does not
    know; a mapping a row used is kept as an alias (audited) when the import is written.
    """
    result = RegistryImport()
    limit = getattr(settings, "THIDUA_REGISTRY_MAX_BYTES", CLI_LIMIT)
    mapped: dict[str, int] = {}
    try:
        parsed, used = _read(source, filename, limit, result, mapping or {}, mapped, watch)
    except FileUnreadable as exc:
        result.errors.append(exc.as_issue())
        return result
    except ValidationFailed as exc:
        result.errors.extend(exc.issues)
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
        kept = {n: a for n, a in mapped.items() if alias_key(n) in used}
        for alias in save_aliases(actor, kept, origin=AliasOrigin.IMPORT, via=via):
            if alias is not None:
                result.aliases_added.append({"name": alias.text, "award": alias.award_type.code})
        if progress:
            progress(len(parsed))
        result.written, result.people_created = _write(parsed, watch)
        result.unchanged = len(parsed) - result.written
        if watch:
            watch("saving", result.written)
        if not result.written:
            return result  # the file's entries are all in the registry already: nothing to log
        summary = Change(
            audit_actions.REGISTRY_IMPORTED,
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


def _read(
    source, filename, limit: int, result: RegistryImport, mapping, mapped, watch=None
) -> tuple:
    """The checked rows and the keys of the award names they used; `mapped` gets the mapping's
    award ids. The reader's copy of the sheet is gone when this returns: the matching and the
    write that follow reuse its memory instead of stacking on it (1M rows into the national
    registry: peak 1.46 → 1.06 GB, docs/benchmarks.md)."""
    first, rows = stream_rows(source, filename, limit=limit)  # an unreadable file: no query
    matcher = Matcher()
    mapped.update(resolve_mapping(mapping, matcher))
    for name, award_id in mapped.items():
        matcher.add(name, award_id)
    return _parse(first, rows, result, matcher, watch)


def _refresh_statistics() -> None:
    refresh_statistics(AwardEntry._meta.db_table, Person._meta.db_table)


# A parsed row: (full_name, birth_year, unit_name, award_type_id, year, decision_number,
# decision_date, period_from, period_stated). Plain tuples: a million dataclass instances would
# cost memory and time.
_FIELDS = ("full_name", "birth_year", "unit", "award", "year", "decision_number", "decision_date")


WATCH_EVERY = 10_000  # rows between two calls of `watch`


def _parse(first: int, rows, result: RegistryImport, matcher, watch=None) -> tuple[list, set]:
    errors = result.errors
    header_cells = next(rows, None)
    if header_cells is None:
        errors.append(Issue(_("Tệp không có dữ liệu.")))
        return [], set()
    header = _header(header_cells, errors)
    if errors:
        return [], set()
    check = _Checker(header, matcher)
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
    if check.unknown:
        result.unknown_awards = check.unknown_report()
        errors[:0] = check.unknown_issues()  # first: the few names that matter
    if errors:
        parsed.clear()
    return parsed, check.used


def _header(cells: list, errors: list[Issue]) -> dict[str, int]:
    found = locate(cells, COLUMNS)
    absent = [column.name for column in missing(found, COLUMNS)]
    if "year" not in found and "decision_date" not in found:
        absent.append("year")  # the achievement year, or else the decision's date
    for column in absent:
        msg = _("Thiếu cột “%(c)s” ở dòng tiêu đề (ví dụ: Họ và tên, Hình thức khen thưởng, Năm).")
        errors.append(Issue(msg % {"c": column}, row=1, column=column))
    return found


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Checker:
    """Checks one row at a time; each distinct cell value is converted only once."""

    def __init__(self, header: dict[str, int], matcher):
        self.positions = [header.get(f) for f in _FIELDS]
        present = [p for p in self.positions if p is not None]
        self.width = max(present) + 1
        self.matcher = matcher
        self.this_year = dt.date.today().year
        self.award_cells: dict = {}
        self.int_cells: dict = {}
        self.year_cells: dict = {}
        self.date_cells: dict = {}
        self.used: set[str] = set()  # keys of the award names the rows matched
        self.unknown: dict[str, list] = {}  # key → [name as first written, rows, first rows]

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
        decided = self.date(date_cell)
        year, period_from, stated = self.period(year_cell, decided)
        born = self.integer(born_cell) if born_cell not in (None, "") else None
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
        return (full_name, born, unit_name, award, year, decision, decided, period_from, stated)

    def bad_born(self, cell, born: int | None) -> bool:
        return cell not in (None, "") and (born is None or not 1880 <= born <= self.this_year)

    def award(self, cell) -> int | None:
        try:
            return self.award_cells[cell]
        except KeyError:
            found = self.award_cells[cell] = self.find_award(cell)
            return found
        except TypeError:  # an unhashable cell
            return self.find_award(cell)

    def find_award(self, cell) -> int | None:
        text = _text(cell)
        found = self.matcher.find(text)
        if found is not None:
            self.used.add(alias_key(text))
        return found

    def period(self, cell, decided) -> tuple[int | None, int | None, bool]:
        """(year, first year of a period, whether the file states it); an empty cell takes
        the decision's year, not stated."""
        if cell in (None, ""):
            return (decided.year if decided else None), None, False
        try:
            return self.year_cells[cell]
        except KeyError:
            found = self.year_cells[cell] = _period(cell)
            return found
        except TypeError:
            return _period(cell)

    def note_unknown(self, number: int, cell) -> None:
        text = " ".join(_text(cell).split())
        found = self.unknown.setdefault(alias_key(text), [text, 0, []])
        found[1] += 1
        if len(found[2]) < _FIRST_ROWS:
            found[2].append(number)

    def unknown_report(self) -> list[dict]:
        return [
            {"name": name, "rows": n, "first_rows": rows}
            for name, n, rows in sorted(self.unknown.values(), key=lambda u: -u[1])
        ]

    def unknown_issues(self) -> list[Issue]:
        msg = _(
            "Không có hình thức khen thưởng “%(a)s” trong danh mục: %(n)s dòng (đầu tiên: dòng "
            "%(rows)s). Nếu là tên địa phương của một hình thức có sẵn, nhập lại với "
            '--map "%(a)s=MÃ" (hoặc nhờ Ban Thi đua – Khen thưởng thêm tên gọi khác).'
        )
        return [
            Issue(
                msg
                % {"a": u["name"], "n": u["rows"], "rows": ", ".join(map(str, u["first_rows"]))},
                row=u["first_rows"][0],
                column="award",
                value=u["name"],
            )
            for u in self.unknown_report()
        ]

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
        if award is None and not _text(cells[3]):
            fail("award", "", _("Thiếu hình thức khen thưởng."))
        elif award is None:
            self.note_unknown(number, cells[3])  # one error per distinct name, after the rows
        if year is None or not 1945 <= year <= self.this_year + 1:
            fail(
                "year",
                cells[4],
                _(
                    "Năm (thời gian lập thành tích) phải là một năm từ 1945 đến %(y)s hoặc một "
                    "giai đoạn như 2016–2020; để trống thì lấy năm của ngày quyết định."
                )
                % {"y": self.this_year + 1},
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


def _period(cell) -> tuple[int | None, int | None, bool]:
    year = _int(cell)
    if year is not None:
        return year, None, True
    match = _PERIOD.match(_text(cell))
    if match is None:
        return None, None, True
    start, end = int(match.group(1)), int(match.group(2))
    return (end, start, True) if start < end else (None, None, True)


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
    """name_key and the written form of a name, each computed once per text."""

    def __init__(self):
        self._names: dict[str, str] = {}
        self.written_cache: dict[str, str] = {}

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


ENTRY_COLUMNS = (
    "award_type_id", "year", "person_id", "unit_id", "recipient_name", "name_key", "birth_year",
    "unit_name", "is_collective", "decision_number", "decision_date", "signer", "source",
    "created_at",
)  # fmt: skip
# The import also writes the achievement period; other writers (benchmarks, the generator)
# leave it to the columns' defaults (no period, stated).
IMPORT_COLUMNS = (*ENTRY_COLUMNS, "period_from", "period_stated")
PERSON_COLUMNS = (
    "id", "full_name", "name_key", "birth_date", "birth_year", "gender", "unit_id", "unit_name",
    "position", "national_id", "merged_into_id", "created_at",
)  # fmt: skip


def _write(rows: list[tuple], watch=None) -> tuple[int, int]:
    keys = _Keys()
    matcher = PeopleMatcher()
    people, created = _match_people(rows, keys, matcher)
    new = _new_entries(rows, people, keys)
    find = matcher.units.find
    unit_of: dict[tuple, int | None] = {}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    day = dt.date.isoformat if connection.vendor == "sqlite" else None
    name = keys.name
    # The new rows grouped by (year, award, unit) as they are written: the counts' one upsert.
    tallied = counts.tally(())

    def entries():
        for i in _by_name_key(rows, name):
            if not new(i):
                continue
            full_name, born, unit_name, award, year, decision, decided, since, stated = rows[i]
            person = people[i]
            collective = born is None
            text = full_name if collective else unit_name
            # The unit as of the entry's year: "Sở Tài chính tỉnh Tây Ninh" of 2024 is the
            # department of the Tây Ninh before the merger.
            unit = unit_of.get((text, year), 0)
            if unit == 0:
                unit = unit_of[text, year] = find(text, year) if text else None
            if day and decided:
                decided = day(decided)
            tallied[year, award, unit_name] += 1
            yield (
                award, year, person, unit, full_name, name(full_name), born, unit_name,
                collective, decision, decided, "", "import", now, since, stated,
            )  # fmt: skip

    written = insert_rows(AwardEntry._meta.db_table, IMPORT_COLUMNS, _watched(entries(), watch))
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
    people, _created = _match_people(rows, keys, PeopleMatcher(), create=False)
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
        full_name, _born, _unit, award, year, decision, *_rest = rows[i]
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


def _match_people(
    rows: list[tuple], keys: _Keys, matcher: PeopleMatcher, *, create: bool = True
) -> tuple[list[int | None], int]:
    """The person of each row (None for a collective) and how many people were created
    (`create=False`, a dry run: a person not found is a negative stand-in id, one per person).

    The same person when the written name, birth year and unit agree, the unit read as of the
    row's year and compared through the lineage (thidua.awards.people_match): Sở Tài chính tỉnh
    Long An of 2024 and Sở Tài chính tỉnh Tây Ninh of 2025 are one place. Candidates are found
    by the diacritic-free key (indexed), but the decision compares the name as written: Nguyễn
    Văn Hùng and Nguyễn Văn Hưng share a key and are two people. A fixed number of queries
    finds the candidates of every row; the new people are written in one go, with their unit
    where it resolves.
    """
    slots, wanted = _identities(rows, keys, matcher)
    found = matcher.match(wanted)
    missing = [ident for ident in wanted if ident not in found]
    if create:
        ids = reserve_ids(Person._meta.db_table, len(missing))
        _insert_people(Person._meta.db_table, ids, (wanted[i] for i in missing), keys)
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
            (pk, w[0], keys.name(w[0]), None, w[1], "", w[3], w[2], "", "", None, now)
            for pk, w in zip(ids, people, strict=True)
        ),
    )


def _identities(
    rows: list[tuple], keys: _Keys, matcher: PeopleMatcher
) -> tuple[array, dict[tuple, tuple]]:
    """Each row's slot in `wanted` (-1 for a collective), and the distinct identities with
    (name, birth year, unit as written, unit id, year) of their latest row.

    The hottest loop of a big import: the caches are read inline, not through methods.
    """
    wanted: dict[tuple, tuple] = {}
    slot_of: dict[tuple, int] = {}
    slots = array("l")
    written = keys.written_cache
    places: dict[tuple, tuple] = {}  # (unit as written, year) → (anchor, unit id)
    units = matcher.units
    for full_name, born, unit_name, _award, year, *_rest in rows:
        if born is None:
            slots.append(-1)
            continue
        w = written.get(full_name) or keys.written(full_name)
        place = places.get((unit_name, year))
        if place is None:
            unit = units.find(unit_name, year) if unit_name else None
            place = places[unit_name, year] = (matcher.anchor(unit, unit_name), unit)
        identity = (w, born, place[0])
        slot = slot_of.get(identity)
        if slot is None:
            slot = slot_of[identity] = len(wanted)
            wanted[identity] = (full_name, born, unit_name, place[1], year)
        elif year > wanted[identity][4]:
            wanted[identity] = (full_name, born, unit_name, place[1], year)
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
