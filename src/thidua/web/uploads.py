"""Uploaded files waiting for their confirm step, kept under DATA_DIR/uploads.

The session maps a token to the file; a file nobody confirms is deleted after
THIDUA_UPLOAD_KEEP_HOURS — on the next upload (a directory listing) and by
`thidua uploads purge` (cron) — so abandoned uploads never pile up on the disk.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

from thidua.common.private_files import private_folder


def upload_dir() -> Path:
    return private_folder(Path(settings.DATA_DIR) / "uploads")  # other users' data: 0700


def purge(*, now: float | None = None) -> int:
    """Delete the waiting files older than the setting; how many were deleted."""
    cutoff = (now or time.time()) - settings.THIDUA_UPLOAD_KEEP_HOURS * 3600
    removed = 0
    for path in upload_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another worker purged it first
            continue
    return removed
