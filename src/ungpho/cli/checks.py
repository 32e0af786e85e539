"""``ungpho check``: configuration and connectivity, each problem with how to fix it."""

from __future__ import annotations

import argparse
import json
import os
import smtplib
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import django
from django.conf import settings
from django.db import connection
from django.db.utils import OperationalError
from django.utils import timezone, translation

from ungpho.core.audit.chain import key_id
from ungpho.core.printable import printable_text
from ungpho.platform import env


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    #: Works, but should be changed (said with its fix; the exit status stays 0).
    warn: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def check_settings() -> tuple[list[CheckResult], bool]:
    """Problems with the environment, and whether Django could load at all."""
    problems = [CheckResult("settings", False, message, "remove or rename the variable")
                for message in env.unknown_variables()]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ungpho.settings")
    try:
        django.setup()
    except env.ConfigError as error:
        failed = CheckResult("settings", False, str(error), "fix the variable named")
        return [*problems, failed], False
    return problems or [CheckResult("settings", True, "environment read without problems")], True


def check_data_dir() -> CheckResult:
    path = settings.DATA_DIR
    if not os.access(path, os.W_OK):
        return CheckResult("data dir", False, f"{path} is not writable",
                           "set UNGPHO_DATA_DIR to a folder this user can write")
    return CheckResult("data dir", True, str(path))


def check_log() -> CheckResult:
    """Where failures are written (settings.LOGGING), and whether they can be."""
    path = settings.LOG_FILE
    folder = path.parent if path.parent.exists() else path.parent.parent
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return CheckResult("log", False, f"{path} cannot be written",
                           "set UNGPHO_DATA_DIR to a folder this user can write")
    return CheckResult("log", True, f"{path} (rotated at {settings.LOG_MAX_BYTES} bytes, "
                                    f"{settings.LOG_BACKUPS} old files kept)")


def check_database() -> CheckResult:
    where = connection.settings_dict
    try:
        connection.ensure_connection()
    except OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        if connection.vendor == "postgresql":
            fix = (f"is PostgreSQL running on {where['HOST'] or 'localhost'}:"
                   f"{where['PORT'] or 5432} and does database {where['NAME']!r} exist? "
                   f"(createdb -h HOST -U USER {where['NAME']}); or unset DATABASE_URL for SQLite")
        else:
            fix = "check that UNGPHO_DATA_DIR is a writable folder"
        return CheckResult("database", False, first_line, fix)
    version = ".".join(map(str, connection.Database.sqlite_version_info)) if (
        connection.vendor == "sqlite") else str(connection.pg_version)
    return CheckResult("database", True, f"{connection.vendor} {version} ({where['NAME']})")


def check_migrations() -> CheckResult:
    # Loads the migration machinery (~0.1 s): only when the database is there to compare.
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return CheckResult("migrations", False, f"{len(plan)} migrations not applied",
                           "run: ungpho migrate")
    return CheckResult("migrations", True, "all applied")


#: Share of the server's connections (less the superusers' reserve) past which check warns.
CONNECTIONS_WARN_SHARE = 0.8


