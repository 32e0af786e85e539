"""The duty desk with many open reports: ``GET /duty/reports`` (the table htmx polls) and
``GET /duty/`` (the whole page), as a national duty officer sees them.

    .venv/bin/python benchmarks/duty_desk.py [--reports 1000] [--incidents 50] [--repeat 20]
                                             [--postgres URL]

Fills a throw-away database (see ``ingest_files.database_start``) with ``--reports`` open
reports (calls, lost sources and station exceedances spread over the country and the last
day) and ``--incidents`` open incidents with their legal deadlines, half of them classified;
then renders both pages through Django's test client (the whole request: middleware, queries,
templates, duplicate suggestions): one warm-up, then the median of ``--repeat``. Issue 6
target: ≤ 300 ms with 1,000 open reports. Asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_files import database_start  # noqa: E402 (the folder is put on the path above)

TARGET_MS = 300.0


def desk_fill(*, reports: int, incidents: int, seed: int = 1) -> None:
    from ungpho.core.rules.loader import RULES_DIR
    from ungpho.geo.models import Province
    from ungpho.incidents.lifecycle import incident_classify, incident_open
    from ungpho.incidents.models import IncidentReport

    rng = random.Random(seed)
    provinces = list(Province.objects.values_list("code", "centre_lat", "centre_lon"))
    now = dt.datetime.now(dt.UTC)
    rows = []
    for _ in range(reports):
        code, lat, lon = rng.choice(provinces)
        at = now - dt.timedelta(minutes=rng.uniform(0, 24 * 60))
        rows.append(IncidentReport(
            source=IncidentReport.Source.CALL, province_id=code,
            lat=lat + rng.uniform(-0.2, 0.2), lon=lon + rng.uniform(-0.2, 0.2),
            first_information_at=at, opened_at=at, updated_at=at))
    created = IncidentReport.objects.bulk_create(rows)
    facts = (RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(encoding="utf-8")
    for k, report in enumerate(created[:incidents]):
        incident = incident_open(report=report, by=None)
        if k % 2 == 0:
            incident_classify(incident=incident, facts=json.loads(facts), by=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--incidents", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", metavar="URL",
                        help="PostgreSQL server to create the scratch database on")
    args = parser.parse_args()
    drop = database_start(args.postgres)
    try:
        _run(args)
    finally:
        drop()


def _time(client, url: str, repeat: int) -> tuple[list[float], int]:
    size = len(client.get(url).content)  # warm-up: connection, template cache
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        answer = client.get(url)
        times.append(time.perf_counter() - t0)
        assert answer.status_code == 200, answer.status_code
    return times, size


def _run(args) -> None:
    from django.db import connection
    from django.test import Client

    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert

    t0 = time.perf_counter()
    desk_fill(reports=args.reports, incidents=args.incidents)
    fill_s = time.perf_counter() - t0
    officer = user_upsert(username="bench-truc-ban", password=None, role=Role.NATIONAL_DUTY)
    client = Client(HTTP_HOST="127.0.0.1")  # the test environment's template hooks stay off
    client.force_login(officer)
    print(f"database             {connection.vendor}")
    print(f"open                 {args.reports:,} reports, {args.incidents} incidents "
          f"(filled in {fill_s:.1f} s)")
    for name, url in (("reports table", "/duty/reports"), ("whole page", "/duty/")):
        times, size = _time(client, url, args.repeat)
        median_ms = statistics.median(times) * 1000
        print(f"{name:<20} median {median_ms:.0f} ms, min {min(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms over {args.repeat} ({size / 1e3:.0f} kB; "
              f"target ≤ {TARGET_MS:.0f} ms: {median_ms / TARGET_MS:.2f} of it, "
              f"{'met' if median_ms <= TARGET_MS else 'NOT met'})")


if __name__ == "__main__":
    sys.exit(main())
