"""Reading → warning on the duty desk: time from the arrival of the confirming reading to
the incident report being visible to a signed-in national duty officer.

    .venv/bin/python benchmarks/warning_latency.py [--trials 20] [--mqtt mqtt://127.0.0.1:1883]
                                                   [--read duty|map] [--postgres URL]

Starts ``ungpho serve`` (web + worker, MQTT door on when ``--mqtt`` is given) on a free port
with a temporary UNGPHO_DATA_DIR and a throw-away database (SQLite, or ``ungpho_bench_*``
created on the ``--postgres`` server and dropped after). Each trial uses a fresh radiation
station with alarm level 1 = 1 µSv/h (confirmation: 2 consecutive valid readings): it sends
one reading above the level, then, at the arrival time t0, the confirming one (HTTP ``POST
/api/v1/readings`` or an MQTT QoS 1 message on ``ungpho/<station>/readings``), and polls
``GET /duty/reports`` (or ``/api/v1/map`` with ``--read map``) every ``--poll-ms`` until the
report of that station is listed. Prints median and p90 of the latency and, for HTTP, of the
POST round trip. Issue target: median ≤ 1 s. Asserts nothing.

With MQTT the server's worker connects under a client id of its own (``UNGPHO_WORKER_NAME``
``bench-<pid>``) and subscribes to the topics themselves, so other subscribers on the broker
take nothing from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_files import database_start  # noqa: E402 (the folder is put on the path above)

LEVEL_1_USV_H = 1.0
VALUES_USV_H = (2.0, 2.1)  # both above level 1: the second confirms
USERNAME, PASSWORD = "bench-truc-ban", "mat-khau-rat-dai-123"
TARGET_MEDIAN_S = 1.0
_TIMEOUT_S = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _setup(trials: int) -> list[tuple[str, str]]:
    """Stations (code, token), one per trial plus a warm-up one, and the duty officer."""
    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert
    from ungpho.monitoring import services as m
    from ungpho.monitoring.models import Parameter

    gamma = Parameter.objects.get(code="GammaDR")
    stations = []
    for i in range(trials + 1):
        station = m.station_upsert(code=f"LAT-{i:03d}", name=f"LAT-{i:03d} latency station",
                                   province_code="01", lat=21.0 + i * 0.01, lon=105.8)
        m.threshold_set(station=station, parameter=gamma, level_1=LEVEL_1_USV_H,
                        confirm_count=2)
        stations.append((station.code, m.station_token_issue(station=station)))
    user_upsert(username=USERNAME, password=PASSWORD, role=Role.NATIONAL_DUTY)
    return stations


def _items(now: dt.datetime) -> list[list[dict]]:
    """Two messages of one reading each, 5 minutes apart, the second observed now."""
    return [[{"parameter": "GammaDR", "value": value, "unit": "µSv/h",
              "time": (now - dt.timedelta(seconds=300 * (1 - k))).isoformat()}]
            for k, value in enumerate(VALUES_USV_H)]


class _Desk:
    """A signed-in browser session of the duty officer."""

    def __init__(self, base: str, read: str):
        self.base = base
        self.path = "/duty/reports" if read == "duty" else "/api/v1/map"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(f"{base}/accounts/login/", timeout=_TIMEOUT_S).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": USERNAME,
                                       "password": PASSWORD}).encode()
        answer = self.opener.open(f"{base}/accounts/login/", data=form, timeout=_TIMEOUT_S)
        if "/accounts/login/" in answer.geturl():
            raise RuntimeError("login as the duty officer failed")

    def shows(self, station_code: str) -> bool:
        body = self.opener.open(f"{self.base}{self.path}", timeout=_TIMEOUT_S).read()
        return station_code.encode() in body

    def wait(self, station_code: str, poll_s: float, timeout_s: float) -> float:
        deadline = time.perf_counter() + timeout_s
        while not self.shows(station_code):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no report for {station_code} after {timeout_s:.0f} s")
            time.sleep(poll_s)
        return time.perf_counter()


def _http_post(base: str, token: str, readings: list[dict]) -> None:
    request = urllib.request.Request(
        f"{base}/api/v1/readings", data=json.dumps({"readings": readings}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as answer:
        if answer.status not in (200, 201):
            raise RuntimeError(f"POST /api/v1/readings: {answer.status} {answer.read()[:300]}")


class _Publisher:
    def __init__(self, url: str):
        import paho.mqtt.client as mqtt

        parts = urllib.parse.urlsplit(url)
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=f"ungpho-bench-{os.getpid()}")
        if parts.username:
            self.client.username_pw_set(parts.username, parts.password)
        self.client.connect(parts.hostname or "127.0.0.1", parts.port or 1883, keepalive=30)
        self.client.loop_start()

    def send(self, code: str, token: str, readings: list[dict]) -> None:
        info = self.client.publish(f"ungpho/{code}/readings",
                                   json.dumps({"token": token, "readings": readings}), qos=1)
        info.wait_for_publish(timeout=_TIMEOUT_S)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--mqtt", metavar="URL", help="send through MQTT (mqtt://host:port)")
    parser.add_argument("--read", choices=("duty", "map"), default="duty",
                        help="poll the duty desk's report table or the map API")
    parser.add_argument("--poll-ms", type=float, default=20.0)
    parser.add_argument("--postgres", metavar="URL",
                        help="PostgreSQL server to create the scratch database on")
    args = parser.parse_args()

    drop = database_start(args.postgres)
    from django.db import connections

    stations = _setup(args.trials)
    connections.close_all()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if args.mqtt:
        env.update({"MQTT_URL": args.mqtt, "UNGPHO_WORKER_NAME": f"bench-{os.getpid()}"})
    else:
        env.pop("MQTT_URL", None)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = Path(os.environ["UNGPHO_DATA_DIR"]) / "serve.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "ungpho", "serve", "--port", str(port)],
                                  env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    publisher = None
    try:
        _wait_up(base, server, log_path)
        desk = _Desk(base, args.read)
        publisher = _Publisher(args.mqtt) if args.mqtt else None

        def send(code, token, readings):
            if publisher is not None:
                publisher.send(code, token, readings)
            else:
                _http_post(base, token, readings)

        _warm_up(desk, send, *stations[0])
        latencies, round_trips = [], []
        for code, token in stations[1:]:
            first, second = _items(dt.datetime.now(dt.UTC))
            send(code, token, first)
            t0 = time.perf_counter()
            send(code, token, second)
            round_trips.append(time.perf_counter() - t0)
            latencies.append(desk.wait(code, args.poll_ms / 1000, _TIMEOUT_S) - t0)
        print(f"database             {'postgresql' if args.postgres else 'sqlite'}")
        print(f"door                 {'MQTT ' + args.mqtt if args.mqtt else 'HTTP POST'}; "
              f"read {desk.path} every {args.poll_ms:g} ms; worker running (ungpho serve)")
        print(f"trials               {len(latencies)} (after one warm-up)")
        print(f"latency              median {statistics.median(latencies) * 1000:.0f} ms, "
              f"p90 {_percentile(latencies, 0.9) * 1000:.0f} ms, "
              f"max {max(latencies) * 1000:.0f} ms (target median ≤ "
              f"{TARGET_MEDIAN_S * 1000:.0f} ms)")
        what = "publish (PUBACK)" if args.mqtt else "POST round trip"
        print(f"{what:<21}median {statistics.median(round_trips) * 1000:.1f} ms, "
              f"p90 {_percentile(round_trips, 0.9) * 1000:.1f} ms")
    finally:
        if publisher is not None:
            publisher.close()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        drop()


def _warm_up(desk: _Desk, send, code: str, token: str) -> None:
    """One untimed trial, repeated with fresh times until its report shows: it also waits
    for the worker's MQTT subscription (messages sent before it may be lost)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for readings in _items(dt.datetime.now(dt.UTC)):
            send(code, token, readings)
        try:
            desk.wait(code, 0.1, 2.0)
            return
        except TimeoutError:
            time.sleep(1)  # later times next round, so the pair is live again
    sys.exit(f"warm-up: no report for {code} after 60 s")


def _wait_up(base: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited ({server.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            if urllib.request.urlopen(f"{base}/healthz", timeout=1).status == 200:
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"the server did not answer /healthz in 60 s:\n{log_path.read_text()[-3000:]}")


if __name__ == "__main__":
    sys.exit(main())
