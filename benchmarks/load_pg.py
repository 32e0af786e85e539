"""PostgreSQL under load: ``ungpho web`` and ``ungpho worker`` as real processes, concurrent
stations posting readings and a duty officer on the desk meanwhile.

    .venv/bin/python benchmarks/load_pg.py --postgres URL [--clients 20] [--batch 100]
                                           [--duration-s 30] [--web-workers 1]
                                           [--desk-reports 1000] [--settle-s 60]

Creates a throw-away database ``ungpho_bench_*`` on the ``--postgres`` server (see
``ingest_files.database_start``) with ``--clients`` ambient-air stations (one per client, each
with its token), a national duty officer and a desk of ``--desk-reports`` open reports and
``--desk-incidents`` incidents; starts ``ungpho web`` (``--web-workers`` processes) and ``ungpho
worker`` on it. Then, for ``--duration-s`` seconds, each client posts batches of ``--batch``
readings (ten parameters × ``batch / 10`` one-minute times, recent, never twice the same) to
``POST /api/v1/readings`` over a keep-alive connection, as fast as the answers come, while the
signed-in officer loads ``GET /duty/`` and ``GET /duty/reports`` (the table the desk polls)
in turn. A sampler reads ``pg_stat_activity`` every 0.2 s: the connections of the web
processes and of the worker (told apart by their ``application_name``). After the load it
keeps sampling for ``--settle-s`` seconds.

Prints errors (any answer but 201, and connection failures: the issue asks for 0), p50/p95/p99
of the posts and of the desk's pages, readings/s (stored, counted in the database), and the
peak and after-load connection counts. Issue targets: 0 errors, p99 ≤ 1 s, ≥ 5,000
readings/s, desk p99 ≤ 1 s. The pool's settings come from the environment as for ``ungpho``
itself (``UNGPHO_DB_POOL_MAX=0`` measures a connection per request). Asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from duty_desk import desk_fill  # noqa: E402 (the folder is put on the path above)
from ingest_files import PARAMETERS, database_start, stations_create  # noqa: E402
from warning_latency import _free_port, _wait_up  # noqa: E402

USERNAME, PASSWORD = "bench-truc-ban", "mat-khau-rat-dai-123"
TARGET_P99_S = 1.0
TARGET_READINGS_S = 5000
_TIMEOUT_S = 60.0
_SAMPLE_S = 0.2


class Http:
    """One keep-alive HTTP/1.1 connection, reopened after a failure."""

    def __init__(self, port: int):
        self.port, self.conn = port, None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=_TIMEOUT_S)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            answer = self.conn.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        for value in answer.headers.get_all("Set-Cookie") or ():
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return answer.status, data


def _setup(clients: int, desk_reports: int, desk_incidents: int) -> list[tuple[str, str]]:
    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert
    from ungpho.monitoring.services import station_token_issue

    stations = stations_create(clients, prefix="LOAD")
    user_upsert(username=USERNAME, password=PASSWORD, role=Role.NATIONAL_DUTY)
    desk_fill(reports=desk_reports, incidents=desk_incidents)
    return [(s.code, station_token_issue(station=s)) for s in stations]


def _bodies(code: str, batch: int, start: dt.datetime):
    """Endless batches of one station, ten parameters at each one-minute time."""
    symbols = [(symbol, unit, mean) for symbol, unit, mean, *_ in PARAMETERS]
    per = len(symbols)
    minute = 0
    while True:
        readings = []
        for _ in range(max(1, batch // per)):
            at = (start + dt.timedelta(minutes=minute)).isoformat()
            readings += [{"parameter": s, "time": at, "value": round(mean * (1 + (minute % 7)
                                                                          / 50), 1), "unit": u}
                         for s, u, mean in symbols]
            minute += 1
        yield json.dumps({"station": code, "readings": readings}).encode(), len(readings)


class Run:
    def __init__(self):
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.posts: list[float] = []
        self.desk: dict[str, list[float]] = {"/duty/": [], "/duty/reports": []}
        self.errors: Counter = Counter()
        self.sent_readings = 0

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] += 1


def _client(run: Run, port: int, code: str, token: str, batch: int, start: dt.datetime):
    http_ = Http(port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for body, count in _bodies(code, batch, start):
        if run.stop.is_set():
            return
        t0 = time.perf_counter()
        try:
            status, data = http_.request("POST", "/api/v1/readings", body, headers)
        except (OSError, http.client.HTTPException) as error:
            run.error(f"POST: {type(error).__name__}")
            time.sleep(0.05)
            continue
        elapsed = time.perf_counter() - t0
        if status != 201:
            run.error(f"POST: {status} {data[:120]!r}")
            continue
        with run.lock:
            run.posts.append(elapsed)
            run.sent_readings += count


def _login(port: int) -> Http:
    desk = Http(port)
    _, page = desk.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": USERNAME,
                                   "password": PASSWORD}).encode()
    status, _ = desk.request("POST", "/accounts/login/", form, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"http://127.0.0.1:{port}/accounts/login/"})
    if status != 302 or "sessionid" not in desk.cookies:
        sys.exit(f"login as the duty officer failed ({status})")
    return desk


def _desk(run: Run, desk: Http, pause_s: float):
    while not run.stop.is_set():
        for path in run.desk:
            t0 = time.perf_counter()
            try:
                status, _ = desk.request("GET", path)
            except (OSError, http.client.HTTPException) as error:
                run.error(f"GET {path}: {type(error).__name__}")
                continue
            if status != 200:
                run.error(f"GET {path}: {status}")
                continue
            with run.lock:
                run.desk[path].append(time.perf_counter() - t0)
            run.stop.wait(pause_s)


class Sampler(threading.Thread):
    """Connections to the benchmark's database by application name, every 0.2 s."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.samples: list[tuple[float, dict[str, int]]] = []
        self.done = threading.Event()
        #: CPU seconds of each server backend of ours, when first and last seen (same machine).
        self.backend_cpu: dict[int, list[float]] = {}

    def count(self) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT application_name, state, pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall()
        counts: Counter = Counter()
        for name, state, pid in rows:
            if name in ("ungpho-web", "ungpho-worker"):
                counts[name] += 1
                counts["idle"] += state == "idle"
                cpu = _process_cpu_s(pid)
                self.backend_cpu.setdefault(pid, [cpu, cpu])[1] = cpu
        return dict(counts)

    def run(self):
        while not self.done.is_set():
            self.samples.append((time.monotonic(), self.count()))
            self.done.wait(_SAMPLE_S)


