"""The `thidua` command: Django's management utility with the settings preset."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    if len(argv) > 1 and argv[1] == "demo" and "--no-serve" not in argv:
        _prepare_demo_environment()
    from thidua.env import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        print(f"thidua: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def _prepare_demo_environment() -> None:
    """The served demo lives in its own SQLite file, never in a configured production database."""
    os.environ.pop("THIDUA_DATABASE_URL", None)
    os.environ["THIDUA_SQLITE_FILE"] = "demo.sqlite3"
    # The demo's logins are passwords printed on screen; the server says the factor is off.
    os.environ.setdefault("THIDUA_REQUIRE_TWO_FACTOR", "false")
    if not os.environ.get("THIDUA_SECRET_KEY"):
        os.environ["THIDUA_SECRET_KEY"] = _demo_secret_key()


def _demo_secret_key() -> str:
    import secrets

    from thidua.common.private_files import open_private
    from thidua.env import data_dir

    path = data_dir() / "demo-secret-key"
    if not path.exists():
        with open_private(path, "w") as out:  # 0600 from the start, never readable by others
            out.write(secrets.token_urlsafe(50))
    return path.read_text().strip()
