"""Settings read from the environment through small strict helpers.

Every helper raises :class:`ConfigError` naming the variable, what was wrong and how to fix
it; ``ungpho check`` and start-up print that message instead of a traceback.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import socket
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

#: Every variable ungpho reads. An unknown ``UNGPHO_*`` variable is a typo until proven otherwise.
KNOWN_VARIABLES = {
    "DATABASE_URL": "database; unset = SQLite under UNGPHO_DATA_DIR",
    "SECRET_KEY": "Django secret key; unset = a key generated once into the data dir",
    "UNGPHO_DATA_DIR": "where the SQLite database, mail files and drop folder live (./var)",
    "MQTT_URL": "mqtt://host:port of the telemetry broker; unset = MQTT off",
    "UNGPHO_WORKER_NAME": "this worker's stable name on the MQTT broker (client id "
                          "ungpho-<name>-<slot>); unset = the host name",
    "UNGPHO_MQTT_GROUP": "MQTT 5 shared-subscription group several workers split the "
                         "stream in; unset = each worker takes every message (one worker)",
    "EMAIL_URL": "smtp://user:pass@host:port (smtp+ssl://, ?starttls=1); unset = .eml files",
    "EMAIL_FROM": "sender address of notifications",
    "ALLOWED_HOSTS": "comma-separated host names the web server answers to",
    "DEBUG": "1 for development error pages; never in production",
    "UNGPHO_WORKER_POLL_S": "seconds between two worker passes (2)",
    "UNGPHO_OUTBOX_LEASE_S": "seconds before a claimed but unfinished send is retried (300)",
    "UNGPHO_SMTP_TIMEOUT_S": "seconds an SMTP conversation may stall (60)",
    "UNGPHO_BASE_URL": "public address of the site, for acknowledgement links and the links in "
                       "CAP alerts and the Atom feed (unset = the address a request came to; "
                       "http://127.0.0.1:8000 for the worker and the CLI)",
    "UNGPHO_SMS_GATEWAY_URL": "HTTP endpoint of the SMS gateway (POST JSON); unset = SMS off",
    "UNGPHO_SMS_GATEWAY_TOKEN": "bearer token for the SMS gateway",
    "UNGPHO_HTTP_TIMEOUT_S": "seconds an SMS gateway or webhook request may take (10)",
    "UNGPHO_ACK_TIMEOUT_S": "seconds from sending to escalating an unacknowledged message (600)",
    "UNGPHO_DROP_DIR": "station files drop folder (the FTP root) the worker ingests; unset = off",
    "UNGPHO_INGEST_CHUNK": "readings per ingestion transaction (20000)",
    "UNGPHO_AUDIT_KEY": "the audit log's HMAC key (at least 32 characters); unset = "
                        "UNGPHO_AUDIT_KEY_FILE, else a key generated once into the data dir",
    "UNGPHO_AUDIT_KEY_FILE": "file holding the audit log's key, kept off the database's disk",
    "UNGPHO_AUDIT_ANCHOR_FILE": "append-only file the audit chain's head is anchored to "
                                "(<data dir>/audit-anchors.jsonl)",
    "UNGPHO_AUDIT_ANCHOR_S": "seconds between two anchors of the audit chain's head (60)",
    "UNGPHO_DEADLETTER_MAX_BYTES": "bytes of an unreadable input a dead letter keeps (1048576)",
    "UNGPHO_DB_POOL_MAX": "PostgreSQL: most connections one process opens, shared by its "
                          "requests and threads (8); 0 = no pool, a connection per request",
    "UNGPHO_DB_POOL_IDLE_S": "PostgreSQL: seconds a pool connection may stay unused before it "
                             "is closed, one at a time (10)",
    "UNGPHO_LOG_MAX_BYTES": "bytes of the log file (data dir/log/ungpho.log) before it is "
                            "rotated (10485760)",
    "UNGPHO_LOG_BACKUPS": "rotated log files kept beside it (5)",
    "UNGPHO_MAX_BODY_BYTES": "largest request body, in bytes, the web server reads (2621440)",
    "UNGPHO_TIME_MIN": "earliest time accepted anywhere, ISO 8601 (1900-01-01)",
    "UNGPHO_TIME_MAX": "time from which nothing is accepted, ISO 8601 (2100-01-01)",
    "UNGPHO_TEST_POSTGRES_URL": "tests: PostgreSQL server to run the suite against",
    "UNGPHO_TEST_MQTT_URL": "tests: MQTT broker for the MQTT tests",
    "UNGPHO_TEST_BROWSER": "tests: path to Chromium for browser tests",
    "UNGPHO_TEST_ARTEFACTS": "tests: folder for the browser tests' screenshots "
                             "(default var/test-artefacts/)",
}


class ConfigError(Exception):
    """A setting is wrong; the message says which, why and how to fix it."""


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    return _env_number(name, default, minimum, float, "a number: give seconds")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    return _env_number(name, default, minimum, int, "a whole number")


def _env_number(name: str, default, minimum, parse, what: str):
    value = env_str(name)
    if value is None:
        return default
    try:
        number = parse(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not {what}, e.g. {name}={default:g}.") from None
    if number < minimum:
        raise ConfigError(f"{name}={value!r} must be at least {minimum:g}.")
    return number


def env_time(name: str, default: dt.datetime) -> dt.datetime:
    """An ISO 8601 date or date-time (UTC unless an offset is given), aware."""
    value = env_str(name)
    if value is None:
        return default
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not an ISO 8601 date or time: e.g. "
                          f"{name}={default.date().isoformat()}.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def time_window(earliest: dt.datetime, latest: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(``UNGPHO_TIME_MIN``, ``UNGPHO_TIME_MAX``): the times accepted anywhere, kept a year
    inside Python's datetime range (years 1 … 9999), where arithmetic near the ends overflows."""
    earliest, latest = env_time("UNGPHO_TIME_MIN", earliest), env_time("UNGPHO_TIME_MAX", latest)
    if not (earliest.year > 1 and latest.year < 9999 and earliest < latest):
        raise ConfigError(f"UNGPHO_TIME_MIN={earliest.isoformat()} must be before "
                          f"UNGPHO_TIME_MAX={latest.isoformat()}, both within years 2 … 9998.")
    return earliest, latest


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def unknown_variables(environ: dict[str, str] | None = None) -> list[str]:
    """Messages for ``UNGPHO_*`` variables that ungpho does not read (likely typos)."""
    environ = os.environ if environ is None else environ
    messages = []
    for name in sorted(environ):
        if name.startswith("UNGPHO_") and name not in KNOWN_VARIABLES:
            close = difflib.get_close_matches(name, KNOWN_VARIABLES, n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            messages.append(f"Unknown setting {name}.{hint} Known: {', '.join(KNOWN_VARIABLES)}.")
    return messages


def data_dir() -> Path:
    path = Path(env_str("UNGPHO_DATA_DIR", "var") or "var").expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ConfigError(f"UNGPHO_DATA_DIR={path} exists but is not a folder: point it elsewhere.")
    return path


def optional_dir(name: str) -> Path | None:
    """A folder named by the variable, created if missing; None when unset."""
    value = env_str(name)
    if not value:
        return None
    path = Path(value).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{name}={path} exists but is not a folder: point it elsewhere.")
    return path


def database_from_url(url: str | None, *, sqlite_path: Path) -> dict:
    """Django ``DATABASES['default']`` from ``DATABASE_URL``.

    ``None`` gives the embedded default: SQLite in WAL mode with a busy timeout and IMMEDIATE
    transactions, so concurrent writers (web + worker) queue instead of failing.
    """
    if url is None:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_path),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # 64 MiB page cache: the readings index outgrows the 2 MiB default quickly.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                "PRAGMA cache_size=-65536;",
            },
            "TEST": {"NAME": str(sqlite_path.with_name("test.sqlite3"))},
        }
    how = "Expected postgresql://USER[:PASSWORD]@HOST[:PORT]/NAME or sqlite:///PATH."
    parts = urlsplit(url)
    if parts.scheme in {"sqlite", "sqlite3"}:
        path = unquote(parts.path)
        if not path or path == "/":
            raise ConfigError(f"DATABASE_URL={url!r} names no database file. {how}")
        return database_from_url(None, sqlite_path=Path(path))
    if parts.scheme not in {"postgres", "postgresql", "postgresql+psycopg"}:
        raise ConfigError(
            f"DATABASE_URL has unsupported scheme {parts.scheme!r}. {how}"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ConfigError(f"DATABASE_URL={url!r} names no database after the host. {how}")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"DATABASE_URL={url!r} has a port that is not a number. {how}") from None
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        # A request is served by a thread of its own under ASGI: a connection kept per thread
        # (CONN_MAX_AGE > 0) outlives it, so connections are closed after each request or
        # returned to the pool (docs/operations.md).
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 5, "fallback_application_name": "ungpho",
                    **_pool_options(), **options},
    }


