"""Files only the account running thidua may read or write: 0700 folders, 0600 files.

The data folder holds the SQLite database (live sessions, TOTP secrets, every figure), the demo's
secret key and pending uploads; backups hold the same. Each is created with these modes (never
created open and tightened after), and what an earlier version left open is tightened when the
settings load (`tighten_data_folder`). No Django here: `thidua.env` uses it before settings exist.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO, Any

FOLDER_MODE = 0o700
FILE_MODE = 0o600
_OTHERS = 0o077  # any permission for the group or for everyone else

# What thidua itself keeps in the data folder; never a walk of a folder the operator chose.
_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")
_DATA_FOLDER_FILES = ("secret-key", "demo-secret-key")  # the latter: left by earlier versions
_DATA_FOLDER_FOLDERS = ("uploads", "media", "jobs")


def private_folder(path: Path) -> Path:
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    tighten(path)
    return path


def open_private(path: Path, mode: str = "wb", **kwargs: Any) -> IO:
    """`open(path, mode)` for writing, the file created 0600 (an existing one is tightened)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, stat.S_IMODE(os.fstat(fd).st_mode) & ~_OTHERS)
        return os.fdopen(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def create_private(path: Path) -> None:
    """An empty 0600 file where none is (a database SQLite will fill), else tighten it."""
    if path.parent.is_dir():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    tighten(path)


def tighten(path: Path) -> None:
    """Take every permission of the group and of others away; nothing if it is missing."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & _OTHERS:
            path.chmod(mode & ~_OTHERS)
    except FileNotFoundError:
        pass


def tighten_sqlite(path: Path) -> None:
    for suffix in _SQLITE_SUFFIXES:
        tighten(path.with_name(path.name + suffix))


def tighten_data_folder(folder: Path) -> None:
    tighten(folder)
    for database in folder.glob("*.sqlite3"):
        tighten_sqlite(database)
    for name in _DATA_FOLDER_FILES:
        tighten(folder / name)
    for name in _DATA_FOLDER_FOLDERS:
        if (folder / name).is_dir():
            for path in (folder / name).rglob("*"):
                tighten(path)
            tighten(folder / name)


def open_to_others(path: Path) -> bool:
    try:
        return bool(stat.S_IMODE(path.stat().st_mode) & _OTHERS)
    except FileNotFoundError:
        return False
