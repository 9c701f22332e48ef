"""The worker loop of `thidua worker`: django-tasks-db's worker, plus what a long-running
installation needs around it.

- **Lost tasks:** a worker killed midway (power cut, SIGKILL, OOM) leaves its task marked
  running. Each pass looks at the running tasks: one whose worker was on this machine and whose
  process is gone, or whose job's progress has not moved for THIDUA_JOB_STALE_MINUTES, is put
  back in the queue. Every job writes all or nothing, so running it again is safe.
- **Daily jobs:** THIDUA_DAILY_JOBS (dotted paths of callables) run once per calendar day in
  Asia/Ho_Chi_Minh; a DailyRun row claims the day, so a restart or a second worker does not
  repeat one.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from thidua.jobs.models import DailyRun, Job

log = logging.getLogger("thidua.jobs")
CHECK_EVERY = 30.0  # seconds between two looks for lost tasks and due daily jobs


def worker_id() -> str:
    """host:pid:random (at most 64 characters): tells the next worker whether we are alive."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lost(task: DBTaskResult, stale: set[str]) -> bool:
    host, _sep, rest = (task.worker_ids or [""])[-1].partition(":")
    pid = rest.split(":", 1)[0]
    if host == socket.gethostname()[:40] and pid.isdigit():
        return int(pid) != os.getpid() and not _alive(int(pid))
    return str(task.pk) in stale


def recover_lost() -> int:
    """Put the tasks of dead workers back in the queue; how many."""
    limit = timezone.now() - timedelta(minutes=settings.THIDUA_JOB_STALE_MINUTES)
    stale = set(
        Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=limit).values_list(
            "task_id", flat=True
        )
    )
    back = 0
    for task in DBTaskResult.objects.running():
        if not _lost(task, stale):
            continue
        with transaction.atomic():
            again = DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING)
            if again.update(status=TaskResultStatus.READY, started_at=None):
                Job.objects.filter(task_id=str(task.pk), state=Job.State.RUNNING).update(
                    state=Job.State.QUEUED, phase="again"
                )
                back += 1
                log.warning("thidua: việc %s của tiến trình đã dừng được chạy lại", task.pk)
    return back


def run_daily_jobs(today=None) -> list[str]:
    """Run each daily job not yet run today; the paths run."""
    today = today or timezone.localdate()
    done = set(DailyRun.objects.filter(day=today).values_list("path", flat=True))
    ran = []
    for path in settings.THIDUA_DAILY_JOBS:
        if path in done:
            continue
        try:
            with transaction.atomic():
                claim = DailyRun.objects.create(path=path, day=today)
        except IntegrityError:
            continue  # another worker took it
        try:
            import_string(path)()
        except Exception as exc:
            log.exception("thidua: việc hằng ngày %s lỗi", path)
            claim.error = f"{type(exc).__name__}: {exc}"[:2000]
        claim.finished_at = timezone.now()
        claim.save(update_fields=["finished_at", "error"])
        ran.append(path)
    return ran


class ThiduaWorker(Worker):
    def __init__(self, *, once: bool, interval: float, parent: int | None = None):
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id(),
            excluded_queue_names=[],
        )
        self.once = once
        self.parent = parent
        self.checked = 0.0

    def run(self) -> None:
        """Passes of: lost tasks back, daily jobs, every queued task; then wait and again."""
        while self.running:
            close_old_connections()
            if time.monotonic() - self.checked >= CHECK_EVERY or self.once:
                recover_lost()
                run_daily_jobs()
                self.checked = time.monotonic()
            super().run()  # batch: every ready task, then back here
            if self.once or self._orphaned():
                return
            if self.running:
                time.sleep(self.interval)

    def _orphaned(self) -> bool:
        """Started by `thidua serve` or `thidua demo`, which has gone: stop too."""
        return self.parent is not None and os.getppid() != self.parent


def run_queued() -> int:
    """Run every ready task in this process, now, without the worker's loop (which closes the
    connection between passes): the tests' worker. How many ran."""
    worker = ThiduaWorker(once=True, interval=0)
    ran = 0
    while (task := DBTaskResult.objects.ready().first()) is not None:
        task.claim(worker.worker_id)
        worker.run_task(task)
        ran += 1
    return ran
