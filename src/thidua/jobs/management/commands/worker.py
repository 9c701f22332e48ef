from __future__ import annotations

import argparse
import logging

from django.core.management.base import BaseCommand

from thidua.jobs.worker import ThiduaWorker


class Command(BaseCommand):
    help = (
        "Chạy các việc nền (nhập tệp lớn, bộ hồ sơ, PDF, việc hằng ngày) từ hàng đợi trong cơ sở "
        "dữ liệu. --once: chạy các việc đang chờ rồi thoát."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Chạy việc đang chờ rồi thoát.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Giây chờ khi hàng đợi trống (mặc định 1)."
        )
        # Set by `thidua serve` and `thidua demo`: the worker stops when that process is gone.
        parser.add_argument("--parent", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, once, interval, parent, verbosity, **options):
        _logging(self.stdout, verbosity)
        worker = ThiduaWorker(once=once, interval=max(interval, 0.05), parent=parent)
        worker.configure_signals()
        worker.run()


def _logging(stream, verbosity: int) -> None:
    level = logging.INFO if verbosity >= 1 else logging.WARNING
    # django_tasks_db says "Starting worker … / No more tasks …" on every pass (each second when
    # idle): only at -v 2. The tasks themselves (django_tasks) and ours are told at -v 1.
    passes = logging.INFO if verbosity >= 2 else logging.WARNING
    handler = logging.StreamHandler(stream)
    for name, wanted in (
        ("django_tasks", level),
        ("django_tasks_db", passes),
        ("thidua.jobs", level),
    ):
        logger = logging.getLogger(name)
        logger.setLevel(wanted)
        logger.propagate = False  # else the root logger's handler prints each line again
        if not logger.handlers:
            logger.addHandler(handler)
