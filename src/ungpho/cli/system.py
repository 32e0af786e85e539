"""``ungpho serve|web|worker|migrate|demo``: running the system, its database and its demo
data. Help texts: Vietnamese / English."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from django.core.management import call_command

from ungpho.cli.common import add_command, require_database

HOST, PORT = "127.0.0.1", 8000


def cmd_migrate(args) -> int:
    require_database()
    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print("Đã cập nhật cơ sở dữ liệu / database is up to date")
    return 0


def cmd_demo(args) -> int:
    require_database()
    # The demo writes through the apps' services, whose models exist only after setup().
    from ungpho.cli.demo.load import demo_load

    demo_load(out=sys.stdout)
    return 0


def _uvicorn_options(args) -> dict:
    # log_config None: uvicorn's loggers keep the settings' LOGGING (console and log file).
    return {"app": "ungpho.asgi:application", "host": args.host, "port": args.port,
            "log_level": "info", "lifespan": "off", "log_config": None}


def cmd_web(args) -> int:
    require_database(release=True)
    # Not at the top: the server (~0.1 s to import) is needed by serve and web only.
    import uvicorn

    print(f"ungpho: http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(**_uvicorn_options(args), workers=args.workers)
    return 0


def cmd_worker(args) -> int:
    require_database(release=True)
    # The worker's steps import the apps' models, which exist only after setup().
    from ungpho.worker import worker_run

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    worker_run(stop)
    return 0


def cmd_serve(args) -> int:
    """Web and worker in one process: the embedded default for one machine."""
    require_database(release=True)
    # As in cmd_web and cmd_worker: the server is heavy, the worker's models need setup().
    import uvicorn

    from ungpho.worker import worker_run

    stop = threading.Event()
    thread = threading.Thread(target=worker_run, args=(stop,), name="worker", daemon=True)
    thread.start()
    print(f"ungpho: http://{args.host}:{args.port}/  (web + worker)", flush=True)
    try:
        uvicorn.Server(uvicorn.Config(**_uvicorn_options(args))).run()
    finally:
        stop.set()
        thread.join(timeout=10)
    return 0


def add_system_parsers(sub: argparse._SubParsersAction) -> None:
    for name, func, text in [
        ("serve", cmd_serve, "Chạy web và tiến trình nền / run web server and worker together"),
        ("web", cmd_web, "Chỉ chạy máy chủ web (ASGI) / run the web server only"),
    ]:
        p = add_command(sub, name, func, text)
        p.add_argument("--host", default=HOST, help="địa chỉ / address (127.0.0.1)")
        p.add_argument("--port", type=int, default=PORT, help="cổng / port (8000)")
        if name == "web":
            p.add_argument("--workers", type=int, default=1,
                           help="số tiến trình / worker processes (1)")
    add_command(sub, "worker", cmd_worker, "Chạy tiến trình nền: gửi thông báo, nhận MQTT / "
                                           "run the background worker: notifications, MQTT")
    p = add_command(sub, "migrate", cmd_migrate, "Tạo và cập nhật cơ sở dữ liệu / create or "
                                                 "upgrade the database")
    p.add_argument("-v", "--verbose", action="store_true")
    add_command(sub, "demo", cmd_demo, "Nạp dữ liệu mẫu (chạy lại không nhân đôi) / load demo "
                                       "data (idempotent)")
