"""Evidence files of a dossier: which are accepted, checked on their content, not their name.

Only PDF, Word (.docx), Excel (.xlsx), JPEG and PNG. Office files are zip archives: they are
opened as such and refused when they hold too many entries or unpack to too much (a zip bomb),
whatever their headers claim.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.utils.translation import gettext as _

from thidua.common.archives import REQUIRED_PART, office_problem
from thidua.indicators.validation import Issue

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
}
ALLOWED_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".jpg", ".png")


@dataclass
class CheckedFile:
    extension: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def read_limited(content: bytes | IO[bytes]) -> bytes | None:
    """The bytes of an upload, or None when it is larger than the cap (read no further)."""
    if isinstance(content, bytes | bytearray):
        data = bytes(content)
    else:
        if getattr(content, "size", 0) and content.size > MAX_FILE_BYTES:
            return None
        data = content.read(MAX_FILE_BYTES + 1)
    return None if len(data) > MAX_FILE_BYTES else data


def check_upload(name: str, content: bytes | IO[bytes]) -> tuple[CheckedFile | None, list[Issue]]:
    extension = PurePath(name or "").suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        msg = _("Chỉ nhận tệp %(allowed)s; tệp “%(name)s” không được nhận.")
        return None, [_issue(msg % {"allowed": ", ".join(ALLOWED_EXTENSIONS), "name": name})]
    data = read_limited(content)
    if data is None:
        msg = _("Tệp quá lớn: tối đa %(mb)s MB.")
        return None, [_issue(msg % {"mb": MAX_FILE_BYTES // (1024 * 1024)})]
    if not data:
        return None, [_issue(_("Tệp rỗng."))]
    problem = (
        office_problem(
            data, extension, max_entries=MAX_ZIP_ENTRIES, max_unpacked=MAX_UNPACKED_BYTES
        )
        if extension in REQUIRED_PART
        else _signature_problem(data, extension)
    )
    if problem:
        return None, [_issue(problem)]
    return CheckedFile(extension, data, hashlib.sha256(data).hexdigest()), []


def _issue(message: str) -> Issue:
    return Issue(message, column="file")


def _signature_problem(data: bytes, extension: str) -> str | None:
    if any(data.startswith(sig) for sig in _SIGNATURES[extension]):
        return None
    return _("Nội dung tệp không phải %(ext)s như tên tệp ghi.") % {"ext": extension}