def check_connections() -> CheckResult:
    """PostgreSQL: this database's connections by application (``pg_stat_activity``) and the
    server's, against ``max_connections``; the bound the pool sets (docs/operations.md)."""
    if connection.vendor != "postgresql":
        return CheckResult("connections", True, "SQLite: a file, no server connections "
                                                "(WAL, busy timeout)")
    pool = connection.settings_dict["OPTIONS"].get("pool")
    bound = (f"pool: at most {pool['max_size']} per process (UNGPHO_DB_POOL_MAX), an unused "
             f"one closed every {pool['max_idle']:g} s (UNGPHO_DB_POOL_IDLE_S)" if pool else
             "no pool (UNGPHO_DB_POOL_MAX=0): a connection per request, closed after it")
    with connection.cursor() as cursor:
        cursor.execute("SELECT application_name, count(*) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                       "GROUP BY 1 ORDER BY 2 DESC, 1")
        ours = cursor.fetchall()
        cursor.execute("SELECT count(*) - 1, current_setting('max_connections')::int, "
                       "current_setting('superuser_reserved_connections')::int "
                       "FROM pg_stat_activity WHERE backend_type = 'client backend'")
        server, maximum, reserved = cursor.fetchone()
    total = sum(count for _, count in ours)
    apps = ", ".join(f"{name or '?'} {count}" for name, count in ours)
    detail = (f"{total} to {connection.settings_dict['NAME']}{f' ({apps})' if apps else ''}; "
              f"{server} of max_connections {maximum} on the server ({reserved} reserved for "
              f"superusers); {bound}")
    if server >= CONNECTIONS_WARN_SHARE * (maximum - reserved):
        return CheckResult("connections", False, detail,
                           "the server is near its limit: lower UNGPHO_DB_POOL_MAX or the "
                           "number of web processes, or raise max_connections")
    return CheckResult("connections", True, detail)


def check_mqtt(timeout_s: float = 5.0) -> CheckResult:
    if not settings.MQTT:
        return CheckResult("mqtt", True, "off (set MQTT_URL to receive readings over MQTT)")
    # Only when MQTT is configured: the client library is not needed otherwise.
    import paho.mqtt.client as mqtt

    where = f"{settings.MQTT['host']}:{settings.MQTT['port']}"
    connected = threading.Event()
    outcome: list[str] = []

    def on_connect(client, userdata, flags, reason_code, properties):
        outcome.append(str(reason_code))
        connected.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    if settings.MQTT.get("username"):
        client.username_pw_set(settings.MQTT["username"], settings.MQTT.get("password"))
    client.on_connect = on_connect
    try:
        client.connect(settings.MQTT["host"], settings.MQTT["port"], keepalive=10)
    except OSError as error:
        return CheckResult("mqtt", False, f"cannot reach {where}: {error}",
                           "start the broker or correct MQTT_URL")
    client.loop_start()
    try:
        if not connected.wait(timeout_s):
            return CheckResult("mqtt", False, f"no answer from {where} in {timeout_s:g} s",
                               "is it an MQTT broker? check MQTT_URL")
    finally:
        client.disconnect()
        client.loop_stop()
    if outcome[0] != "Success":
        return CheckResult("mqtt", False, f"{where} refused: {outcome[0]}",
                           "check the user and password in MQTT_URL")
    return CheckResult("mqtt", True, f"connected to {where}")


def check_email() -> CheckResult:
    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        return CheckResult("smtp", True, f"off: e-mails are written to {settings.EMAIL_FILE_PATH}"
                                         " (set EMAIL_URL to send them)")
    where = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    smtp_class = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
    try:
        with smtp_class(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=5) as smtp:
            smtp.noop()
    except (OSError, smtplib.SMTPException) as error:
        return CheckResult("smtp", False, f"cannot talk to {where}: {error}",
                           "start the mail server or correct EMAIL_URL")
    return CheckResult("smtp", True, f"{where} answers")


def check_audit_key() -> CheckResult:
    """Where the audit key is, warning when it sits on the disk of the SQLite database it
    protects: whoever can copy the database can then copy the key (docs/audit.md)."""
    path = settings.AUDIT_KEY_FILE
    where = f"{path}" if path else "UNGPHO_AUDIT_KEY"
    detail = f"{where} (id {key_id(settings.AUDIT_KEY)})"
    if path is not None and connection.vendor == "sqlite":
        database = Path(connection.settings_dict["NAME"])
        try:
            same_disk = path.stat().st_dev == (database if database.exists()
                                               else database.parent).stat().st_dev
        except OSError:
            same_disk = False
        if same_disk:
            return CheckResult(
                "audit key", True, f"{detail}: on the same disk as the database {database}",
                "keep the key off the database's disk: UNGPHO_AUDIT_KEY_FILE on another disk "
                "or a secrets mount, or UNGPHO_AUDIT_KEY (docs/audit.md)", warn=True)
    return CheckResult("audit key", True, detail)


def check_audit_anchors() -> CheckResult:
    """The anchor file and its last anchor; the append-only guards in place."""
    # The apps' models exist only once check_settings() has set Django up.
    from ungpho.audit.anchoring import anchor_last
    from ungpho.audit.guards import guarded_tables, guards_present

    unguarded = [t for t in guarded_tables() if not guards_present(connection, t)]
    if unguarded:
        return CheckResult("audit", False, f"append-only guards missing on {', '.join(unguarded)}",
                           "run: ungpho migrate (it installs them); then ungpho audit verify")
    path = settings.AUDIT_ANCHOR_FILE
    last = anchor_last(path)
    if last is None:
        return CheckResult("audit", True, f"no anchor yet in {path}",
                           "start the worker (it anchors every UNGPHO_AUDIT_ANCHOR_S) or run: "
                           "ungpho audit anchor", warn=True)
    return CheckResult("audit", True, f"guards in place; last anchor #{last.seq} at "
                                      f"{last.at.isoformat()} in {path}")


def check_dead_letters() -> CheckResult:
    """Open dead letters need the administrator, not the configuration: reported, not
    failed (docs/dead-letters.md)."""
    # The apps' models exist only once check_settings() has set Django up.
    from ungpho.faults.selectors import deadletters_open

    letters = deadletters_open()
    count = letters.count()
    if not count:
        return CheckResult("dead letters", True, "none open")
    newest = letters.only("door", "source", "reason", "received_at").first()
    return CheckResult("dead letters", True,
                       printable_text(f"{count} open; newest #{newest.pk} ({newest.door} "
                                      f"{newest.source}): {newest.reason[:200]} — list them: "
                                      "ungpho deadletters", one_line=True))


def check_notification_plan() -> list[CheckResult]:
    """Each plan party without a contact point in some province: the plan cannot tell it
    there (said as a warning, the exit status stays 0; ungpho.alerts.plan_gaps)."""
    # The apps' models exist only once check_settings() has set Django up.
    from ungpho.alerts.models import Party
    from ungpho.alerts.plan_gaps import plan_gaps
    from ungpho.geo.models import Province

    names = dict(Province.objects.order_by("code").values_list("code", "name_vi"))
    fix = "add one in the admin: /admin/alerts/contact/add/ (Đầu mối liên lạc / Contact points)"
    results = []
    for party, missing in plan_gaps(list(names)):
        with translation.override("vi"):
            label = str(Party(party).label)
        with translation.override("en"):
            label += f" / {Party(party).label}"
        where = (f"every province ({len(missing)})" if len(missing) == len(names)
                 else ", ".join(names[code] for code in missing))
        results.append(CheckResult("notification plan", True,
                                   f"{label}: no contact point in {where}", fix, warn=True))
    return results or [CheckResult("notification plan", True,
                                   "every party of the plan has a contact point everywhere")]


def check_worker_steps() -> list[CheckResult]:
    """A worker step failing at its last pass: failed, with since when and its last error."""
    # The apps' models exist only once check_settings() has set Django up.
    from ungpho.faults.selectors import steps_failing

    def since(step) -> str:
        return timezone.localtime(step.failing_since or step.last_failed_at).strftime(
            "%Y-%m-%d %H:%M:%S")

    failing = [CheckResult(
        f"worker step {step.name}", False,
        f"failing since {since(step)} ({step.consecutive_failures} passes in a row, worker "
        f"{step.last_worker}): {printable_text(step.last_error[:300], one_line=True)}",
        "read the traceback in the worker's log and fix the cause; the step is healthy again "
        "at the first pass that succeeds") for step in steps_failing()]
    return failing or [CheckResult("worker steps", True, "none failing")]


def run_checks() -> list[CheckResult]:
    results, loaded = check_settings()
    if not loaded:
        return results
    results += [check_data_dir(), check_log(), check_audit_key(), check_database()]
    if results[-1].ok:
        results.append(check_migrations())
        if results[-1].ok:
            results += [check_connections(), check_audit_anchors(), check_dead_letters(),
                        *check_notification_plan(), *check_worker_steps()]
    return results + [check_mqtt(), check_email()]


def cmd_check(args) -> int:
    results = run_checks()
    if args.json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        for r in results:
            label = "LỖI/FAIL" if not r.ok else "CẢNH BÁO/WARN" if r.warn else "OK"
            print(f"[{label}] {r.name}: {r.detail}")
            if (r.warn or not r.ok) and r.fix:
                print(f"        → {r.fix}")
    return 0 if all(r.ok for r in results) else 1


def add_check_parser(sub: argparse._SubParsersAction) -> None:
    text = "Kiểm tra cấu hình và kết nối / check configuration and connections"
    p = sub.add_parser("check", help=text, description=text)
    # It sets Django up itself (check_settings), to report a broken configuration.
    p.set_defaults(func=cmd_check, needs_setup=False)
    p.add_argument("--json", action="store_true", help="in JSON / print JSON")
