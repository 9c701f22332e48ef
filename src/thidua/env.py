"""Strict readers for the environment: a typo is an error, never a silent default."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from thidua.common import private_files


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line for the operator."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use true/false, 1/0, yes/no)")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r} is below {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated addresses or networks (`127.0.0.1`, `10.0.0.0/8`, `::1`); none if unset."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError:
            raise ConfigError(f"{name}: {item!r} is not an IP address or network") from None
    return tuple(networks)


def data_dir() -> Path:
    raw = os.environ.get("THIDUA_DATA_DIR")
    path = Path(raw).expanduser() if raw else Path.home() / ".local" / "share" / "thidua"
    try:
        # 0700, and what an earlier version left readable by others is tightened: the folder
        # holds the database (sessions, TOTP secrets), the demo key and pending uploads.
        private_files.private_folder(path)
        private_files.tighten_data_folder(path)
    except OSError as exc:
        msg = f"THIDUA_DATA_DIR={path}: cannot create the data folder or make it private ({exc})"
        raise ConfigError(msg) from exc
    return path


KEY_FILE = "secret-key"


def secret_key(folder: Path) -> str:
    """THIDUA_SECRET_KEY, or the data folder's own key when no database is configured.

    With no THIDUA_DATABASE_URL the database is the data folder's SQLite file, and its key lives
    beside it: generated once (0600), so every command works with no environment. A configured
    database may be reached from several machines and accounts: its key must be given.
    """
    key = os.environ.get("THIDUA_SECRET_KEY", "").strip()
    if key:
        return key
    if os.environ.get("THIDUA_DATABASE_URL", "").strip():
        if env_bool("THIDUA_DEBUG", False):
            return "dev-only-insecure-key-do-not-use-in-production"
        raise ConfigError(
            "THIDUA_SECRET_KEY is required with THIDUA_DATABASE_URL "
            "(or set THIDUA_DEBUG=true for development)"
        )
    return _folder_key(folder / KEY_FILE)


def _folder_key(path: Path) -> str:
    import secrets
    import tempfile

    try:
        if not path.exists():
            # Written in full to a private temporary file, then linked under its name: a
            # command started at the same moment finds either no key or the whole key.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-key-")  # mode 0600
            try:
                with os.fdopen(fd, "w") as out:
                    out.write(secrets.token_urlsafe(50) + "\n")
                try:
                    os.link(tmp, path)
                except FileExistsError:
                    pass
            finally:
                os.unlink(tmp)
        key = path.read_text().strip()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot create or read the secret key ({exc})") from exc
    if not key:
        raise ConfigError(f"{path} is empty: remove it to have a new key made")
    return key


def database_config(folder: Path) -> dict:
    import dj_database_url

    url = os.environ.get("THIDUA_DATABASE_URL", "").strip()
    if not url:
        name = os.environ.get("THIDUA_SQLITE_FILE", "thidua.sqlite3")
        return sqlite_config(folder / name)
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except Exception as exc:  # the library raises several kinds for a bad URL
        raise ConfigError(f"THIDUA_DATABASE_URL is not a valid database URL: {exc}") from exc
    engine = config.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        return sqlite_config(Path(config["NAME"]))
    if "postgresql" not in engine:
        raise ConfigError(
            "THIDUA_DATABASE_URL must start with postgres:// or sqlite:/// "
            f"(got engine {engine or 'unknown'})"
        )
    config["ENGINE"] = "django.db.backends.postgresql"
    if env_bool("THIDUA_DATABASE_PREPARE", True):
        # Prepared on the server only where asked (common.prepared.fetch, the reads of every
        # request): Django's cursors bind on the client and never prepare. A pooler in
        # transaction mode that cannot keep prepared statements needs THIDUA_DATABASE_PREPARE=false.
        config.setdefault("OPTIONS", {})["prepare_threshold"] = PREPARE_ONLY_WHEN_ASKED
    return config


PREPARE_ONLY_WHEN_ASKED = 2**31 - 1  # psycopg prepares after this many runs, or when asked


def sqlite_config(path: Path) -> dict:
    if str(path) != ":memory:":
        # Created 0600 before SQLite opens it; SQLite gives its -wal and -shm the same mode.
        try:
            private_files.create_private(path)
            private_files.tighten_sqlite(path)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot create the database file privately ({exc})") from exc
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "CONN_MAX_AGE": 60,
        # WAL + IMMEDIATE: concurrent readers and fewer "database is locked" under writes.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


EMAIL_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+tls": (587, True, False),
    "smtp+ssl": (465, False, True),
}


def email_config() -> dict:
    """Django's e-mail settings from THIDUA_EMAIL_URL and THIDUA_EMAIL_FROM; unset = in-app only."""
    from urllib.parse import unquote, urlsplit

    url = os.environ.get("THIDUA_EMAIL_URL", "").strip()
    sender = os.environ.get("THIDUA_EMAIL_FROM", "").strip()
    if not url:
        return {"THIDUA_EMAIL_ENABLED": False, "DEFAULT_FROM_EMAIL": sender or "thidua@localhost"}
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_SCHEMES:
        raise ConfigError(
            "THIDUA_EMAIL_URL must start with smtp://, smtp+tls:// or smtp+ssl:// "
            f"(got {parts.scheme + '://' if parts.scheme else 'no scheme'})"
        )
    default_port, tls, ssl = EMAIL_SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError:
        raise ConfigError("THIDUA_EMAIL_URL: the port is not a number from 1 to 65535") from None
    if not parts.hostname:
        raise ConfigError("THIDUA_EMAIL_URL names no host (smtp://user:pass@host:port)")
    sender = sender or (
        unquote(parts.username or "") if "@" in unquote(parts.username or "") else ""
    )
    if not sender:
        raise ConfigError(
            "THIDUA_EMAIL_FROM is required with THIDUA_EMAIL_URL (the sender address)"
        )
    _check_address("THIDUA_EMAIL_FROM", sender)
    return {
        "THIDUA_EMAIL_ENABLED": True,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
        "EMAIL_TIMEOUT": 20,
        "DEFAULT_FROM_EMAIL": sender,
    }


def _check_address(name: str, address: str) -> None:
    from email.utils import parseaddr

    bare = parseaddr(address)[1]
    local, _, domain = bare.rpartition("@")
    if not local or "." not in domain or any(c.isspace() for c in bare):
        raise ConfigError(f"{name}={address!r} is not an e-mail address")


def site_url() -> str:
    """THIDUA_SITE_URL: where links in notices and e-mails point (no trailing slash)."""
    from urllib.parse import urlsplit

    raw = os.environ.get("THIDUA_SITE_URL", "").strip() or "http://127.0.0.1:8000"
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"THIDUA_SITE_URL={raw!r} is not an http:// or https:// address")
    return raw.rstrip("/")
