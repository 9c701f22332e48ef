"""The registry of awards: import historical lists (all or nothing), search, statistics."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from thidua.accounts.audit import Change, record_many
from thidua.awards.models import AwardEntry, AwardType, Person
from thidua.common.text import name_key, unit_key
from thidua.indicators.importing import FileUnreadable, read_rows
from thidua.indicators.validation import Issue
from thidua.orgs.models import Unit

CLI_LIMIT = 2 * 1024 * 1024 * 1024  # historical lists can be large; the CLI is trusted


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
    people_created: int = 0
    errors: list[Issue] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "written": self.written,
            "people_created": self.people_created,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass
class _Row:
    number: int
    full_name: str
    birth_year: int | None
    unit_name: str
    award: AwardType
    year: int
    decision_number: str
    decision_date: dt.date | None


def import_registry(
    source, *, actor=None, dry_run: bool = False, filename=None, via: str = "cli", progress=None
) -> RegistryImport:
    result = RegistryImport()
    try:
        rows = read_rows(source, filename, limit=CLI_LIMIT)
    except FileUnreadable as exc:
        result.errors.append(Issue(str(exc)))
        return result
    parsed = _parse(rows, result.errors)
    if result.errors:
        return result
    result.ok = True
    if dry_run:
        result.written = len(parsed)
        return result
    with transaction.atomic():
        if progress:
            progress(len(parsed))
        result.written, result.people_created = _write(parsed)
        summary = Change(
            "awards.registry.imported",
            None,
            None,
            {
                "rows": result.written,
                "people_created": result.people_created,
                "file": str(filename or source),
            },
            object_type="awards.registry",
            object_id="import",
        )
        record_many(actor, [summary], via=via)
    return result


def _parse(rows: list[list], errors: list[Issue]) -> list[_Row]:
    if not rows:
        errors.append(Issue(_("Tệp không có dữ liệu.")))
        return []
    header = _header(rows[0], errors)
    if errors:
        return []
    awards = _award_lookup()
    this_year = dt.date.today().year
    parsed = []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in raw):
            continue
        row = _row(number, raw, header, awards, this_year, errors)
        if row:
            parsed.append(row)
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


def _award_lookup() -> dict[str, AwardType]:
    lookup = {}
    for award in AwardType.objects.all():
        lookup[name_key(award.code)] = award
        lookup[award.name_key] = award
    return lookup


def _cell(raw: list, header: dict, column: str):
    index = header.get(column)
    return raw[index] if index is not None and index < len(raw) else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _row(number, raw, header, awards, this_year, errors) -> _Row | None:
    before = len(errors)

    def fail(column: str, value, message: str) -> None:
        errors.append(Issue(message, row=number, column=column, value=_text(value)))

    full_name = _text(_cell(raw, header, "full_name"))
    if not full_name:
        fail("full_name", "", _("Thiếu họ và tên (hoặc tên tập thể)."))
    award_cell = _cell(raw, header, "award")
    award = awards.get(name_key(_text(award_cell)))
    if award is None:
        fail(
            "award",
            award_cell,
            _("Không có hình thức khen thưởng “%(a)s” trong danh mục.") % {"a": _text(award_cell)},
        )
    year = _int(_cell(raw, header, "year"))
    if year is None or not 1945 <= year <= this_year + 1:
        fail(
            "year",
            _cell(raw, header, "year"),
            _("Năm khen thưởng phải là số từ 1945 đến %(y)s.") % {"y": this_year + 1},
        )
    born_cell = _cell(raw, header, "birth_year")
    born = _int(born_cell)
    if born_cell not in (None, "") and (born is None or not 1880 <= born <= this_year):
        fail("birth_year", born_cell, _("Năm sinh không hợp lệ (để trống nếu là tập thể)."))
    decided = _date(_cell(raw, header, "decision_date"))
    if decided is False:
        fail(
            "decision_date",
            _cell(raw, header, "decision_date"),
            _("Ngày quyết định phải theo dạng ngày/tháng/năm, ví dụ 05/02/2020."),
        )
    if len(errors) > before:
        return None
    return _Row(
        number,
        full_name,
        born,
        _text(_cell(raw, header, "unit")),
        award,
        year,
        _text(_cell(raw, header, "decision_number")),
        decided or None,
    )


def _int(value) -> int | None:
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    text = _text(value)
    return int(text) if text.isdigit() else None


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


def _write(rows: list[_Row]) -> tuple[int, int]:
    people = _match_people([r for r in rows if r.birth_year is not None])
    units = {u.name_key: u for u in Unit.objects.filter(valid_to__isnull=True)} | {
        u.name_key: u for u in Unit.objects.filter(valid_to__isnull=False) if u.name_key
    }
    entries = []
    for r in rows:
        person = (
            people.get(_identity(r.full_name, r.birth_year, r.unit_name)) if r.birth_year else None
        )
        collective = r.birth_year is None
        entries.append(
            AwardEntry(
                award_type=r.award,
                year=r.year,
                person=person,
                unit=units.get(unit_key(r.full_name if collective else r.unit_name)),
                recipient_name=r.full_name,
                name_key=name_key(r.full_name),
                birth_year=r.birth_year,
                unit_name=r.unit_name,
                is_collective=collective,
                decision_number=r.decision_number,
                decision_date=r.decision_date,
                source="import",
            )
        )
    AwardEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries), people.created


class _People(dict):
    created = 0


def _match_people(rows: list[_Row]) -> _People:
    """The same person when the written name, birth year and unit agree.

    Candidates are found by the diacritic-free key (indexed), but the decision compares the
    name as written: Nguyễn Văn Hùng and Nguyễn Văn Hưng share a key and are two people.
    """
    found = _People()
    names = list({name_key(r.full_name) for r in rows})
    for start in range(0, len(names), 2000):
        chunk = names[start : start + 2000]
        for p in Person.objects.filter(name_key__in=chunk, merged_into=None):
            found.setdefault(_identity(p.full_name, p.birth_year, p.unit_name), p)
    missing = {
        k: r for r in rows if (k := _identity(r.full_name, r.birth_year, r.unit_name)) not in found
    }
    new = [
        Person(
            full_name=r.full_name,
            name_key=name_key(r.full_name),
            birth_year=r.birth_year,
            unit_name=r.unit_name,
        )
        for r in missing.values()
    ]
    Person.objects.bulk_create(new, batch_size=500)
    for k, p in zip(missing, new, strict=True):
        found[k] = p
    found.created = len(new)
    return found


def _identity(full_name: str, birth_year: int | None, unit_name: str) -> tuple:
    written = " ".join(unicodedata.normalize("NFC", full_name).lower().split())
    return (written, birth_year, unit_key(unit_name))


def search(
    query: str,
    *,
    born: int | None = None,
    award: str | None = None,
    year: int | None = None,
    unit: str | None = None,
    limit: int = 50,
):
    """Entries whose name contains the query without regard to diacritics; exact spellings first."""
    key = name_key(query)
    qs = AwardEntry.objects.filter(name_key__contains=key).select_related("award_type")
    if born:
        qs = qs.filter(birth_year=born)
    if award:
        qs = qs.filter(Q(award_type__code=award) | Q(award_type__name_key=name_key(award)))
    if year:
        qs = qs.filter(year=year)
    if unit:
        qs = qs.filter(unit_name__icontains=unit)
    exact = query.strip()
    qs = qs.annotate(
        closeness=Case(
            When(recipient_name__iexact=exact, then=Value(0)),
            When(name_key=key, then=Value(1)),
            When(name_key__startswith=key, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    )
    return list(qs.order_by("closeness", "-year", "recipient_name")[:limit])


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
    field = {"year": "year", "award": "award_type__code", "unit": "unit_name"}[by]
    return list(AwardEntry.objects.values(field).annotate(count=Count("id")).order_by(field))
