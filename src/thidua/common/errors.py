"""What every door reports the same way: an issue with its place, a refusal, a conflict."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Issue:
    """An error or warning with its place, so every door can point at the row and column."""

    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    cell: str | None = None  # the spreadsheet's reference ("H10") when the issue comes from a file

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "cell": self.cell,
        }


class ValidationFailed(Exception):
    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(i.message for i in issues[:5]))
        self.issues = issues


class Conflict(ValidationFailed):
    """Someone else changed the record since it was read: nothing is overwritten (HTTP 409)."""