def _percentiles(values: list[float]) -> str:
    if not values:
        return "no answers"
    ordered = sorted(values)

    def at(q):
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000

    return f"p50 {at(0.5):.0f} ms, p95 {at(0.95):.0f} ms, p99 {at(0.99):.0f} ms, " \
           f"max {ordered[-1] * 1000:.0f} ms ({len(values)} answers)"


def _start(args_: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    with open(log_path, "w") as log:
        return subprocess.Popen([sys.executable, "-m", "ungpho", *args_], env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _stored() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_reading")
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", required=True,
                        help="PostgreSQL server to create the scratch database on")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--batch", type=int, default=100, help="readings per post")
    parser.add_argument("--duration-s", type=float, default=30.0)
    parser.add_argument("--web-workers", type=int, default=None,
                        help="uvicorn worker processes of ungpho web (default: its own)")
    parser.add_argument("--desk-reports", type=int, default=1000)
    parser.add_argument("--desk-incidents", type=int, default=50)
    parser.add_argument("--desk-pause-s", type=float, default=0.0,
                        help="pause between two desk pages (0: one after the other)")
    parser.add_argument("--settle-s", type=float, default=60.0,
                        help="seconds to keep counting connections after the load")
    args = parser.parse_args()

    drop = database_start(args.postgres)
    try:
        _run(args)
    finally:
        drop()


def _run(args) -> None:
    from django.db import connections

    t0 = time.perf_counter()
    stations = _setup(args.clients, args.desk_reports, args.desk_incidents)
    print(f"setup                {time.perf_counter() - t0:.1f} s: {args.clients} stations, "
          f"{args.desk_reports} open reports, {args.desk_incidents} incidents")
    before = _stored()
    connections.close_all()
    data_dir = Path(os.environ["UNGPHO_DATA_DIR"])
    env = {k: v for k, v in os.environ.items() if k not in {"MQTT_URL", "UNGPHO_DROP_DIR"}}
    env["PYTHONUNBUFFERED"] = "1"
    port = _free_port()
    web_args = ["web", "--port", str(port)]
    if args.web_workers:
        web_args += ["--workers", str(args.web_workers)]
    web = _start(web_args, {**env, "PGAPPNAME": "ungpho-web"}, data_dir / "web.log")
    worker = _start(["worker"], {**env, "PGAPPNAME": "ungpho-worker"}, data_dir / "worker.log")
    sampler = None
    try:
        _wait_up(f"http://127.0.0.1:{port}", web, data_dir / "web.log")
        desk_http = _login(port)
        sampler = Sampler(os.environ["DATABASE_URL"])
        idle_before = sampler.count()
        sampler.start()
        run = Run()
        start = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) - dt.timedelta(days=20)
        threads = [threading.Thread(target=_client, args=(run, port, code, token, args.batch,
                                                          start)) for code, token in stations]
        threads.append(threading.Thread(target=_desk, args=(run, desk_http, args.desk_pause_s)))
        load_before = os.getloadavg()[0]
        cpu0 = _cpu_times()
        procs0 = {"web": _tree_cpu_s(web.pid), "worker": _tree_cpu_s(worker.pid),
                  "benchmark (clients)": _process_cpu_s(os.getpid())}
        began = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(args.duration_s)
        run.stop.set()
        for t in threads:
            t.join()
        ended = time.monotonic()
        cpu1 = _cpu_times()
        procs = {"web": _tree_cpu_s(web.pid) - procs0["web"],
                 "worker": _tree_cpu_s(worker.pid) - procs0["worker"],
                 "benchmark (clients)": _process_cpu_s(os.getpid()) - procs0[
                     "benchmark (clients)"]}
        stored = _stored() - before
        connections.close_all()
        sampler.done.wait(args.settle_s + 1)
        sampler.done.set()
        sampler.join()
        _report(args, run, sampler, idle_before, began, ended, stored, cpu0, cpu1,
                load_before, procs)
        problems = [line for line in (data_dir / "web.log").read_text(errors="replace")
                    .splitlines() if "Error" in line or "Traceback" in line]
        if problems:
            print(f"web log              {len(problems)} error lines, first: {problems[0][:160]}")
    finally:
        _stop(web)
        _stop(worker)
        if sampler is not None:
            sampler.conn.close()


