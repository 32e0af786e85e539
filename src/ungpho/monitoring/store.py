"""Bulk writes of readings and series: the only large table gets plain SQL (DESIGN.md:
executemany on SQLite, COPY on PostgreSQL), idempotent through the reading key."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.db import connection, transaction

from ungpho.monitoring.models import Reading, Series

READING_COLUMNS = ("station_id", "parameter_id", "observed_at", "value", "flags",
                   "received_at", "via")
#: A row of ``READING_COLUMNS``; times as aware UTC datetimes.
ReadingRow = tuple[int, int, dt.datetime, float, int, dt.datetime, str]

_READINGS = Reading._meta.db_table
_SERIES = Series._meta.db_table
_SERIES_COLUMNS = ("station_id", "parameter_id", "last_at", "last_value", "last_flags",
                   "qc_state", "exceedance_state", "level", "stored_to")


class TimeText(dict):
    """Datetime → the text the database adapter would write, cached: a file repeats one
    time on all its lines, a batch one reception time on all its rows."""

    def __init__(self, adapt):
        super().__init__()
        self.adapt = adapt

    def __missing__(self, moment: dt.datetime) -> str:
        text = self[moment] = self.adapt(moment)
        return text


def sqlite_time(moment: dt.datetime | None) -> str | None:
    """What Django's SQLite backend stores for an aware datetime with USE_TZ (naive UTC
    text), without its per-call checks."""
    return None if moment is None else str(moment.astimezone(dt.UTC).replace(tzinfo=None))


def _pg_time(moment: dt.datetime) -> str:
    return moment.isoformat()


class _SomeWereKnown(Exception):
    """The fast path met duplicates: undo it and count group by group."""


def readings_insert(groups: Sequence[Sequence[ReadingRow]],
                    surely_new: Sequence[bool]) -> list[int]:
    """Insert groups of rows (one group per door batch), skipping rows whose (station,
    parameter, time) exists or came earlier in the call; returns how many rows of each group
    were new. Must run inside the caller's transaction.

    A group marked surely new (every row after all that is stored of its series, see
    ``Series.stored_to``) is written as it is — on PostgreSQL by COPY straight into the
    table — and counts whole. The others are written after them and counted one by one:
    SQLite, one executemany per group, whose row count is the group's; PostgreSQL, COPY into
    a staging table, then one INSERT … ON CONFLICT DO NOTHING returning the new keys.
    """
    sure = {i for i, new in enumerate(surely_new) if new and groups[i]}
    postgresql = connection.vendor == "postgresql"
    if sure and not (_pg_copy_new if postgresql else _sqlite_new)(
            [groups[i] for i in sorted(sure)]):
        sure = set()  # not so sure after all: count every group
    counts = [len(groups[i]) if i in sure else 0 for i in range(len(groups))]
    unsure = [i for i in range(len(groups)) if i not in sure and groups[i]]
    if unsure:
        counted = (_pg_by_group if postgresql else _sqlite_by_group)([groups[i] for i in unsure])
        for i, count in zip(unsure, counted, strict=True):
            counts[i] = count
    return counts


_SQLITE_INSERT = (f"INSERT OR IGNORE INTO {_READINGS} ({', '.join(READING_COLUMNS)}) "
                  f"VALUES ({', '.join('?' * len(READING_COLUMNS))})")


def _sqlite_rows(rows: Sequence[ReadingRow], times: TimeText):
    return [(s, p, times[o], v, f, times[r], via) for s, p, o, v, f, r, via in rows]


def _sqlite_new(groups) -> bool:
    """One executemany of rows known to be new; False (nothing kept) if some were not."""
    times = TimeText(sqlite_time)
    total = sum(len(rows) for rows in groups)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.connection.cursor()
            raw.executemany(_SQLITE_INSERT, [row for rows in groups
                                             for row in _sqlite_rows(rows, times)])
            if raw.rowcount != total:
                raise _SomeWereKnown
    except _SomeWereKnown:
        return False
    return True


def _sqlite_by_group(groups) -> list[int]:
    times = TimeText(sqlite_time)
    counts = []
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        for rows in groups:
            if rows:
                raw.executemany(_SQLITE_INSERT, _sqlite_rows(rows, times))
            counts.append(raw.rowcount if rows else 0)
    return counts


_PG_COLUMNS = ", ".join(READING_COLUMNS)


def _pg_text(groups) -> str:
    times = TimeText(_pg_time)
    buffer = io.StringIO()
    for rows in groups:
        buffer.writelines(f"{s}\t{p}\t{times[o]}\t{v!r}\t{f}\t{times[r]}\t{via}\n"
                          for s, p, o, v, f, r, via in rows)
    return buffer.getvalue()


def _pg_copy_new(groups) -> bool:
    """COPY rows known to be new straight into the table; False (nothing kept) if one was
    not after all."""
    from psycopg.errors import UniqueViolation  # raw COPY: psycopg's error, not Django's

    try:
        with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {_READINGS} ({_PG_COLUMNS}) FROM STDIN") as copy:
            copy.write(_pg_text(groups))
    except UniqueViolation:
        return False
    return True


def _pg_stage(cursor, groups) -> None:
    """COPY the rows into a session-local table, emptied at commit."""
    cursor.execute("CREATE TEMP TABLE IF NOT EXISTS ungpho_reading_in (station_id bigint, "
                   "parameter_id bigint, observed_at timestamptz, value double precision, "
                   "flags integer, received_at timestamptz, via varchar(8)) "
                   "ON COMMIT DELETE ROWS")
    cursor.execute("TRUNCATE ungpho_reading_in")
    with cursor.cursor.copy(f"COPY ungpho_reading_in ({_PG_COLUMNS}) FROM STDIN") as copy:
        copy.write(_pg_text(groups))


_PG_INSERT = (f"INSERT INTO {_READINGS} ({_PG_COLUMNS}) SELECT {_PG_COLUMNS} "
              "FROM ungpho_reading_in ON CONFLICT (station_id, parameter_id, observed_at) "
              "DO NOTHING")


def _pg_by_group(groups) -> list[int]:
    with connection.cursor() as cursor:
        _pg_stage(cursor, groups)
        cursor.execute(_PG_INSERT + " RETURNING station_id, parameter_id, observed_at")
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
        cursor.executemany(sql, [(s, p, adapt(at), *rest, adapt(to))
                                 for s, p, at, *rest, to in rows])
