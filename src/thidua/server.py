"""Run the site under gunicorn (a production WSGI server) from inside the `thidua` command."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from gunicorn.app.base import BaseApplication

log = logging.getLogger(__name__)

TWO_FACTOR_OFF = (
    "thidua: THIDUA_REQUIRE_TWO_FACTOR=false: xác thực hai bước không bắt buộc "
    "(two-factor sign-in is not required; for a closed test install only)"
)


class _Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from thidua.wsgi import application

        return application


def serve(host: str, port: int, workers: int = 2, threads: int = 4, *, worker: bool = True) -> None:
    """gunicorn in this process and, unless `worker=False`, `thidua worker` beside it (a child
    process, stopped when the server stops)."""
    from django.conf import settings

    from thidua.awards.warm import start_in_background

    if not settings.THIDUA_REQUIRE_TWO_FACTOR:
        print(TWO_FACTOR_OFF, flush=True)
    # The registry's name indexes read into the database's cache beside the server (its own
    # process: the server answers at once), so the first searches after a restart are warm.
    start_in_background()
    child = start_worker() if worker else None
    try:
        _Server(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": 120,
                "accesslog": "-",
                "errorlog": "-",
                "loglevel": "warning",
            }
        ).run()
    finally:
        stop_worker(child)


def start_worker() -> subprocess.Popen | None:
    """`thidua worker` as a child: it also stops by itself when this process is gone."""
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "thidua", "worker", "--parent", str(os.getpid())],
            stdin=subprocess.DEVNULL,
        )
    except OSError as exc:
        log.warning("thidua: không chạy được tiến trình chạy nền (thidua worker): %s", exc)
        return None


def stop_worker(child: subprocess.Popen | None, wait: float = 10.0) -> None:
    """Ask the worker to stop after its task; one still busy after `wait` s is killed (its task
    writes all or nothing and is run again by the next worker)."""
    if child is None or child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
