"""The workflow tables' row: a step of a life cycle (a report, a proposal, a backlog case).

Each workflow keeps a `TRANSITIONS` table, step name → Transition; its functions ask the table
which states a step starts from, where it leads, what it records and who takes it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    action: str  # the audit action it records
    who: str  # whose step it is: each workflow names its own ("unit", "head", "board")
    label: str = ""  # "Không thể <label> … đang ở trạng thái …"

    def starts_from(self, status: str) -> bool:
        return status in self.sources
