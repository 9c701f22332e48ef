"""Office files (.xlsx, .docx) are zip archives: open them as such before trusting them.

Refused: not a zip, not an Office document, too many entries, or more unpacked bytes than the
limit — counted while decompressing, because the sizes written in an archive may lie (a zip bomb).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from django.utils.translation import gettext as _

MAX_ENTRIES = 2000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_CHUNK = 64 * 1024
REQUIRED_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def office_problem(
    data: bytes,
    suffix: str,
    *,
    max_entries: int = MAX_ENTRIES,
    max_unpacked: int = MAX_UNPACKED_BYTES,
) -> str | None:
    """A Vietnamese message saying why the file is refused, or None when it is sound."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return _("Tệp Word/Excel bị hỏng hoặc không phải định dạng Office (.docx, .xlsx).")
    with archive:
        entries = archive.infolist()
        names = {e.filename for e in entries}
        if len(entries) > max_entries:
            return _("Tệp có quá nhiều thành phần (%(n)s); không nhận.") % {"n": len(entries)}
        if "[Content_Types].xml" not in names or REQUIRED_PART.get(suffix, "") not in names:
            return _("Tệp không phải tài liệu Word/Excel hợp lệ.")
        if sum(e.file_size for e in entries) > max_unpacked:
            return _too_large(max_unpacked)
        return _unpacked_problem(archive, entries, max_unpacked)


def _unpacked_problem(
    archive: zipfile.ZipFile, entries: Iterable[zipfile.ZipInfo], limit: int
) -> str | None:
    total = 0
    try:
        for entry in entries:
            with archive.open(entry) as member:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > limit:
                        return _too_large(limit)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        return _("Tệp Word/Excel bị hỏng, không đọc được.")
    return None


def _too_large(limit: int) -> str:
    return _("Tệp giải nén ra quá lớn (trên %(mb)s MB); không nhận.") % {
        "mb": limit // (1024 * 1024)
    }
