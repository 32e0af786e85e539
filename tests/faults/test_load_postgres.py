"""PostgreSQL under 20 concurrent clients (issue 20, finding 3): ``ungpho web`` kept a
connection per request thread, so 20 stations posting at once opened connections until the
server refused them ("too many clients"), a quarter of the posts answered 500 and the
connections stayed open after the load. Now each process holds at most the pool's maximum
and lets them go when the load stops.

The server's headroom is made small and certain without touching ``max_connections``: the
web server and the worker log in as a role of their own whose ``CONNECTION LIMIT`` is what
the two pools may hold together, plus two."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import REPO, ungpho, wait_until
from tests.e2e.conftest import Processes

pytestmark = pytest.mark.e2e

CLIENTS = 20
LOAD_S = 12.0
POOL_MAX = 4
BATCH_MINUTES = 100
STATIONS_SNIPPET = """
import django; django.setup()
from ungpho.monitoring import services as m
from ungpho.monitoring.models import Parameter
gamma = Parameter.objects.get(code="GammaDR")
for i in range({clients}):
    s = m.station_upsert(code=f"LOAD-{{i:02d}}", name=f"Trạm tải {{i}}", province_code="01",
                         lat=21.0 + i / 100, lon=105.8)
    m.threshold_set(station=s, parameter=gamma, level_1=100.0)
    print(s.code, m.station_token_issue(station=s))
"""


@pytest.fixture
def limited_database(on_postgresql):
    """A new database owned by a new role that may hold 2 × POOL_MAX + 2 connections;
    (its URL, the role, a superuser connection to watch it). Both dropped afterwards."""
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    admin = psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)
    suffix = uuid.uuid4().hex[:10]
    role, name = f"ungpho_load_{suffix}", f"ungpho_load_{suffix}"
    admin.execute(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT {2 * POOL_MAX + 2}')
    admin.execute(f'CREATE DATABASE "{name}" OWNER "{role}"')
    netloc = f"{role}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    yield urlunsplit(parts._replace(netloc=netloc, path=f"/{name}")), role, admin
    admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.execute(f'DROP ROLE "{role}"')
    admin.close()


def _connections(admin, role: str) -> Counter:
    rows = admin.execute("SELECT application_name, count(*) FROM pg_stat_activity "
                         "WHERE usename = %s GROUP BY 1", [role]).fetchall()
    return Counter(dict(rows))


def _post_batches(port: int, code: str, token: str, start: dt.datetime, stop: threading.Event,
                  answers: Counter, lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    batch = 0
    while not stop.is_set():
        readings = [{"parameter": "GammaDR", "unit": "µSv/h", "value": 0.1 + k / 1000,
                     "time": (start + dt.timedelta(minutes=batch * BATCH_MINUTES + k))
                     .isoformat()} for k in range(BATCH_MINUTES)]
        batch += 1
        try:
            conn.request("POST", "/api/v1/readings", json.dumps(
                {"station": code, "readings": readings}), headers)
            answer = conn.getresponse()
            outcome = str(answer.status) if answer.status == 201 else \
                f"{answer.status} {answer.read()[:200]!r}"
            answer.read()
        except (OSError, http.client.HTTPException) as error:
            conn.close()
            outcome = f"no answer: {error!r}"
        with lock:
            answers[outcome] += 1


def test_twenty_concurrent_clients_get_no_error_and_connections_stay_within_the_pool(
        limited_database, tmp_path):
    url, role, admin = limited_database
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "MQTT_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"UNGPHO_DATA_DIR": str(tmp_path / "data"), "UNGPHO_WORKER_POLL_S": "0.2",
                "PYTHONPATH": str(REPO / "src"), "PYTHONUNBUFFERED": "1", "DATABASE_URL": url,
                "UNGPHO_DB_POOL_MAX": str(POOL_MAX), "UNGPHO_DB_POOL_IDLE_S": "0.5"})
    ungpho("migrate", env=env)
    stations = [line.split() for line in subprocess.run(
        [sys.executable, "-c", STATIONS_SNIPPET.format(clients=CLIENTS)],
        env={**env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"}, cwd=REPO, check=True,
        capture_output=True, text=True).stdout.split("\n") if line.startswith("LOAD-")]
    assert len(stations) == CLIENTS

    procs = Processes(env, tmp_path)
    try:
        port = int(urlsplit(procs.web()).port)
        procs.start("worker")
        peak: Counter = Counter()
        sampling, stop, lock, answers = threading.Event(), threading.Event(), \
            threading.Lock(), Counter()

        def sample():
            while not sampling.is_set():
                for name, count in _connections(admin, role).items():
                    peak[name] = max(peak[name], count)
                sampling.wait(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        start = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) - dt.timedelta(days=30)
        clients = [threading.Thread(target=_post_batches, args=(
            port, code, token, start + dt.timedelta(days=i), stop, answers, lock))
            for i, (code, token) in enumerate(stations)]
        for client in clients:
            client.start()
        time.sleep(LOAD_S)
        stop.set()
        for client in clients:
            client.join()
        sampling.set()
        sampler.join()

        errors = {outcome: n for outcome, n in answers.items() if outcome != "201"}
        assert answers["201"] >= CLIENTS and not errors, \
            f"{answers['201']} posts stored, errors: {errors}"
        assert peak["ungpho web"] <= POOL_MAX and peak["ungpho worker"] <= POOL_MAX, peak
        # The load is over: the web server's pool closes what it no longer uses.
        wait_until(lambda: _connections(admin, role)["ungpho web"] == 0, timeout_s=30,
                   what=f"the web server's connections to close (peak {dict(peak)})")
    finally:
        procs.stop_all()


def test_check_counts_the_connections_to_this_database_by_program(transactional_db,
                                                                   on_postgresql):
    import psycopg
    from django.db import connection

    from ungpho.cli.checks import check_connections

    where = connection.settings_dict
    with psycopg.connect(dbname=where["NAME"], user=where["USER"], host=where["HOST"],
                         port=where["PORT"] or None, application_name="ungpho probe"):
        result = check_connections()
    assert result.ok, result
    assert "ungpho probe 1" in result.detail
    assert re.search(r"\d+ of max_connections \d+ on the server", result.detail), result.detail
    assert f"at most {where['OPTIONS']['pool']['max_size']} per process" in result.detail