def _pool_options() -> dict:
    """psycopg's pool for ``OPTIONS["pool"]`` (Django 5.1+): at most ``UNGPHO_DB_POOL_MAX``
    connections per process, none kept open when unused (``min_size`` 0); a request that
    finds them all busy waits up to 30 s for one. psycopg closes one unused connection each
    ``max_idle`` seconds (https://www.psycopg.org/psycopg3/docs/api/pool.html)."""
    size = env_int("UNGPHO_DB_POOL_MAX", 8)
    if size == 0:
        return {}
    return {"pool": {"min_size": 0, "max_size": size, "timeout": 30.0,
                     "max_idle": env_float("UNGPHO_DB_POOL_IDLE_S", 10.0, minimum=0.1)}}


def email_from_url(url: str | None, *, mail_dir: Path) -> dict[str, object]:
    """Django e-mail settings from ``EMAIL_URL``; ``None`` writes .eml files into ``mail_dir``."""
    timeout_s = env_float("UNGPHO_SMTP_TIMEOUT_S", 60.0, minimum=0.1)
    if url is None:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        }
    how = "Expected smtp://[USER:PASSWORD@]HOST:PORT[?starttls=1] or smtp+ssl://..."
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtp+ssl"}:
        raise ConfigError(f"EMAIL_URL has unsupported scheme {parts.scheme!r}. {how}")
    if not parts.hostname:
        raise ConfigError(f"EMAIL_URL={url!r} names no host. {how}")
    try:
        port = parts.port or (465 if parts.scheme == "smtp+ssl" else 25)
    except ValueError:
        raise ConfigError(f"EMAIL_URL={url!r} has a port that is not a number. {how}") from None
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtp+ssl",
        "EMAIL_USE_TLS": query.get("starttls", ["0"])[-1] in {"1", "true", "yes"},
        "EMAIL_TIMEOUT": timeout_s,
    }


