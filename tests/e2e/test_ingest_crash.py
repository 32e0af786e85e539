"""Nothing accepted is lost and nothing is stored twice, proven by counting: station files
ingested by the command or by the worker's drop folder across a kill -9, and MQTT messages
across a broker restart and a worker kill -9."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import REPO, ungpho, wait_until

pytestmark = pytest.mark.e2e

COUNT_SNIPPET = """
import django, json; django.setup()
from ungpho.monitoring.models import IngestFile, Reading
print(json.dumps({"readings": Reading.objects.count(),
                  "files_done": IngestFile.objects.filter(status="done").count()}))
"""
STATION_SNIPPET = """
import django; django.setup()
from ungpho.monitoring import services as m
s = m.station_upsert(code="KHI01", name="Trạm không khí Nguyễn Văn Cừ", province_code="01",
                     lat=21.0486, lon=105.8786, type="ambient_air", file_prefix="HN_CEM_KHI01")
print(m.station_token_issue(station=s))
"""
SYMBOLS = ("PM2,5", "PM10", "NO2", "SO2", "CO", "O3", "Temp", "RH", "WS", "WD")


def _python(env, snippet):
    env = {**env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"}
    return subprocess.run([sys.executable, "-c", snippet], env=env, cwd=REPO,
                          capture_output=True, text=True, check=True).stdout.strip()


def _counts(env) -> dict:
    return json.loads(_python(env, COUNT_SNIPPET).splitlines()[-1])


def _stored(env) -> int:
    """Readings stored so far, read straight from the database: fast enough to catch an
    ingest in the middle (a Django process would take half a second to ask)."""
    if env.get("DATABASE_URL"):
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return conn.execute("SELECT count(*) FROM monitoring_reading").fetchone()[0]
    import sqlite3

    with sqlite3.connect(Path(env["UNGPHO_DATA_DIR"]) / "ungpho.sqlite3", timeout=10) as conn:
        return conn.execute("SELECT count(*) FROM monitoring_reading").fetchone()[0]


def _station_files(folder: Path, count: int) -> int:
    """``count`` five-minute files of 10 parameters in a yyyy/MM/dd layout; returns lines."""
    start = 1_795_000_000  # 2026-11-18, local time written in the file
    for i in range(count):
        local = time.gmtime(start + 300 * i + 7 * 3600)
        stamp = time.strftime("%Y%m%d%H%M%S", local)
        day = folder / time.strftime("%Y/%m/%d", local)
        day.mkdir(parents=True, exist_ok=True)
        lines = "".join(f"{s}\t{10 + (i * 7 + k) % 13}.5\tµg/Nm3\t{stamp}\t00\n"
                        for k, s in enumerate(SYMBOLS[:6]))
        lines += f"Temp\t{25 + i % 5}.1\t°C\t{stamp}\t00\nRH\t{70 + i % 9}\t%\t{stamp}\t00\n"
        lines += f"WS\t{1 + i % 4}.2\tm/s\t{stamp}\t00\nWD\t{(i * 37) % 360}\t°\t{stamp}\t00\n"
        (day / f"HN_CEM_KHI01_{stamp}.txt").write_text(lines, encoding="utf-8")
    return count * len(SYMBOLS)


def test_ingest_killed_mid_run_then_rerun_stores_every_line_once(ungpho_env, tmp_path):
    _python(ungpho_env, STATION_SNIPPET)
    expected = _station_files(tmp_path / "ftp", 8000)
    env = {**ungpho_env, "UNGPHO_INGEST_CHUNK": "500"}
    log = open(tmp_path / "ingest.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "ungpho", "ingest", str(tmp_path / "ftp")],
                            env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    wait_until(lambda: _stored(env) >= 2000, timeout_s=120, every_s=0.02,
               what="the first committed chunks")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    interrupted = _counts(env)["readings"]
    assert 0 < interrupted < expected, "the kill must land mid-run for this test to mean much"

    summary = json.loads(ungpho("ingest", str(tmp_path / "ftp"), "--json", env=env)
                         .stdout.strip().splitlines()[-1])
    assert summary["stored"] == expected - interrupted
    assert summary["rejected"] == []
    assert _counts(env) == {"readings": expected, "files_done": 8000}
    again = json.loads(ungpho("ingest", str(tmp_path / "ftp"), "--json", env=env)
                       .stdout.strip().splitlines()[-1])
    assert (again["stored"], again["files_skipped"]) == (0, 8000)


def test_the_worker_drop_folder_survives_a_kill_and_archives_every_file(processes, ungpho_env,
                                                                      tmp_path):
    _python(ungpho_env, STATION_SNIPPET)
    drop = tmp_path / "drop"
    staging = tmp_path / "staging"
    expected = _station_files(staging, 8000)
    ungpho_env.update({"UNGPHO_DROP_DIR": str(drop), "UNGPHO_INGEST_CHUNK": "400"})
    shutil.copytree(staging, drop)
    old = time.time() - 60  # settled files, as if uploaded a minute ago
    for path in drop.rglob("*.txt"):
        os.utime(path, (old, old))
    worker = processes.start("worker")
    wait_until(lambda: _stored(ungpho_env) >= 1500, timeout_s=120, every_s=0.02,
               what="the worker's first chunks")
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert _stored(ungpho_env) < expected, "the kill must land mid-run for this test to mean much"

    processes.start("worker")
    wait_until(lambda: not list(drop.rglob("*.txt")), timeout_s=180, every_s=0.5,
               what="the drop folder to empty")
    assert _counts(ungpho_env) == {"readings": expected, "files_done": 8000}
    archived = Path(ungpho_env["UNGPHO_DATA_DIR"]) / "archive"
    assert len(list(archived.rglob("*.txt"))) == 8000


def test_mqtt_readings_survive_a_broker_restart_and_a_worker_kill(processes, ungpho_env,
                                                                private_broker):
    import paho.mqtt.client as mqtt

    token = _python(ungpho_env, STATION_SNIPPET).splitlines()[-1]
    ungpho_env["MQTT_URL"] = private_broker.url
    port = int(private_broker.url.rsplit(":", 1)[1])
    worker = processes.start("worker")
    wait_until(lambda: "subscribed" in (Path(ungpho_env["UNGPHO_DATA_DIR"]).parent
                                        .joinpath("worker-0.log").read_text()),
               timeout_s=30, what="the worker to subscribe")

    publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                            client_id=f"station-{uuid.uuid4().hex[:6]}", clean_session=False)
    publisher.reconnect_delay_set(min_delay=0.2, max_delay=1)
    publisher.connect("127.0.0.1", port)
    publisher.loop_start()

    def publish(minute_from, minute_to):
        infos = []
        for minute in range(minute_from, minute_to):
            hour, mm = divmod(minute * 5, 60)
            body = {"token": token, "readings": [
                {"parameter": "PM10", "time": f"2026-11-21T{hour:02d}:{mm:02d}:00+07:00",
                 "value": 40.0 + minute % 9, "unit": "µg/Nm³"}]}
            infos.append(publisher.publish("ungpho/KHI01/readings", json.dumps(body), qos=1))
        return infos

    def stored():
        return _counts(ungpho_env)["readings"]

    for info in publish(0, 60):
        info.wait_for_publish(timeout=10)
    wait_until(lambda: stored() == 60, timeout_s=30, what="the first 60 readings")

    private_broker.stop()           # the broker goes away …
    os.killpg(worker.pid, signal.SIGKILL)  # … and so does the worker, without warning
    worker.wait(timeout=10)
    private_broker.start()
    wait_until(publisher.is_connected, timeout_s=30, what="the station to reconnect")
    for info in publish(60, 200):   # sent while no worker is listening: queued by the broker
        info.wait_for_publish(timeout=10)
    for info in publish(0, 20):     # and a re-send of old messages: must change nothing
        info.wait_for_publish(timeout=10)
    processes.start("worker")
    wait_until(lambda: stored() == 200, timeout_s=60, what="every reading after the restarts")
    time.sleep(2)
    assert stored() == 200
    publisher.loop_stop()
    publisher.disconnect()
