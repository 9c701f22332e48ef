"""Workbooks are measured before the reader sees them: a 1.5 KB .xlsx must not kill a process.

python-calamine builds a sheet's whole used range in memory (about 32 bytes a cell, filled or
not) and sizes the shared strings by the count the file declares. A sheet with two cells, A1 and
XFD1048576, asked it for ~550 GB: the allocation aborts the process (SIGABRT), which no
`except` can catch. So the archive is opened here first (zipfile, member by member, streaming,
never unpacked whole) and refused with a Vietnamese message naming the limit when:

* it has too many members, declares or really unpacks to too many bytes, or packs one member
  too tightly (a zip bomb);
* a sheet's `<dimension>` claims, or its cells really reach, more rows, columns or cells than
  allowed — positions are read from the cells themselves, since the dimension may lie or be
  missing, and cells without a reference are placed as the reader places them;
* the shared strings declare or hold more strings than a sheet may have cells.

Only .xlsx/.xlsm are read; .xls, .xlsb and .ods are binary or repeat-compressed formats that
cannot be measured this cheaply, so they are refused with a hint to save the file as .xlsx.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from thidua.common.numbers import format_vn

MEASURED = (".xlsx", ".xlsm")
REFUSED = (".xls", ".xlsb", ".ods")
MAX_ENTRIES = 2000
_CHUNK = 1024 * 1024
_MB = 1024 * 1024
# Members smaller than this are never called bombs, whatever their ratio.
_RATIO_FLOOR = 1024 * 1024

# A cell start tag as Excel, LibreOffice, openpyxl and xlsxwriter write it: its reference as the
# first attribute (the reader takes the first r it meets: a second one further on moves nothing).
# A member holding any other cell start tag (no reference, another attribute first, a prefix,
# an entity in the reference) goes to the exact walk with expat; the usual ones are measured by
# regular expressions alone, without a Python object per cell (a 1M-row list: ~4 s).
_UNUSUAL_CELL = re.compile(rb'<c(?=[\s/>])(?! r="[A-Z]{1,3}[1-9][0-9]{0,6}")')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")  # <x:c …>: searched apart, each keeps a fast prefix
_LAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s+ref\s*=\s*["\']([^"\']{1,40})["\']')
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})$")
_STRINGS = (b"<si>", b"<si ", b"<si/", b":si>", b":si ", b":si/")
_SST_COUNT = re.compile(rb'<(?:[\w.-]+:)?sst\b[^>]*?\b(?:uniqueCount|count)\s*=\s*["\'](\d+)')
_NOT_UTF8 = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
_ENCODING = re.compile(rb'^\s*<\?xml[^>]*encoding\s*=\s*["\']([\w.-]+)["\']')


class SheetRefused(Exception):
    def __init__(self, message: str, *, broken: bool = False):
        super().__init__(message)
        self.message = message
        self.broken = broken  # not a workbook at all, rather than one over a limit


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    cells: int
    unpacked_bytes: int
    ratio: int

    @classmethod
    def for_uploads(cls) -> Limits:
        """Files sent through the web or the API, read while the request waits."""
        return cls._from_settings("THIDUA_SHEET")

    @classmethod
    def for_cli(cls) -> Limits:
        """Files an operator imports on the server (national registries): larger, still bounded."""
        return cls._from_settings("THIDUA_CLI_SHEET")

    @classmethod
    def _from_settings(cls, prefix: str) -> Limits:
        return cls(
            rows=getattr(settings, f"{prefix}_MAX_ROWS"),
            columns=settings.THIDUA_SHEET_MAX_COLUMNS,
            cells=getattr(settings, f"{prefix}_MAX_CELLS"),
            unpacked_bytes=getattr(settings, f"{prefix}_MAX_UNPACKED_MB") * _MB,
            ratio=settings.THIDUA_SHEET_MAX_RATIO,
        )


def check_workbook(data: bytes, suffix: str, limits: Limits) -> None:
    """Raise SheetRefused unless the reader can open this workbook within `limits`."""
    if suffix in REFUSED:
        raise SheetRefused(
            _(
                "Chưa nhận tệp %(suffix)s: hãy mở tệp trong Excel, lưu thành Excel (.xlsx) "
                "hoặc CSV UTF-8 rồi nhập lại."
            )
            % {"suffix": suffix}
        )
    if suffix not in MEASURED:
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise SheetRefused(
            _("Tệp Word/Excel bị hỏng hoặc không phải định dạng Office (.docx, .xlsx)."),
            broken=True,
        ) from exc
    with archive:
        entries = archive.infolist()
        _check_entries(entries, limits)
        budget = _Budget(limits.unpacked_bytes)
        for entry in entries:
            _check_member(archive, entry, limits, budget)


def _broken() -> str:
    return _("Tệp Word/Excel bị hỏng, không đọc được.")


def _check_entries(entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    names = {e.filename for e in entries}
    if len(entries) > MAX_ENTRIES:
        raise SheetRefused(
            _("Tệp có quá nhiều thành phần (%(n)s); không nhận.") % {"n": len(entries)}
        )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise SheetRefused(_("Tệp không phải tài liệu Word/Excel hợp lệ."), broken=True)
    if sum(e.file_size for e in entries) > limits.unpacked_bytes:
        raise SheetRefused(_too_large(limits.unpacked_bytes))
    for entry in entries:
        packed = max(entry.compress_size, 1)
        if entry.file_size > _RATIO_FLOOR and entry.file_size / packed > limits.ratio:
            raise SheetRefused(
                _(
                    "Thành phần “%(name)s” nén quá mức (%(ratio)s lần, giới hạn %(max)s); "
                    "không nhận."
                )
                % {
                    "name": entry.filename,
                    "ratio": format_vn(entry.file_size // packed),
                    "max": format_vn(limits.ratio),
                }
            )


def _too_large(limit: int) -> str:
    return _("Tệp giải nén ra quá lớn (trên %(mb)s MB); không nhận.") % {"mb": limit // _MB}


class _Budget:
    """Bytes really unpacked, counted across members: the sizes an archive declares may lie."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0

    def take(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise SheetRefused(_too_large(self.limit))


def _chunks(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: _Budget) -> Iterator[bytes]:
    try:
        with archive.open(entry) as member:
            while chunk := member.read(_CHUNK):
                budget.take(len(chunk))
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise SheetRefused(_broken(), broken=True) from exc


def _check_member(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: Limits, budget: _Budget
) -> None:
    """Every member is unpacked (counted); cells are looked for in every one of them, since the
    workbook's relationships may name any member as a sheet."""
    area = _Area(limits)
    shared = _Shared(limits)
    plain = True
    tail = b""
    for number, chunk in enumerate(_chunks(archive, entry, budget)):
        if number == 0:
            _check_prolog(chunk)
            area.dimension(chunk)
            shared.declared(chunk)
        text, tail = _split(tail + chunk)
        if len(tail) > _CHUNK:  # a tag that never closes: the exact walk decides
            plain, tail = False, b""
        shared.count(text)
        if plain and not area.plain(text):
            plain = False  # a cell not written the usual way: the exact walk decides
    if tail and plain:
        plain = area.plain(tail)
    if not plain:
        _Exact(limits).walk(_chunks(archive, entry, _Budget(limits.unpacked_bytes)))


def _split(data: bytes) -> tuple[bytes, bytes]:
    """Whole tags first, and the tag still open at the end kept for the next chunk."""
    cut = data.rfind(b"<")
    if cut <= 0 or data.find(b">", cut) != -1:
        return data, b""
    return data[:cut], data[cut:]


def _check_prolog(chunk: bytes) -> None:
    """Only UTF-8, as every Excel writes: a sheet in UTF-16 would hide its cells from the scan."""
    found = _ENCODING.match(chunk[:200])
    if chunk.startswith(_NOT_UTF8) or (found and found[1].lower() not in (b"utf-8", b"utf8")):
        raise SheetRefused(_("Tệp Excel phải lưu ở mã UTF-8 (như Excel vẫn lưu)."))


class _Area:
    """The rows and columns the cells of one member reach."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.rows = 0
        self.columns = 0

    def dimension(self, chunk: bytes) -> None:
        found = _DIMENSION.search(chunk)
        if not found:
            return
        declared = found[1].decode("ascii", "replace")
        corners = [_REF.match(part) for part in declared.split(":")]
        matched = [c for c in corners if c is not None]
        if len(matched) == len(corners):
            rows = max(int(c[2]) for c in matched)
            columns = max(column_number(c[1]) for c in matched)
            _check_area(
                self.limits, rows, columns, _("Tệp khai báo vùng %(ref)s") % {"ref": declared}
            )

    def plain(self, text: bytes) -> bool:
        """Check the cells of a chunk; False when some cell is not written the usual way, or
        when the cells come so far out of order that the exact walk is cheaper."""
        if _UNUSUAL_CELL.search(text) or _PREFIXED_CELL.search(text):
            return False
        # Rows come in order: the last cell is the lowest down, and few searches remain.
        last = _LAST_CELL.match(text, max(text.rfind(b'<c r="'), 0))
        if last and int(last[2]) > self.rows:
            self.raise_to(last[1], last[2])
        pos = 0  # each search goes on from the cell that raised a maximum
        for _raise in range(_RAISES):
            found = _beyond(self.columns, self.rows).search(text, pos)
            if found is None:
                return True
            self.raise_to(found[1] or found[3], found[2] or found[4])
            pos = found.end()
        return False

    def raise_to(self, letters: bytes, digits: bytes) -> None:
        column, row = column_number(letters.decode()), int(digits)
        self.columns = max(self.columns, column)
        self.rows = max(self.rows, row)
        _check_area(self.limits, self.rows, self.columns, _used(letters, row))


# A usual sheet raises its maxima a few times a chunk (the first row's columns, the last row);
# more raises than this in one chunk means cells out of order, each raise compiling a pattern.
_RAISES = 256


@functools.lru_cache(maxsize=512)
def _beyond(columns: int, rows: int) -> re.Pattern:
    """A usual cell in a column after `columns` or a row below `rows`: one pass for both."""
    letters = _above(column_letters(columns), "[A-Z]", "AZ", 3)
    digits = _above(str(rows), "[1-9]", "09", 7)
    return re.compile(
        rf'<c r="(?:({letters})([1-9][0-9]{{0,6}})|([A-Z]{{1,3}})({digits}))"'.encode()
    )


def _above(known: str, lead: str, span: str, longest: int) -> str:
    """A pattern for the strings that come after `known` when compared by length first, then
    symbol by symbol (column letters; row numbers, which have no leading zeros). `span` is the
    lowest and the highest symbol, e.g. "AZ"."""
    low, high = span[0], span[1]
    choices = (
        [f"{lead}[{low}-{high}]{{{len(known)},{longest - 1}}}"] if len(known) < longest else []
    )
    for i, ch in enumerate(known):
        if ch < high:
            rest = len(known) - i - 1
            choices.append(f"{known[:i]}[{chr(ord(ch) + 1)}-{high}][{low}-{high}]{{{rest}}}")
    return "|".join(choices) or "(?!)"


def _used(letters: bytes | str, row: int) -> str:
    if isinstance(letters, bytes):
        letters = letters.decode()
    return _("Tệp có ô dùng đến %(cell)s") % {"cell": f"{letters}{row}"}


def _check_area(limits: Limits, rows: int, columns: int, what: str) -> None:
    if columns > limits.columns:
        raise SheetRefused(
            _("%(what)s (%(n)s cột), vượt giới hạn %(max)s cột.")
            % {"what": what, "n": format_vn(columns), "max": format_vn(limits.columns)}
        )
    if rows > limits.rows:
        raise SheetRefused(
            _("%(what)s (%(n)s dòng), vượt giới hạn %(max)s dòng.")
            % {"what": what, "n": format_vn(rows), "max": format_vn(limits.rows)}
        )
    if rows * columns > limits.cells:
        raise SheetRefused(
            _("%(what)s (%(n)s ô), vượt giới hạn %(max)s ô.")
            % {"what": what, "n": format_vn(rows * columns), "max": format_vn(limits.cells)}
        )


class _Shared:
    """Shared strings: the declared count sizes the reader's table, so it is bounded too."""

    def __init__(self, limits: Limits):
        self.limit = limits.cells
        self.seen = 0
        self.table = False

    def declared(self, chunk: bytes) -> None:
        self.table = b"sst" in chunk[:4096]  # only a shared strings part is counted
        for found in _SST_COUNT.finditer(chunk[:4096]):
            self._check(int(found[1]))

    def count(self, text: bytes) -> None:
        if self.table:
            self.seen += sum(text.count(tag) for tag in _STRINGS)
            self._check(self.seen)

    def _check(self, n: int) -> None:
        if n > self.limit:
            raise SheetRefused(
                _("Tệp có %(n)s chuỗi ký tự dùng chung, vượt giới hạn %(max)s.")
                % {"n": format_vn(n), "max": format_vn(self.limit)}
            )


class _Exact:
    """The cells of a member placed as the reader places them, with a real XML parser: a cell
    without a reference follows the one before it, a row without one follows the row before."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.row = self.column = 0  # where the walk is
        self.rows = self.columns = 0  # how far the cells reach
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.StartDoctypeDeclHandler = self.refuse
        self.parser.EntityDeclHandler = self.refuse

    def walk(self, chunks: Iterable[bytes]) -> None:
        try:
            for chunk in chunks:
                self.parser.Parse(chunk, False)
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise SheetRefused(_broken(), broken=True) from exc

    def refuse(self, *args: object) -> None:
        raise SheetRefused(_("Tệp Excel có khai báo DOCTYPE/ENTITY; không nhận."))

    def start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            ref = attrs.get("r")
            self.row = int(ref) if ref and ref.isascii() and ref.isdigit() else self.row + 1
            self.column = 0
        elif local == "c":
            ref = attrs.get("r")
            if ref is None:
                self.column += 1
                row = max(self.row, 1)
            else:
                found = _REF.match(ref)
                if not found:
                    raise SheetRefused(_broken(), broken=True)
                self.column, row = column_number(found[1]), int(found[2])
            self.rows, self.columns = max(self.rows, row), max(self.columns, self.column)
            limits = self.limits
            if (
                self.columns > limits.columns
                or self.rows > limits.rows
                or self.rows * self.columns > limits.cells
            ):
                where = _used(column_letters(self.column), row)
                _check_area(limits, self.rows, self.columns, where)


def column_number(letters: str) -> int:
    """A1-style column letters as a number: A → 1, XFD → 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