def mqtt_from_url(url: str | None) -> dict[str, object] | None:
    """``{"host", "port", "username", "password"}`` from ``MQTT_URL``; ``None`` = MQTT off."""
    if url is None:
        return None
    how = "Expected mqtt://[USER:PASSWORD@]HOST[:PORT], e.g. mqtt://127.0.0.1:1883."
    parts = urlsplit(url)
    if parts.scheme != "mqtt":
        raise ConfigError(f"MQTT_URL has unsupported scheme {parts.scheme!r}. {how}")
    if not parts.hostname:
        raise ConfigError(f"MQTT_URL={url!r} names no host. {how}")
    try:
        port = parts.port or 1883
    except ValueError:
        raise ConfigError(f"MQTT_URL={url!r} has a port that is not a number. {how}") from None
    return {
        "host": parts.hostname,
        "port": port,
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
    }


def worker_name() -> str:
    """``UNGPHO_WORKER_NAME``, else the host name (letters, digits, ``.``, ``_`` and ``-``
    kept): the part of a worker's MQTT client id that must not change across its restarts."""
    name = env_str("UNGPHO_WORKER_NAME")
    if name is None:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", socket.gethostname())[:60] or "worker"
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,60}", name):
        raise ConfigError(f"UNGPHO_WORKER_NAME={name!r} is not a name: use 1 to 60 letters, "
                          "digits, '.', '_' or '-', e.g. ingest-a.")
    return name


