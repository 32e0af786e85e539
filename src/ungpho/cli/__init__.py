"""The ``ungpho`` command. Help texts: Vietnamese / English."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import signal
import sys
import threading

from ungpho.alerts_cli import add_alerts_parser
from ungpho.audit_cli import add_audit_parser
from ungpho.faults_cli import add_faults_parser
from ungpho.incidents_cli import add_incidents_parsers
from ungpho.monitoring_cli import add_monitoring_parsers
from ungpho.preparedness_cli import add_preparedness_parsers
from ungpho.rules_cli import add_rules_parser

HOST, PORT = "127.0.0.1", 8000


def _setup(exit_code: int = 1) -> None:
    """Load settings and Django, or exit with the configuration problem (no traceback)."""
    from ungpho.checks import check_settings

    results, _loaded = check_settings()
    problems = [r.detail for r in results if not r.ok]
    if problems:
        print("ungpho: cấu hình sai / configuration error:\n  " + "\n  ".join(problems),
              file=sys.stderr)
        sys.exit(exit_code)


def _require_database(*, migrated: bool = False, release: bool = False) -> None:
    """Exit with the check's fix when the database is unreachable (or, ``migrated``, not
    migrated) rather than with a traceback. ``release``: a server or worker gives the main
    thread's connection back, which it would otherwise hold for good."""
    from django.db import connections

    from ungpho.checks import check_database, check_migrations

    for check in (check_database, check_migrations) if migrated else (check_database,):
        result = check()
        if not result.ok:
            sys.exit(f"ungpho: {result.name}: {result.detail}\n  → {result.fix}")
    if release:
        connections.close_all()


def cmd_migrate(args) -> int:
    _require_database()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print("Đã cập nhật cơ sở dữ liệu / database is up to date")
    return 0


def cmd_check(args) -> int:
    from ungpho.checks import run_checks

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


def cmd_demo(args) -> int:
    _require_database()
    from ungpho.demo import demo_load

    demo_load(out=sys.stdout)
    return 0


def cmd_createuser(args) -> int:
    _require_database()
    from django.core.exceptions import ValidationError

    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(
        "Mật khẩu / Password: ")
    try:
        user_upsert(username=args.username, password=password, role=Role(args.role),
                    email=args.email or "", province_code=args.province,
                    facility_codes=tuple(args.facility or ()), full_name=args.name or "")
    except ValidationError as error:
        sys.exit(f"ungpho createuser: {'; '.join(error.messages)}")
    print(f"Đã lưu tài khoản / saved account {args.username} ({args.role})")
    return 0


def cmd_token(args) -> int:
    _require_database()
    from ungpho.monitoring.models import Station
    from ungpho.monitoring.services import station_token_issue

    station = Station.objects.filter(code=args.station).first()
    if station is None:
        sys.exit(f"ungpho token: station: không có trạm / no station {args.station!r}")
    print(station_token_issue(station=station))
    return 0


def _uvicorn_options(args) -> dict:
    # log_config None: uvicorn's loggers keep the settings' LOGGING (console and log file).
    return {"app": "ungpho.asgi:application", "host": args.host, "port": args.port,
            "log_level": "info", "lifespan": "off", "log_config": None}


def cmd_web(args) -> int:
    _require_database(release=True)
    import uvicorn

    print(f"ungpho: http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(**_uvicorn_options(args), workers=args.workers)
    return 0


def cmd_worker(args) -> int:
    _require_database(release=True)
    from ungpho.worker import worker_run

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    worker_run(stop)
    return 0


def cmd_serve(args) -> int:
    """Web and worker in one process: the embedded default for one machine."""
    _require_database(release=True)
    from ungpho.worker import worker_run

    stop = threading.Event()
    thread = threading.Thread(target=worker_run, args=(stop,), name="worker", daemon=True)
    thread.start()
    print(f"ungpho: http://{args.host}:{args.port}/  (web + worker)", flush=True)
    try:
        import uvicorn

        uvicorn.Server(uvicorn.Config(**_uvicorn_options(args))).run()
    finally:
        stop.set()
        thread.join(timeout=10)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ungpho",
        description="Hệ thống thông tin ứng phó sự cố môi trường và bức xạ / "
                    "environmental and radiological incident response system")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH/COMMAND")

    def add(name, func, help_text):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    for name, func, text in [
        ("serve", cmd_serve, "Chạy web và tiến trình nền / run web server and worker together"),
        ("web", cmd_web, "Chỉ chạy máy chủ web (ASGI) / run the web server only"),
    ]:
        p = add(name, func, text)
        p.add_argument("--host", default=HOST, help="địa chỉ / address (127.0.0.1)")
        p.add_argument("--port", type=int, default=PORT, help="cổng / port (8000)")
        if name == "web":
            p.add_argument("--workers", type=int, default=1,
                           help="số tiến trình / worker processes (1)")
    add("worker", cmd_worker, "Chạy tiến trình nền: gửi thông báo, nhận MQTT / "
                              "run the background worker: notifications, MQTT")
    p = add("migrate", cmd_migrate, "Tạo và cập nhật cơ sở dữ liệu / create or upgrade the "
                                    "database")
    p.add_argument("-v", "--verbose", action="store_true")
    add("demo", cmd_demo, "Nạp dữ liệu mẫu (chạy lại không nhân đôi) / load demo data "
                          "(idempotent)")
    p = add("createuser", cmd_createuser, "Tạo hoặc sửa tài khoản / create or update an account")
    p.add_argument("username")
    p.add_argument("--role", required=True,
                   choices=["national_duty", "provincial_command", "facility_operator",
                            "administrator"], help="vai trò / role")
    p.add_argument("--province", help="mã tỉnh (chỉ huy tỉnh) / province code (provincial command)")
    p.add_argument("--facility", action="append",
                   help="mã cơ sở, lặp lại được / facility code, repeatable (facility operator)")
    p.add_argument("--email", help="thư điện tử nhận thông báo / e-mail for notifications")
    p.add_argument("--name", help="họ tên / full name")
    p.add_argument("--password-stdin", action="store_true",
                   help="đọc mật khẩu từ stdin / read the password from standard input")
    p = add("token", cmd_token, "Cấp mã truy cập mới cho trạm / issue a new station API token")
    p.add_argument("station", help="mã trạm / station code")
    p = add("check", cmd_check, "Kiểm tra cấu hình và kết nối / check configuration and "
                                "connections")
    p.add_argument("--json", action="store_true", help="in JSON / print JSON")
    add_audit_parser(sub)
    add_monitoring_parsers(sub, add)
    add_preparedness_parsers(sub)
    add_rules_parser(sub)
    add_alerts_parser(sub)
    add_incidents_parsers(sub)
    add_faults_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from django.db import DatabaseError

    args = build_parser().parse_args(argv)
    # Names this process's PostgreSQL connections (pg_stat_activity, ungpho check).
    os.environ.setdefault("PGAPPNAME", f"ungpho {args.command}")
    if args.func is not cmd_check and not getattr(args, "pure", False):
        _setup(getattr(args, "config_exit", 1))
    try:
        return args.func(args)
    except BrokenPipeError:
        # The reader left (``ungpho stations export | head``): end quietly, as cat does,
        # with nothing more written to the closed pipe when Python flushes at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a command cut off by its reader
    except DatabaseError:
        # A command that met a database without its tables (never migrated, or migrated by
        # an older version) says so with the fix, not with a traceback; any other error of
        # the database is raised as it was.
        _require_database(migrated=True)
        raise
