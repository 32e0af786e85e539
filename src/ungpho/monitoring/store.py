"""Bulk writes of readings and series: the only large table gets plain SQL (DESIGN.md:
executemany on SQLite, COPY on PostgreSQL), idempotent through the reading key."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.db import connection

from ungpho.monitoring.models import Reading, Series

READING_COLUMNS = ("station_id", "parameter_id", "observed_at", "value", "flags",
                   "received_at", "via")
#: A row of ``READING_COLUMNS``; times as aware UTC datetimes.
ReadingRow = tuple[int, int, dt.datetime, float, int, dt.datetime, str]

_READINGS = Reading._meta.db_table
_SERIES = Series._meta.db_table
_SERIES_COLUMNS = ("station_id", "parameter_id", "last_at", "last_value", "last_flags",
                   "qc_state", "exceedance_state", "level")


class _TimeText(dict):
    """Datetime → the text the database adapter would write, cached: a file repeats one
    time on all its lines, a batch one reception time on all its rows."""

    def __init__(self, adapt):
        super().__init__()
        self.adapt = adapt

    def __missing__(self, moment: dt.datetime) -> str:
        text = self[moment] = self.adapt(moment)
        return text


def _sqlite_time(moment: dt.datetime) -> str:
    # What Django's SQLite backend stores for an aware datetime with USE_TZ: naive UTC text.
    return str(moment.astimezone(dt.UTC).replace(tzinfo=None))


def _pg_time(moment: dt.datetime) -> str:
    return moment.isoformat()


def readings_insert(groups: Sequence[Sequence[ReadingRow]]) -> list[int]:
    """Insert groups of rows (one group per door batch), skipping rows whose (station,
    parameter, time) exists or came earlier in the call; returns how many rows of each group
    were new. Must run inside the caller's transaction."""
    if connection.vendor == "postgresql":
        return _pg_insert(groups)
    times = _TimeText(_sqlite_time)
    placeholders = ", ".join("?" * len(READING_COLUMNS))
    sql = (f"INSERT OR IGNORE INTO {_READINGS} ({', '.join(READING_COLUMNS)}) "
           f"VALUES ({placeholders})")
    counts = []
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()  # sqlite3's own executemany, no per-row adaptation
        for rows in groups:
            if rows:
                raw.executemany(sql, [(s, p, times[o], v, f, times[r], via)
                                      for s, p, o, v, f, r, via in rows])
            counts.append(raw.rowcount if rows else 0)
    return counts


def _pg_insert(groups: Sequence[Sequence[ReadingRow]]) -> list[int]:
    times = _TimeText(_pg_time)
    buffer = io.StringIO()
    for rows in groups:
        buffer.writelines(f"{s}\t{p}\t{times[o]}\t{v!r}\t{f}\t{times[r]}\t{via}\n"
                          for s, p, o, v, f, r, via in rows)
    columns = ", ".join(READING_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS ungpho_reading_in (station_id bigint, "
                       "parameter_id bigint, observed_at timestamptz, value double precision, "
                       "flags integer, received_at timestamptz, via varchar(8)) "
                       "ON COMMIT DELETE ROWS")
        cursor.execute("TRUNCATE ungpho_reading_in")
        with cursor.cursor.copy(f"COPY ungpho_reading_in ({columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        cursor.execute(
            f"INSERT INTO {_READINGS} ({columns}) SELECT DISTINCT ON (station_id, parameter_id,"
            f" observed_at) {columns} FROM ungpho_reading_in "
            "ON CONFLICT (station_id, parameter_id, observed_at) DO NOTHING "
            "RETURNING station_id, parameter_id, observed_at")
        new = set(cursor.fetchall())
    counts = []
    for rows in groups:  # a key counts for the first group that has it
        count = 0
        for row in rows:
            key = row[:3]
            if key in new:
                new.discard(key)
                count += 1
        counts.append(count)
    return counts


def series_upsert(rows: Sequence[tuple]) -> None:
    """Write the live front of each touched series (rows of ``_SERIES_COLUMNS``, JSON
    fields as text) in one statement per batch."""
    if not rows:
        return
    adapt = connection.ops.adapt_datetimefield_value
    marks = ", ".join(["%s"] * len(_SERIES_COLUMNS))
    updates = ", ".join(f"{c} = excluded.{c}" for c in _SERIES_COLUMNS[2:])
    # ``averages`` belongs to the worker's judgement of means: set on insert, never updated.
    sql = (f"INSERT INTO {_SERIES} ({', '.join(_SERIES_COLUMNS)}, averages) "
           f"VALUES ({marks}, '{{}}') "
           f"ON CONFLICT (station_id, parameter_id) DO UPDATE SET {updates}")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(s, p, adapt(at), *rest) for s, p, at, *rest in rows])
