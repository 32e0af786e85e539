"""The MQTT door (issue 20, findings 1, 8 and 9): no message can stop it; a message that
names another station is refused; the door takes a burst that overflows Mosquitto's default
queue; two workers split the stream under client ids of their own, and a worker killed in
the middle of it loses nothing and duplicates nothing."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import REPO, wait_until
from ungpho.faults.doors import deadletter_retry
from ungpho.faults.models import DeadLetter
from ungpho.monitoring.doors.mqtt import MqttIngest
from ungpho.monitoring.models import Reading, RejectedLine

TIME = "2026-11-21T{hour:02d}:{minute:02d}:00+07:00"


def _reading(minute: int, value: float = 0.12, *, hour: int = 10, **fields) -> dict:
    return {"parameter": "GammaDR", "time": TIME.format(hour=hour, minute=minute),
            "value": value, **fields}


def _message(token, *readings, **fields) -> bytes:
    return json.dumps({"token": token, "readings": list(readings), **fields}).encode()


def _publish(config: dict, messages: list[tuple[str, bytes]], *,
             per_second: float | None = None) -> None:
    """Publish raw payloads at QoS 1 with a client of their own, in order (``per_second``:
    at that pace); wait for the broker's PUBACK of each."""
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                         client_id=f"station-{uuid.uuid4().hex[:8]}")
    client.max_queued_messages_set(0)
    client.connect(config["host"], config["port"])
    client.loop_start()
    started = time.monotonic()
    try:
        infos = []
        for n, (topic, payload) in enumerate(messages):
            infos.append(client.publish(topic, payload, qos=1))
            if per_second and n % 20 == 19:
                time.sleep(max(0.0, started + n / per_second - time.monotonic()))
        for info in infos:
            info.wait_for_publish(timeout=60)
    finally:
        client.disconnect()
        client.loop_stop()


@pytest.fixture
def stations(db):
    """Three gamma stations with tokens: code → token."""
    from ungpho.monitoring.services import station_token_issue, station_upsert

    tokens = {}
    for i, code in enumerate(("HN-GAMMA-01", "DN-GAMMA-01", "HCM-GAMMA-01")):
        station = station_upsert(code=code, name=f"Trạm phóng xạ {code}",
                                 province_code="01", lat=21.0 + i, lon=105.8)
        tokens[code] = station_token_issue(station=station)
    return tokens


def _poison(tokens: dict[str, str]) -> tuple[list, list]:
    """Messages a door must survive, each distinct: (topic, payload, door, field) of those
    that can only be dead letters, and (topic, payload) of those whose one reading is bad,
    which the readings parser may refuse alone (a rejected line) or the door as a whole (a
    dead letter). The starred kinds were never acknowledged before issue 20: the first 20
    messages are of those, and Mosquitto then stopped sending the worker anything."""
    p, q = "HN-GAMMA-01", "DN-GAMMA-01"
    topic, token = f"ungpho/{p}/readings", tokens[p]
    letters = []
    for i in range(8):  # * an integer of 5,000 digits: Python's int-from-string limit
        letters.append((topic, b'{"token": "%s", "readings": [{"parameter": "GammaDR", '
                        b'"time": "2026-11-21T10:00:00+07:00", "value": %s}]}'
                        % (token.encode(), b"9" * (5000 + i)), "mqtt", "payload"))
    for i in range(8):  # * nesting deeper than the interpreter's stack
        letters.append((topic, b"[" * (100_000 + i), "mqtt", "payload"))
    for i in range(4):  # * a token with a lone surrogate
        letters.append((topic, _message(f"ung_\ud800{i}", _reading(0)), "mqtt", "token"))
    for i in range(3):  # invalid UTF-8
        letters.append((topic, b'{"token": "\xff\xfe%d", "readings": []}' % i, "mqtt",
                        "payload"))
    for body in (b"[1, 2]", b'"text"', b"42", b"null", b"true"):  # JSON, not an object
        letters.append((topic, body, "mqtt", "token"))
    letters += [
        (topic, _message("ung_forged", _reading(1)), "mqtt", "token"),
        (f"ungpho/{q}/readings", _message(token, _reading(2)), "mqtt", "token"),
        (topic, _message(token, _reading(59, hour=11), station=q), "mqtt", "station"),
        (topic, _message(token, _reading(3), pad="x" * 3_000_000), "mqtt", "payload"),
        ("ungpho/trackers/IR-9/positions", b"[" * 50_000, "tracker", "payload"),
        ("ungpho/trackers/IR-9/positions", b'{"token": "ung_forged", "positions": []}',
         "tracker", "token"),
    ]
    bad_readings = []
    for i in range(5):  # * a time whose conversion to UTC overflows
        bad_readings.append(_message(token, {"parameter": "GammaDR", "value": 0.1 + i,
                                             "time": "9999-12-31T23:59:59-01:00"}))
    for i in range(3):  # * a 400-digit integer, too large for a float
        bad_readings.append(_message(token, _reading(4, value=int("9" * 400) + i)))
    for i in range(2):  # a NUL byte (PostgreSQL cannot store one in text)
        bad_readings.append(_message(token, _reading(5 + i, parameter="Gamma\u0000DR")))
    bad_readings.append(_message(token, _reading(7, parameter="\ud800")))  # a lone surrogate
    return letters, [(topic, payload) for payload in bad_readings]


