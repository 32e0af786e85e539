"""The keyed audit chain: appending, anchoring and verifying (docs/audit.md).

    .venv/bin/python benchmarks/audit_verify.py [--entries 100000] [--incidents 100]
                                                [--notes 20] [--postgres URL]

Fills a throw-away database (SQLite in a temporary UNGPHO_DATA_DIR, or ``ungpho_bench_*``
created on the ``--postgres`` server and dropped after) with ``--entries`` audit entries
through ``audit_record`` (1,000 per transaction, as a busy service would), and ``--incidents``
incidents with ``--notes`` notes each through the services (each note: a log entry and its
image). Then times the first anchor (which verifies the whole chain), ``audit verify`` and
``audit verify --deep``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_files import database_start  # noqa: E402 (the folder is put on the path above)


def entries_write(count: int) -> float:
    from django.db import transaction

    from ungpho.audit.services import audit_record

    started = time.perf_counter()
    for first in range(0, count, 1000):
        with transaction.atomic():
            for i in range(first, min(first + 1000, count)):
                audit_record(by=None, action="bench.write", object_type="bench.row",
                             object_id=str(i), after={"i": i, "value": i * 0.5})
    return time.perf_counter() - started


def incidents_write(incidents: int, notes: int) -> tuple[int, float]:
    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert
    from ungpho.incidents.lifecycle import incident_note, incident_open
    from ungpho.incidents.models import IncidentReport

    officer = user_upsert(username="bench", password="mat-khau-dai-123", email="b@x.vn",
                          role=Role.NATIONAL_DUTY)
    written, started = 0, time.perf_counter()
    for _ in range(incidents):
        at = dt.datetime.now(dt.UTC)
        report = IncidentReport.objects.create(source="call", province_id="01", lat=21.0,
                                               lon=105.8, first_information_at=at, opened_at=at,
                                               updated_at=at)
        incident = incident_open(report=report, by=officer)
        for n in range(notes):
            incident_note(incident=incident, text=f"Ghi chú {n}", by=officer)
            written += 1
    return written, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=100)
    parser.add_argument("--notes", type=int, default=20)
    parser.add_argument("--postgres", metavar="URL")
    args = parser.parse_args()
    drop = database_start(args.postgres)
    try:
        from django.db import connection

        from ungpho.audit.anchoring import audit_anchor
        from ungpho.audit.models import AuditEntry
        from ungpho.audit.verify import audit_verify

        print(f"database: {connection.vendor}")
        seconds = entries_write(args.entries)
        print(f"append: {args.entries:,} entries in {seconds:.1f} s = "
              f"{args.entries / seconds:,.0f} entries/s ({seconds / args.entries * 1e6:.0f} µs "
              f"each)")
        notes, seconds = incidents_write(args.incidents, args.notes)
        print(f"incident notes (log entry + its image): {notes:,} in {seconds:.1f} s = "
              f"{seconds / notes * 1e3:.1f} ms each")
        total = AuditEntry.objects.count()
        started = time.perf_counter()
        audit_anchor(force=True)
        seconds = time.perf_counter() - started
        print(f"first anchor (verifies the whole chain): {total:,} entries in {seconds:.1f} s "
              f"= {total / seconds:,.0f} entries/s")
        for deep in (False, True):
            started = time.perf_counter()
            report = audit_verify(deep=deep)
            seconds = time.perf_counter() - started
            rows = sum(report.rows.values())
            print(f"audit verify{' --deep' if deep else ''}: {report.status}, "
                  f"{report.entries:,} entries and {rows:,} rows in {seconds:.1f} s = "
                  f"{report.entries / seconds:,.0f} entries/s")
    finally:
        drop()


if __name__ == "__main__":
    main()
