"""Run the site under gunicorn (a production WSGI server) from inside the `thidua` command."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

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


def serve(host: str, port: int, workers: int = 2, threads: int = 4) -> None:
    from django.conf import settings

    from thidua.awards.warm import start_in_background

    if not settings.THIDUA_REQUIRE_TWO_FACTOR:
        print(TWO_FACTOR_OFF, flush=True)
    # The registry's name indexes read into the database's cache beside the server (its own
    # process: the server answers at once), so the first searches after a restart are warm.
    start_in_background()
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
