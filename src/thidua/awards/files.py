"""Evidence files of a dossier: which are accepted, checked on their content, not their name.

Only PDF, Word (.docx), Excel (.xlsx), JPEG and PNG. Office files are zip archives: they are
opened as such and refused when they hold too many entries or unpack to too much (a zip bomb),
whatever their headers claim.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO
from urllib.parse import quote

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.awards.models import ProposalFile
from thidua.common.archives import REQUIRED_PART, office_problem
from thidua.common.errors import Issue

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


# Handing a stored file back


CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}
# What `models.proposal_file_path` writes: anything else in the column is not served.
_STORED = re.compile(r"^proposals/(\d+)/[0-9a-f]{32}(\.pdf|\.docx|\.xlsx|\.jpg|\.png)$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def evidence_file(user, proposal, file_id: int):
    """One evidence file of a proposal the user may see (the proposal page's rule), or None."""
    perms.require(perms.can_view_proposal(user, proposal))
    return ProposalFile.objects.filter(proposal=proposal, pk=file_id).first()


def stored_extension(stored) -> str | None:
    """The extension of the server-generated name, when the name is one the server generates
    for this proposal; None otherwise (the file is then not served)."""
    match = _STORED.match(stored.file.name or "")
    if match is None or int(match.group(1)) != stored.proposal_id:
        return None
    return match.group(2)


def open_stored(stored) -> IO[bytes] | None:
    """The stored bytes (from the generated name only), or None when missing or not ours."""
    if stored_extension(stored) is None:
        return None
    try:
        return stored.file.storage.open(stored.file.name, "rb")
    except (FileNotFoundError, OSError, SuspiciousFileOperation):
        return None


def download_names(stored) -> tuple[str, str]:
    """(ASCII name, full name) for Content-Disposition: the name the user gave, without any
    path, quotes or control characters, and always with the stored file's extension."""
    extension = stored_extension(stored) or ""
    stem = PurePath(stored.original_name.replace("\\", "/").rsplit("/", 1)[-1]).stem
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '";\\')[:120].strip(" .")
    prefix = f"de-nghi-{stored.proposal_id}-{stored.pk}"
    full = f"{stem or prefix}{extension}"
    folded = unicodedata.normalize("NFKD", stem.replace("đ", "d").replace("Đ", "D"))
    ascii_stem = _UNSAFE.sub("-", folded.encode("ascii", "ignore").decode()).strip("-.")[:80]
    return f"{ascii_stem or prefix}{extension}", full


def content_disposition(stored) -> str:
    """attachment, with an ASCII filename and the UTF-8 one (RFC 6266 / RFC 5987)."""
    plain, full = download_names(stored)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(full, safe='')}"


def content_type(stored) -> str:
    return CONTENT_TYPES.get(stored_extension(stored) or "", "application/octet-stream")


def attachment_response(handle: IO[bytes], stored) -> FileResponse:
    """The stored file as a download: attachment, its own type, never sniffed, never rendered
    as a page (a sandboxing CSP), never kept by a shared cache."""
    response = FileResponse(handle, content_type=content_type(stored))
    response["Content-Disposition"] = content_disposition(stored)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
