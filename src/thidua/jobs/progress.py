"""A job's progress written where the web can read it while the job runs.

Outside a transaction the job's row is updated through the usual connection. Inside one (the
import's single write transaction) other sessions would not see that update before the commit:
on PostgreSQL the progress goes through a second connection of its own; SQLite has one writer
at a time, so there the rows written appear when the transaction commits (the phase, set just
before, says that the rows are being written).
"""

from __future__ import annotations

import logging
import time

from django.db import connection, connections
from django.utils import timezone

from thidua.jobs.models import Job

# What `watch(phase, count)` of an importer means for the job's fields.
_FIELDS = {"read": "rows_read", "checked": "rows_checked", "written": "rows_written"}
_PHASES = {"writing": "write", "saving": "save"}
log = logging.getLogger("thidua.jobs")


class Progress:
    every = 0.5  # seconds between two writes of the row

    def __init__(self, job: Job):
        self.job = job
        self.pending: dict = {}
        self.last = 0.0
        self.side = None

    def __call__(self, what: str, count: int) -> None:
        """The importers' `watch` callback."""
        if what in _FIELDS:
            self.set(**{_FIELDS[what]: count})
        elif what == "writing":
            self.set(force=True, phase=_PHASES[what], rows_total=count)
        elif what in _PHASES:
            self.set(force=True, phase=_PHASES[what])

    def set(self, force: bool = False, **fields) -> None:
        for name, value in fields.items():
            setattr(self.job, name, value)
        self.pending.update(fields)
        if "phase" in fields:
            log.info("thidua: việc %s: %s", self.job.pk, fields["phase"])
        if force or time.monotonic() - self.last >= self.every:
            self.flush()

    def flush(self) -> None:
        fields = self.pending | {"heartbeat_at": timezone.now()}
        self.job.heartbeat_at = fields["heartbeat_at"]
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(**fields)
        elif connection.vendor == "postgresql":
            self._beside(fields)
        self.pending = {}
        self.last = time.monotonic()

    def _beside(self, fields: dict) -> None:
        if self.side is None:
            self.side = connections.create_connection("default")
        qn = self.side.ops.quote_name
        columns = ", ".join(f"{qn(Job._meta.get_field(k).column)} = %s" for k in fields)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {qn(Job._meta.db_table)} SET {columns} WHERE id = %s",
                [*fields.values(), self.job.pk],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None