def _good(tokens: dict[str, str]) -> list[tuple[str, bytes]]:
    """Four messages of two readings from each station: 24 readings."""
    return [(f"ungpho/{code}/readings",
             _message(token, _reading(10 * k), _reading(10 * k + 5)))
            for k in range(4) for code, token in tokens.items()]


def _sha(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


@pytest.mark.mqtt
@pytest.mark.django_db(transaction=True)
def test_poison_messages_become_dead_letters_and_the_good_ones_after_them_are_stored(
        mqtt_ingest, stations):
    _, config = mqtt_ingest
    letters, bad_readings = _poison(stations)
    assert len(letters) + len(bad_readings) >= 25
    _publish(config, [(t, p) for t, p, _, _ in letters] + bad_readings + _good(stations))

    # Before issue 20 the broker stopped here: 20 unacknowledged messages and nothing more
    # for any station.
    wait_until(lambda: Reading.objects.count() == 24, timeout_s=60,
               what="the 24 good readings published after the poison")
    wait_until(lambda: DeadLetter.objects.count() + RejectedLine.objects.count() >=
               len(letters) + len(bad_readings), timeout_s=30,
               what="a dead letter (or a rejected line) of every poison message")
    kept = {letter.sha256: letter for letter in DeadLetter.objects.all()}
    for topic, payload, door, field in letters:
        letter = kept.get(_sha(payload))
        assert letter is not None, f"no dead letter for {payload[:80]!r} on {topic}"
        assert (letter.door, letter.source, letter.field) == (door, topic, field)
        assert letter.size_bytes == len(payload)
        assert bytes(letter.payload) == payload[:len(bytes(letter.payload))]
    refused_alone = [p for _, p in bad_readings if _sha(p) not in kept]
    assert RejectedLine.objects.filter(station__code="HN-GAMMA-01").count() >= \
        len(refused_alone)
    assert Reading.objects.filter(via="mqtt").count() == 24
    assert not Reading.objects.filter(observed_at__minute=59).exists()  # naming another


@pytest.mark.mqtt
@pytest.mark.django_db(transaction=True)
def test_a_message_naming_another_station_is_refused_and_nothing_is_filed_under_the_token(
        mqtt_ingest, stations):
    _, config = mqtt_ingest
    own, other = "HN-GAMMA-01", "DN-GAMMA-01"
    naming_other = _message(stations[own], _reading(0, 0.9), _reading(5, 0.9), station=other)
    _publish(config, [(f"ungpho/{own}/readings", naming_other),
                      (f"ungpho/{own}/readings", _message(stations[own], _reading(30)))])
    wait_until(lambda: Reading.objects.count() == 1 and DeadLetter.objects.exists(),
               timeout_s=20, what="the later message stored and the dead letter kept")
    letter = DeadLetter.objects.get()
    assert (letter.door, letter.field) == ("mqtt", "station")
    assert own in letter.reason and other in letter.reason
    assert list(Reading.objects.values_list("station__code", "observed_at__minute")) == \
        [(own, 30)]


@pytest.mark.django_db(transaction=True)
def test_a_batch_the_database_refuses_stores_every_message_but_the_one_at_fault(stations):
    """The database itself refuses one station's readings (a trigger): the batch is stored
    message by message, and only that station's message becomes a dead letter."""
    from ungpho.monitoring.doors.mqtt_messages import messages_store
    from ungpho.monitoring.models import Station

    refused = Station.objects.get(code="DN-GAMMA-01").pk
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                           "$$ BEGIN RAISE EXCEPTION 'refused by the test' USING ERRCODE = "
                           "'check_violation'; END $$")
            cursor.execute(f"CREATE TRIGGER test_refuse BEFORE INSERT ON monitoring_reading "
                           f"FOR EACH ROW WHEN (NEW.station_id = {refused}) "
                           f"EXECUTE FUNCTION test_refuse()")
        else:
            cursor.execute(f"CREATE TRIGGER test_refuse BEFORE INSERT ON monitoring_reading "
                           f"WHEN NEW.station_id = {refused} BEGIN "
                           f"SELECT RAISE(ABORT, 'refused by the test'); END")
    try:
        outcomes = messages_store(_good(stations))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER test_refuse" + (
                " ON monitoring_reading" if connection.vendor == "postgresql" else ""))
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION test_refuse()")
    assert [("dead_letter" in o, o.get("stored")) for o in outcomes] == \
        [(False, 2), (True, None), (False, 2)] * 4
    assert Reading.objects.count() == 16
    assert set(DeadLetter.objects.values_list("source", flat=True)) == \
        {"ungpho/DN-GAMMA-01/readings"}
    assert "refused by the test" in DeadLetter.objects.first().reason


