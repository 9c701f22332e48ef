"""What a file import of people's records answers (the registry, the yearly histories), and
how the command line shows it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.core.management.base import CommandError

from thidua.common.errors import Issue


@dataclass
class RowsImport:
    ok: bool = False
    written: int = 0
    unchanged: int = 0  # rows whose records are stored already (or earlier in the file)
    people_created: int = 0
    errors: list[Issue] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "written": self.written,
            "unchanged": self.unchanged,
            "people_created": self.people_created,
            "errors": [_contract(e) for e in self.errors],
        }


def _contract(issue: Issue) -> dict:
    """An error as the import's JSON names it: exactly row, column, value, message."""
    return {k: issue.as_dict()[k] for k in ("row", "column", "value", "message")}


def report(command, result: RowsImport, *, as_json: bool, dry_run: bool, kept: str) -> None:
    """Print the result (JSON, or a line, or the errors one a line); a refused file is exit 1,
    an unreadable one exit 2. `kept` says what an unchanged row is ("đã có trong sổ")."""
    if as_json:
        command.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    elif result.ok:
        verb = "Sẽ ghi" if dry_run else "Đã ghi"
        command.stdout.write(
            f"{verb} {result.written} dòng, {result.unchanged} dòng {kept}; "
            f"{result.people_created} cá nhân mới."
        )
    else:
        for e in result.errors:
            where = f"Dòng {e.row}, cột {e.column}, giá trị “{e.value}”: " if e.row else ""
            command.stdout.write(where + e.message)
    if not result.ok:
        unreadable = len(result.errors) == 1 and result.errors[0].row is None
        raise CommandError(
            "Tệp bị từ chối; không có gì được ghi.", returncode=2 if unreadable else 1
        )
