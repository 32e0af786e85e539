"""Readings ingestion throughput through the whole HTTP path (API → service → DB → threshold).

    .venv/bin/python benchmarks/ingest_readings.py [--stations 50] [--batches 20] [--per-batch 12]

Runs against a throw-away database: SQLite under a temporary data dir, or PostgreSQL when
DATABASE_URL is set (a database named ungpho_bench_* is created there and dropped). Prints
figures and the ratio to the design load (1,000 stations × 10 parameters every 5 minutes =
33.3 readings/s, DESIGN.md "Scale"); asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

DESIGN_LOAD_READINGS_S = 1000 * 10 / 300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--batches", type=int, default=20, help="batches per station")
    parser.add_argument("--per-batch", type=int, default=12, help="readings per batch")
    args = parser.parse_args()

    os.environ["UNGPHO_DATA_DIR"] = tempfile.mkdtemp(prefix="ungpho-bench-")
    admin_url = os.environ.get("DATABASE_URL")
    if admin_url:
        import psycopg

        name = f"ungpho_bench_{uuid.uuid4().hex[:8]}"
        admin = urlunsplit(urlsplit(admin_url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ungpho.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from ungpho.monitoring import services as m
    from ungpho.monitoring.models import Reading

    call_command("migrate", verbosity=0)
    gamma = m.parameter_upsert(code="GammaDR", name_vi="Suất liều gamma", name_en="Gamma",
                               unit="µSv/h")
    tokens = []
    for i in range(args.stations):
        station = m.station_upsert(code=f"B-{i:04d}", name=f"Trạm {i}", province_code="01",
                                   lat=21.0, lon=105.8)
        m.threshold_set(station=station, parameter=gamma, limit_value=100.0)
        tokens.append(m.station_token_issue(station=station))

    client = Client(HTTP_HOST="127.0.0.1")
    latencies = []
    start = time.perf_counter()
    for b in range(args.batches):
        for token in tokens:
            items = [{"parameter": "GammaDR", "value": 0.1 + 0.001 * k,
                      "time": f"2026-11-{1 + b // 24:02d}T{b % 24:02d}:{k * 5 % 60:02d}:00+07:00"}
                     for k in range(args.per_batch)]
            t0 = time.perf_counter()
            response = client.post("/api/v1/readings", {"readings": items},
                                   content_type="application/json",
                                   headers={"Authorization": f"Bearer {token}"})
            latencies.append(time.perf_counter() - t0)
            assert response.status_code == 201, response.content
    elapsed = time.perf_counter() - start
    stored = Reading.objects.count()
    latencies.sort()
    rate = stored / elapsed
    print(f"database            {connection.vendor}")
    print(f"readings stored     {stored} in {len(latencies)} batches of {args.per_batch}")
    print(f"elapsed             {elapsed:.2f} s")
    print(f"throughput          {rate:.0f} readings/s ({len(latencies) / elapsed:.0f} batches/s)")
    print(f"batch latency       p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms")
    print(f"× design load       {rate / DESIGN_LOAD_READINGS_S:.1f} "
          f"(design: {DESIGN_LOAD_READINGS_S:.1f} readings/s)")
    if admin_url:
        connection.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