@pytest.mark.django_db(transaction=True)
def test_a_dead_letter_is_retried_through_the_same_ingest_once_its_cause_is_fixed(
        stations, settings):
    from ungpho.monitoring.doors.mqtt_messages import messages_store

    topic = "ungpho/HN-GAMMA-01/readings"
    big = _message(stations["HN-GAMMA-01"], *[_reading(m) for m in range(0, 60, 5)],
                   note="x" * 2000)
    forged = _message("ung_forged", _reading(0))
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    outcomes = messages_store([(topic, big), (topic, forged)])
    assert [o["field"] for o in outcomes] == ["payload", "token"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096  # the operator raises the limit

    resolved, summary = deadletter_retry(DeadLetter.objects.get(sha256=_sha(big)))
    assert resolved and summary.startswith("12 stored")
    assert Reading.objects.count() == 12
    resolved, reason = deadletter_retry(DeadLetter.objects.get(sha256=_sha(forged)))
    assert not resolved and "not a valid token" in reason
    assert DeadLetter.objects.get(sha256=_sha(forged)).attempts == 1
    assert DeadLetter.objects.filter(resolved_at__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_tracker_message_dead_letter_is_retried_once_the_tracker_is_enabled(db):
    import datetime as dt

    from ungpho.monitoring.doors.mqtt_messages import messages_store
    from ungpho.preparedness.models import TrackerPosition
    from ungpho.preparedness.services import facility_upsert, source_register
    from ungpho.preparedness.trackers import tracker_enable

    facility_upsert(code="ndt-hp", name="NDT Hải Phòng", kind="industrial_radiography",
                    lat=20.8449, lon=106.6881)
    source = source_register(serial="IR-1", nuclide="Ir-192", activity="3.7 TBq",
                             reference_date=dt.date(2026, 10, 1), facility_code="ndt-hp",
                             mobile=True, permitted_area={"type": "Polygon", "coordinates": [
                                 [[106.6, 20.8], [106.8, 20.8], [106.8, 20.9], [106.6, 20.8]]]})
    token = tracker_enable(source=source, interval_s=300)
    payload = json.dumps({"token": token, "positions": [
        {"time": "2026-11-21T09:00:00+07:00", "lat": 20.84, "lon": 106.7}]}).encode()
    [outcome] = messages_store([("ungpho/trackers/IR-2/positions", payload)])  # a typo
    letter = DeadLetter.objects.get(pk=outcome["dead_letter"])
    assert (letter.door, letter.field) == ("tracker", "token")
    assert deadletter_retry(letter)[0] is False  # the same topic: still not IR-2's token
    DeadLetter.objects.filter(pk=letter.pk).update(source="ungpho/trackers/IR-1/positions")
    letter.refresh_from_db()
    assert deadletter_retry(letter) == (True, "1 stored, 0 already stored, 0 rejected")
    assert TrackerPosition.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_burst_beyond_the_default_broker_queue_is_stored_whole(default_broker, stations):
    """Mosquitto's defaults queue 1,000 messages per client beyond 20 in flight and drop
    the rest; the door lets the broker send it everything at once, so a burst of 3,000
    (a 2,000-station network's five-minute round, and more) loses nothing."""
    door = MqttIngest(default_broker.config, client_id=f"ungpho-test-{uuid.uuid4().hex[:6]}")
    door.start()
    try:
        wait_until(door.subscribed.is_set, timeout_s=10, what="the subscription")
        burst = [(f"ungpho/{code}/readings",
                  _message(token, _reading(k % 60, hour=k // 60 % 24, value=0.1 + k / 1e4)))
                 for k in range(1000) for code, token in stations.items()]
        _publish(default_broker.config, burst)
        wait_until(lambda: Reading.objects.count() == 3000, timeout_s=120, every_s=0.5,
                   what="every reading of the burst")
    finally:
        door.stop()
    assert not DeadLetter.objects.exists()


# Real `ungpho worker` processes (tests/e2e/conftest.py) --------------------------------

STATIONS_SNIPPET = """
import django, json; django.setup()
from ungpho.monitoring import services as m
tokens = {}
for i in range(20):
    s = m.station_upsert(code=f"GM-{i:02d}", name=f"Trạm GM-{i:02d}", province_code="01",
                         type="ambient_air",
                         lat=21.0 + i / 100, lon=105.8)
    tokens[s.code] = m.station_token_issue(station=s)
print(json.dumps(tokens))
"""
SYMBOLS = ("PM2,5", "PM10", "NO2", "SO2", "CO", "O3", "Temp", "RH", "WS", "WD")


def _python(env: dict, snippet: str) -> str:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", snippet], cwd=REPO, capture_output=True,
                          text=True, check=True,
                          env={**env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"}
                          ).stdout.strip().splitlines()[-1]


def _counts(env: dict) -> tuple[int, int]:
    """(readings, distinct station-parameter-time keys), straight from the database."""
    query = ("SELECT count(*), count(DISTINCT station_id || '/' || parameter_id || '/' || "
             "observed_at) FROM monitoring_reading")
    if env.get("DATABASE_URL"):
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return conn.execute(query).fetchone()
    import sqlite3

    with sqlite3.connect(Path(env["UNGPHO_DATA_DIR"]) / "ungpho.sqlite3", timeout=10) as conn:
        return conn.execute(query).fetchone()


def _ten_readings(code: str, token: str, step: int) -> bytes:
    """A station's message of 10 readings, 5 minutes after its previous one."""
    moment = time.gmtime(1_795_000_000 + 300 * step + 7 * 3600)
    stamp = time.strftime("%Y-%m-%dT%H:%M:00+07:00", moment)
    return json.dumps({"token": token, "readings": [
        {"parameter": symbol, "time": stamp, "value": 10.0 + (step * 7 + k) % 13}
        for k, symbol in enumerate(SYMBOLS)]}).encode()


def _settled(env: dict, quiet_s: float = 3.0) -> int:
    """The readings stored once their count has not moved for ``quiet_s``."""
    count = _counts(env)[0]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = _counts(env)[0]
        if now == count:
            return count
        count = now
    raise AssertionError(f"readings still being stored after 180 s ({count})")


def _worker_log(env: dict, number: int) -> str:
    path = Path(env["UNGPHO_DATA_DIR"]).parent / f"worker-{number}.log"
    return path.read_text(errors="replace") if path.exists() else ""


@pytest.mark.e2e
def test_two_workers_split_the_stream_and_one_killed_mid_stream_loses_nothing(
        processes, ungpho_env, private_broker):
    tokens = json.loads(_python(ungpho_env, STATIONS_SNIPPET))
    ungpho_env.update({"MQTT_URL": private_broker.url, "UNGPHO_MQTT_GROUP": "ungpho"})
    processes.start("worker")
    wait_until(lambda: "subscribed" in _worker_log(ungpho_env, 0), timeout_s=60,
               what="worker 0 to subscribe")
    victim = processes.start("worker")
    wait_until(lambda: "subscribed" in _worker_log(ungpho_env, 1), timeout_s=60,
               what="worker 1 to subscribe")
    steps = 120
    stream = [(f"ungpho/{code}/readings", _ten_readings(code, token, step))
              for step in range(steps) for code, token in tokens.items()]
    expected = len(stream) * len(SYMBOLS)  # 2,400 messages, 24,000 readings

    publisher = threading.Thread(target=_publish, args=(private_broker.config, stream),
                                 kwargs={"per_second": 400})
    publisher.start()
    wait_until(lambda: _counts(ungpho_env)[0] >= expected // 8, timeout_s=120, every_s=0.05,
               what="the first readings of the stream")
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    publisher.join(timeout=300)
    assert not publisher.is_alive()

    # The other worker stores its share; the killed one's share waits in the broker for it.
    assert _settled(ungpho_env) < expected, "the killed worker had no share of the stream"

    processes.start("worker")
    wait_until(lambda: _counts(ungpho_env)[0] == expected, timeout_s=240, every_s=0.5,
               what="every reading once the killed worker is back")
    time.sleep(2)
    assert _counts(ungpho_env) == (expected, expected)  # 0 lost, 0 duplicated
    ids = [re.search(r"MQTT subscribed to .* as (\S+)", _worker_log(ungpho_env, n))[1]
           for n in range(3)]
    assert ids[0] != ids[1] and ids[2] == ids[1], ids  # its own client id, taken back
    assert "already connected" not in private_broker.log()  # nobody evicted anybody
