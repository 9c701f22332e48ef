"""The `thidua` command: Django's management utility with the settings preset."""

from __future__ import annotations

import os
import sys

CONFIGURED = "--use-configured-database"


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    if len(argv) > 1 and argv[1] == "demo":
        _prepare_demo_environment(serve="--no-serve" not in argv, configured=CONFIGURED in argv)
    from thidua.env import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        print(f"thidua: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def _prepare_demo_environment(*, serve: bool = True, configured: bool = False) -> None:
    """Where the demo goes: the data folder's own database, never a configured one unless asked.

    With no THIDUA_DATABASE_URL that is the database every other command uses (the README's
    commands then reach the demo's data); with one, the demo gets its own file `demo.sqlite3`
    unless `--use-configured-database` is given.
    """
    if os.environ.get("THIDUA_DATABASE_URL", "").strip() and not configured:
        os.environ.pop("THIDUA_DATABASE_URL")
        os.environ["THIDUA_SQLITE_FILE"] = "demo.sqlite3"
    if serve:
        # The demo's logins are passwords printed on screen; the server says the factor is off.
        os.environ.setdefault("THIDUA_REQUIRE_TWO_FACTOR", "false")