def mqtt_group() -> str | None:
    """``UNGPHO_MQTT_GROUP``: the share name of ``$share/<group>/…`` (MQTT 5.0 §4.8.2: no
    ``/``, ``+`` or ``#``), or None."""
    group = env_str("UNGPHO_MQTT_GROUP")
    if group is not None and not re.fullmatch(r"[A-Za-z0-9._-]{1,60}", group):
        raise ConfigError(f"UNGPHO_MQTT_GROUP={group!r} is not a group name: use 1 to 60 "
                          "letters, digits, '.', '_' or '-', e.g. ungpho.")
    return group


def secret_key(path: Path) -> str:
    """``SECRET_KEY`` from the environment, else one generated once and kept in the data dir."""
    value = env_str("SECRET_KEY")
    if value is not None:
        if len(value) < 32:
            raise ConfigError("SECRET_KEY is shorter than 32 characters: use a long random one.")
        return value
    import secrets

    return _kept_once(path, lambda: secrets.token_urlsafe(50))


def _kept_once(path: Path, make) -> str:
    """The text kept in ``path``; if there is none, ``make()``'s, written once: to a private
    (0600) temporary file linked into place, so two processes starting together keep the same
    one."""
    try:
        if not path.exists():
            import tempfile

            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            try:
                with os.fdopen(fd, "w") as file:
                    file.write(make())
                    file.flush()
                    os.fsync(file.fileno())
                _link_once(temporary, path)
            finally:
                os.unlink(temporary)
        return path.read_text().strip()
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror or error}: UNGPHO_DATA_DIR must be a "
                          "folder this user can write.") from None


def _link_once(source: str, path: Path) -> None:
    """``source`` becomes ``path`` unless ``path`` exists meanwhile (another process kept its
    own first: that one is used); a copy where the filesystem has no hard links (FAT)."""
    try:
        os.link(source, path)
    except FileExistsError:
        pass
    except OSError:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        with os.fdopen(fd, "w") as target:
            target.write(Path(source).read_text())


def audit_key(default_path: Path) -> tuple[bytes, Path | None]:
    """The audit log's key (HMAC-SHA-256, docs/audit.md) and the file it came from (None:
    from the environment). ``UNGPHO_AUDIT_KEY`` gives it; ``UNGPHO_AUDIT_KEY_FILE`` names a
    file holding it, which must exist (a key that vanished is never silently replaced);
    neither: one generated once into ``default_path`` in the data dir."""
    value, named = env_str("UNGPHO_AUDIT_KEY"), env_str("UNGPHO_AUDIT_KEY_FILE")
    how = ("e.g. python3 -c 'import secrets; print(secrets.token_hex(32))' > FILE; "
           "chmod 600 FILE")
    if value is not None and named is not None:
        raise ConfigError("UNGPHO_AUDIT_KEY and UNGPHO_AUDIT_KEY_FILE are both set: keep one.")
    if value is not None:
        if len(value) < 32:
            raise ConfigError("UNGPHO_AUDIT_KEY is shorter than 32 characters: use a long "
                              "random one, e.g. 64 hex digits.")
        return value.encode(), None
    if named is not None:
        path = Path(named).expanduser().resolve()
        try:
            value = path.read_text().strip()
        except OSError as error:
            raise ConfigError(f"UNGPHO_AUDIT_KEY_FILE={path}: {error.strerror or error}. Mount "
                              f"the key's disk, or create the key ({how}).") from None
    else:
        import secrets

        path = default_path
        value = _kept_once(path, lambda: secrets.token_hex(32))
    if len(value) < 32:
        raise ConfigError(f"the audit key in {path} is shorter than 32 characters ({how}).")
    return value.encode(), path


def path_or(name: str, default: Path) -> Path:
    """A file named by the variable (its folder must exist), else ``default``."""
    value = env_str(name)
    if not value:
        return default
    path = Path(value).expanduser().resolve()
    if path.is_dir() or not path.parent.is_dir():
        raise ConfigError(f"{name}={path} must name a file in an existing folder.")
    return path
