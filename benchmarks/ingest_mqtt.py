"""The MQTT door: messages of ten readings from a real broker through real `ungpho worker`
processes into the database.

    .venv/bin/python benchmarks/ingest_mqtt.py [--stations 2000] [--hours 1]
                                               [--stream-messages 20000] [--rate 1000]
                                               [--workers 1] [--mqtt URL] [--postgres URL]

On a throw-away database (SQLite in a temporary UNGPHO_DATA_DIR; with ``--postgres URL``, or
``DATABASE_URL`` set, a database ``ungpho_bench_*`` created on that server and dropped at the
end) with ``--stations`` ambient-air stations, each with its token:

1. backlog: the workers subscribe once (so the broker keeps their sessions) and stop; an
   hour (``--hours``) of every station's messages — one message of ten readings per station
   per 5 minutes, 24,000 messages for 2,000 stations — is published while they are away;
   they start again. Prints the time from their subscription to the last reading stored,
   messages/s and readings/s. Issue target: ≥ 1,000 messages/s, so that a 2,000-station
   network's hour drains in under 30 s.
2. stream: with the workers running, ``--stream-messages`` messages are published at
   ``--rate`` messages/s; prints the rate at which they were stored and the latency from
   publishing a message to its readings being stored (each reading's ``received_at``, the
   time of the transaction that stored it): median and p99.

The broker is a Mosquitto of the benchmark's own with the project's settings
(deploy/mosquitto.conf) on a free port, unless ``--mqtt URL`` names one (then nothing else
may subscribe to ``ungpho/+/readings`` on it). With ``--workers N`` > 1 the workers share the
stream (``UNGPHO_MQTT_GROUP``). Prints the machine's load average before and after: the
publisher, the broker, the workers and the database share its cores. Asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_files import PARAMETERS, database_start, stations_create  # noqa: E402
from warning_latency import _free_port  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TARGET_MESSAGES_S = 1000
INTERVAL_S = 300
_TIMEOUT_S = 600.0


def _broker(folder: Path) -> tuple[str, subprocess.Popen]:
    """A Mosquitto with the project's settings on a free port."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = _free_port()
    (folder / "conf.d").mkdir(parents=True)
    shutil.copy(REPO / "deploy" / "mosquitto.conf", folder / "conf.d" / "ungpho.conf")
    lines = [f"listener {port} 127.0.0.1", "allow_anonymous true",
             f"persistence_location {folder}/", f"include_dir {folder / 'conf.d'}"]
    if os.geteuid() == 0:
        lines.append("user root")
    (folder / "mosquitto.conf").write_text("\n".join(lines) + "\n")
    with open(folder / "mosquitto.log", "w") as log:
        proc = subprocess.Popen([binary, "-c", str(folder / "mosquitto.conf")], stdout=log,
                                stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return f"mqtt://127.0.0.1:{port}", proc
        except OSError:
            time.sleep(0.05)
    sys.exit("mosquitto did not start")


def _tokens(stations) -> dict[str, str]:
    """A token for each station, stored hashed as ``station_token_issue`` does (in one
    statement per station, without its audit entry: setup, not measured)."""
    from ungpho.monitoring.models import Station
    from ungpho.platform.machine_tokens import token_digest, token_new

    tokens = {s.code: token_new() for s in stations}
    for station in stations:
        station.token_sha256 = token_digest(tokens[station.code])
    Station.objects.bulk_update(stations, ["token_sha256"], batch_size=500)
    return tokens


def _message(token: str, at: dt.datetime, step: int, k: int) -> bytes:
    stamp = at.astimezone(dt.timezone(dt.timedelta(hours=7))).isoformat()
    return json.dumps({"token": token, "readings": [
        {"parameter": symbol, "time": stamp, "unit": unit,
         "value": round(level * (1 + spread * (((step * 7 + k * 13 + i) % 11) - 5) / 10), 1)}
        for i, (symbol, unit, level, spread, _) in enumerate(PARAMETERS)]}).encode()


class _Workers:
    def __init__(self, count: int, env: dict, logs: Path):
        self.count, self.env, self.logs, self.procs = count, env, logs, []

    def start(self) -> float:
        """Start the workers; returns the time the last of them said it was subscribed."""
        first = len(self.procs)
        for n in range(first, first + self.count):
            with open(self.logs / f"worker-{n}.log", "w") as log:
                self.procs.append(subprocess.Popen(
                    [sys.executable, "-m", "ungpho", "worker"], env=self.env, cwd=REPO,
                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if all("MQTT subscribed" in (self.logs / f"worker-{n}.log").read_text()
                   for n in range(first, first + self.count)):
                return time.monotonic()
            for proc in self.procs[first:]:
                if proc.poll() is not None:
                    sys.exit(f"a worker exited:\n{self._tail()}")
            time.sleep(0.01)
        sys.exit(f"the workers did not subscribe in 120 s:\n{self._tail()}")

    def peak_rss_mb(self) -> float:
        """The largest peak resident memory of the running workers (VmHWM), in MB."""
        peaks = [0.0]
        for proc in self.procs:
            if proc.poll() is None:
                for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
        return max(peaks)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    def _tail(self) -> str:
        return "\n".join(path.read_text()[-2000:] for path in sorted(self.logs.glob("worker-*")))


class _Publisher:
    def __init__(self, url: str):
        from urllib.parse import urlsplit

        import paho.mqtt.client as mqtt

        parts = urlsplit(url)
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=f"ungpho-bench-{uuid.uuid4().hex[:6]}")
        self.client.max_inflight_messages_set(1000)
        if parts.username:
            self.client.username_pw_set(parts.username, parts.password)
        self.client.connect(parts.hostname or "127.0.0.1", parts.port or 1883, keepalive=60)
        self.client.loop_start()

    def send(self, messages: list[tuple[str, bytes]], *, per_second: float | None = None
             ) -> list[float]:
        """Publish at QoS 1 (at ``per_second``, else as fast as the broker takes them);
        returns each message's publish time (``time.time()``); waits for every PUBACK."""
        infos, sent_at = [], []
        started = time.monotonic()
        for n, (topic, payload) in enumerate(messages):
            if per_second:
                lag = started + n / per_second - time.monotonic()
                if lag > 0:
                    time.sleep(lag)
            sent_at.append(time.time())
            infos.append(self.client.publish(topic, payload, qos=1))
        for info in infos:
            info.wait_for_publish(timeout=_TIMEOUT_S)
        return sent_at

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _stored() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_reading")
        return cursor.fetchone()[0]


def _wait_stored(expected: int) -> float:
    deadline = time.monotonic() + _TIMEOUT_S
    while (count := _stored()) < expected:
        if time.monotonic() > deadline:
            sys.exit(f"only {count} of {expected} readings stored after {_TIMEOUT_S:.0f} s")
        time.sleep(0.02)
    return time.monotonic()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=2000)
    parser.add_argument("--hours", type=float, default=1.0, help="backlog per station")
    parser.add_argument("--stream-messages", type=int, default=10000)
    parser.add_argument("--rate", type=float, default=200.0,
                        help="messages per second published in the stream phase (200: 30 "
                             "times what 2,000 stations send live)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--mqtt", metavar="URL", help="a broker of your own (default: one "
                        "started here with deploy/mosquitto.conf)")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("DATABASE_URL"),
                        help="PostgreSQL server to create the scratch database on (default: "
                             "DATABASE_URL's server; unset: SQLite)")
    args = parser.parse_args()

    load_before = _load()
    folder = Path(tempfile.mkdtemp(prefix="ungpho-bench-mqtt-"))
    broker = None
    url = args.mqtt
    if url is None:
        url, broker = _broker(folder / "mosquitto")
    drop = database_start(args.postgres)
    workers = publisher = None
    try:
        from django.db import connections

        stations = stations_create(args.stations)
        tokens = _tokens(stations)
        connections.close_all()
        env = {**os.environ, "MQTT_URL": url, "PYTHONUNBUFFERED": "1",
               "UNGPHO_WORKER_NAME": f"bench-{uuid.uuid4().hex[:6]}"}
        if args.workers > 1:
            env["UNGPHO_MQTT_GROUP"] = f"bench-{uuid.uuid4().hex[:6]}"
        workers = _Workers(args.workers, env, folder)
        publisher = _Publisher(url)

        steps = max(1, round(args.hours * 3600 / INTERVAL_S))
        start = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).replace(
            minute=0, second=0, microsecond=0)
        backlog = [(f"ungpho/{s.code}/readings",
                    _message(tokens[s.code], start + dt.timedelta(seconds=INTERVAL_S * step),
                             step, k))
                   for step in range(steps) for k, s in enumerate(stations)]
        workers.start()  # their sessions now exist: the broker keeps what comes for them
        workers.stop()
        t0 = time.monotonic()
        publisher.send(backlog)
        published_s = time.monotonic() - t0
        expected = len(backlog) * len(PARAMETERS)
        subscribed = workers.start()
        drained = _wait_stored(expected) - subscribed

        stream = []
        for n in range(args.stream_messages):
            step, k = steps + n // len(stations), n % len(stations)
            stream.append((f"ungpho/{stations[k].code}/readings",
                           _message(tokens[stations[k].code],
                                    start + dt.timedelta(seconds=INTERVAL_S * step), step, k)))
        t0 = time.monotonic()
        sent_at = publisher.send(stream, per_second=args.rate)
        stored_at = _wait_stored(expected + len(stream) * len(PARAMETERS))
        stream_s = stored_at - t0
        latencies = _latencies(stations, stream, sent_at, start, steps)
        load_after = _load()
        peak_mb = workers.peak_rss_mb()
    finally:
        if publisher is not None:
            publisher.close()
        if workers is not None:
            workers.stop()
        drop()
        if broker is not None:
            broker.send_signal(signal.SIGTERM)
            broker.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)

    database = "postgresql" if args.postgres else "sqlite"
    print(f"database             {database}; broker {url if args.mqtt else 'mosquitto '}"
          f"{'' if args.mqtt else '(deploy/mosquitto.conf)'}; {args.workers} worker(s)")
    print(f"python               {sys.version.split()[0]}")
    print(f"load before / after  {load_before} / {load_after}")
    print(f"backlog              {len(backlog):,} messages ({expected:,} readings) of "
          f"{args.stations:,} stations × {steps} five-minute steps, published in "
          f"{published_s:.1f} s")
    print(f"  drained in         {drained:.1f} s from the workers' subscription: "
          f"{len(backlog) / drained:,.0f} messages/s, {expected / drained:,.0f} readings/s "
          f"(target ≥ {TARGET_MESSAGES_S:,} messages/s)")
    print(f"stream               {len(stream):,} messages at {args.rate:,.0f}/s: all stored "
          f"{stream_s:.1f} s after the first was sent ({len(stream) / stream_s:,.0f} "
          "messages/s)")
    print(f"  publish → stored   median {statistics.median(latencies) * 1000:.0f} ms, "
          f"p99 {_percentile(latencies, 0.99) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms")
    print(f"worker memory        peak {peak_mb:,.0f} MB resident (VmHWM)")


def _latencies(stations, stream, sent_at, start, steps) -> list[float]:
    """Per stream message: its first reading's ``received_at`` − its publish time."""
    from ungpho.monitoring.models import Reading

    by_code = {s.code: s.pk for s in stations}
    since = start + dt.timedelta(seconds=INTERVAL_S * steps)
    received = {}
    for sid, observed_at, at in Reading.objects.filter(
            observed_at__gte=since).values_list("station_id", "observed_at", "received_at"
                                                ).iterator(chunk_size=10000):
        key = (sid, observed_at)
        received[key] = min(received.get(key, at), at)
    latencies = []
    for n, (topic, payload) in enumerate(stream):
        body = json.loads(payload)
        observed_at = dt.datetime.fromisoformat(body["readings"][0]["time"]).astimezone(dt.UTC)
        at = received[(by_code[topic.split("/")[1]], observed_at)]
        latencies.append(at.timestamp() - sent_at[n])
    return latencies


if __name__ == "__main__":
    sys.exit(main())