def _cpu_times() -> tuple[float, float, float]:
    """(user + system CPU seconds of the whole machine, I/O wait seconds, wall seconds)
    from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    busy = (sum(fields[:8]) - fields[3] - fields[4]) / ticks
    return busy, fields[4] / ticks, time.monotonic()


def _process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children that have ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _tree_cpu_s(pid: int) -> float:
    """CPU seconds of a process and of its live children (uvicorn's worker processes)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = children.read_text().split() if children.exists() else []
    return _process_cpu_s(pid) + sum(_tree_cpu_s(int(k)) for k in kids)


def _report(args, run: Run, sampler: Sampler, idle_before: dict, began: float, ended: float,
            stored: int, cpu0, cpu1, load_before: float, procs: dict) -> None:
    duration = ended - began
    during = [c for t, c in sampler.samples if began <= t <= ended]
    after = [(t - ended, c) for t, c in sampler.samples if t > ended]

    def total(c):
        return sum(v for k, v in c.items() if k.startswith("ungpho-"))

    def peak(name):
        return max((c.get(name, 0) for c in during), default=0)

    pool = {k: os.environ[k] for k in sorted(os.environ) if k.startswith("UNGPHO_DB_")}
    print(f"load                 {args.clients} clients × batches of {args.batch} for "
          f"{duration:.1f} s; desk: /duty/ and /duty/reports in turn "
          f"(pause {args.desk_pause_s:g} s); web workers: {args.web_workers or 'default'}; "
          f"{', '.join(f'{k}={v}' for k, v in pool.items()) or 'pool settings: defaults'}")
    wall = cpu1[2] - cpu0[2]
    print(f"machine              {os.cpu_count()} cores: {(cpu1[0] - cpu0[0]) / wall:.2f} busy and "
          f"{(cpu1[1] - cpu0[1]) / wall:.2f} waiting for I/O during the load (every process); "
          f"1-minute load average {load_before:.2f} before it")
    answers = len(run.posts) + sum(len(t) for t in run.desk.values())
    procs["PostgreSQL backends"] = sum(last - first for first, last in
                                       sampler.backend_cpu.values())
    print("cores used           " + ", ".join(f"{name} {cpu / wall:.2f}"
                                               for name, cpu in procs.items())
          + f"; web: {procs['web'] / max(answers, 1) * 1000:.1f} ms CPU per answer")
    errors = sum(run.errors.values())
    print(f"errors               {errors}" + (f": {dict(run.errors.most_common(5))}"
                                              if errors else " (target 0)"))
    print(f"posts                {_percentiles(run.posts)}  (target p99 ≤ "
          f"{TARGET_P99_S * 1000:.0f} ms)")
    for path, times in run.desk.items():
        print(f"desk {path:<16}{_percentiles(times)}")
    print(f"desk, both pages     {_percentiles(run.desk['/duty/'] + run.desk['/duty/reports'])}"
          f"  (target p99 ≤ {TARGET_P99_S * 1000:.0f} ms)")
    print(f"readings stored      {stored} ({run.sent_readings} accepted in 201 answers): "
          f"{stored / duration:.0f} readings/s (target ≥ {TARGET_READINGS_S})")
    print(f"connections before   {total(idle_before)} ({idle_before})")
    print(f"connections peak     web {peak('ungpho-web')}, worker {peak('ungpho-worker')}, "
          f"together {max((total(c) for c in during), default=0)}")
    marks = []
    for mark in (0, 5, 10, 30, 60, 120):
        if mark > args.settle_s:
            break
        sample = next((c for t, c in after if t >= mark), None)
        if sample is not None:
            marks.append(f"+{mark} s: {total(sample)} ({sample.get('idle', 0)} idle)")
    print(f"connections after    {'; '.join(marks)}")


if __name__ == "__main__":
    sys.exit(main())
