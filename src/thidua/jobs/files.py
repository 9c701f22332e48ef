"""Where jobs keep their files: DATA_DIR/jobs, private to thidua's account (0700/0600).

An upload is streamed there before its job is queued; a job's output is written beside it under
a temporary name and renamed when complete, so a worker killed midway never leaves a file that
looks finished.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings

from thidua.common.private_files import open_private, private_folder

CHUNK = 1024 * 1024


def folder() -> Path:
    return private_folder(Path(settings.DATA_DIR) / "jobs")


def new_path(suffix: str) -> Path:
    return folder() / f"{uuid.uuid4().hex}{suffix.lower()}"


def resolve(name: str) -> Path:
    """A stored name (relative to the jobs folder) as a path inside it, never outside."""
    path = (folder() / name).resolve()
    if path.parent != folder().resolve():
        raise ValueError(name)
    return path


def keep_upload(upload, suffix: str) -> Path:
    """The uploaded file moved (or copied chunk by chunk) into the jobs folder."""
    target = new_path(suffix)
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        try:
            os.replace(temporary(), target)  # same file system: a rename, nothing read
            os.chmod(target, 0o600)
            return target
        except OSError:
            pass  # another file system: copied below, a chunk at a time
    with open_private(target) as out:
        for chunk in upload.chunks(CHUNK):
            out.write(chunk)
    return target


def write_output(data: bytes, suffix: str) -> Path:
    target = new_path(suffix)
    partial = target.with_name(target.name + ".part")
    with open_private(partial) as out:
        out.write(data)
    os.replace(partial, target)
    return target


def remove(name: str) -> None:
    if name:
        try:
            resolve(name).unlink()
        except (FileNotFoundError, ValueError):
            pass
