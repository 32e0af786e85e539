"""Bulk writes of readings and series, and the bulk read of the series' live fronts: the
only large table gets plain SQL (DESIGN.md: bulk
statements on SQLite — here many rows per INSERT, faster to bind than executemany — and COPY
on PostgreSQL, in its binary format for readings), idempotent through the reading key."""

from __future__ import annotations

import datetime as dt
import json
import struct
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from functools import lru_cache
from itertools import chain
from sqlite3 import SQLITE_LIMIT_VARIABLE_NUMBER

from django.db import connection, transaction

from ungpho.monitoring.models import Reading, Series

READING_COLUMNS = ("station_id", "parameter_id", "observed_at", "value", "flags",
                   "received_at", "via")
#: A row of ``READING_COLUMNS``; times as aware UTC datetimes.
ReadingRow = tuple[int, int, dt.datetime, float, int, dt.datetime, str]

#: The columns that differ row by row, and those a flush (or a door's call) shares.
_PER_ROW, _PER_FLUSH = READING_COLUMNS[:5], READING_COLUMNS[5:]
_READINGS = Reading._meta.db_table
_SERIES = Series._meta.db_table
_SERIES_COLUMNS = ("station_id", "parameter_id", "last_at", "last_value", "last_flags",
                   "qc_state", "exceedance_state", "level", "stored_to")
#: Their PostgreSQL types, for the arrays of ``series_upsert``.
_PG_SERIES_TYPES = ("bigint", "bigint", "timestamptz", "float8", "integer", "jsonb", "jsonb",
                    "smallint", "timestamptz")


class TimeText(dict):
    """Datetime → the form the database is sent (text, or PostgreSQL's binary count), cached:
    a file repeats one time on all its lines, a batch one reception time on all its rows."""

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


#: NULL in PostgreSQL's COPY text format, and the ``str.translate`` table of a text value.
COPY_NULL = r"\N"
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def pg_time(moment: dt.datetime | None) -> str:
    """An aware datetime in PostgreSQL's COPY text format (None is NULL)."""
    return COPY_NULL if moment is None else moment.isoformat()


_PG_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def pg_micros(moment: dt.datetime) -> int:
    """An aware datetime as a binary ``timestamptz`` holds it: microseconds since
    2000-01-01 UTC (PostgreSQL documentation, COPY binary format; integer datetimes)."""
    return (moment - _PG_EPOCH) // _MICROSECOND


class _SomeWereKnown(Exception):
    """The fast path met duplicates: undo it and count group by group."""


def readings_insert(groups: Sequence[Sequence[ReadingRow]],
                    surely_new: Sequence[bool]) -> list[int]:
    """Insert groups of rows (one group per door batch), skipping rows whose (station,
    parameter, time) exists or came earlier in the call; returns how many rows of each group
    were new. Must run inside the caller's transaction. See ``ReadingsWriter``, which this
    is at once."""
    with ReadingsWriter() as writer:
        for rows, new in zip(groups, surely_new, strict=True):
            writer.add(rows, new)
        return writer.counts()


class ReadingsWriter:
    """``readings_insert`` group by group, as the caller makes them; ``counts()`` ends it.
    Use it as a context manager inside the caller's transaction.

    A group marked surely new (every row after all that is stored of its series, see
    ``Series.stored_to``) is written as it is and counts whole. On PostgreSQL these stream
    into one COPY straight into the table while the caller prepares the next groups, so the
    server stores them meanwhile (two processes at work instead of one after the other);
    between ``add`` calls the caller must not use the connection. If one was not new after
    all, the COPY is undone (its savepoint) and every group is counted. The other groups are
    written at the end and counted one by one: SQLite, as few statements per group as the
    bind limit allows, whose row counts are the group's; PostgreSQL, COPY into a staging
    table, then one INSERT … ON CONFLICT DO NOTHING returning the new keys.
    """

    #: COPY data is handed to the server in pieces of about this many bytes.
    SEND_BYTES = 1 << 16

    def __init__(self):
        self.groups: list[Sequence[ReadingRow]] = []
        self.surely_new: list[bool] = []
        self._postgresql = connection.vendor == "postgresql"
        self._times = TimeText(pg_micros)
        self._data: list[bytes] = []
        self._data_bytes = 0
        self._stream: ExitStack | None = None  # the savepoint, cursor and COPY
        self._copy = None
        self._known = False  # the server refused a row of the COPY as not new

    def __enter__(self) -> ReadingsWriter:
        return self

    def __exit__(self, kind, error, trace) -> bool:
        stream, self._stream = self._stream, None
        if stream is not None:  # the caller failed before counts(): abort the COPY
            stream.__exit__(kind, error, trace)
        return False

    def add(self, rows: Sequence[ReadingRow], surely_new: bool) -> None:
        self.groups.append(rows)
        self.surely_new.append(surely_new)
        if self._postgresql and surely_new and rows and not self._known:
            data = _pg_rows_binary(rows, self._times)
            self._data.append(data)
            self._data_bytes += len(data)
            if self._data_bytes >= self.SEND_BYTES:
                self._send()

    def _send(self) -> None:
        from psycopg.errors import UniqueViolation  # raw COPY: psycopg's, not Django's

        if self._stream is None:
            stream = ExitStack()
            stream.enter_context(transaction.atomic())
            cursor = stream.enter_context(connection.cursor())
            self._copy = stream.enter_context(cursor.cursor.copy(_PG_COPY % _READINGS))
            self._stream = stream
            self._data.insert(0, _PG_BINARY_SIGNATURE)
        data, self._data, self._data_bytes = b"".join(self._data), [], 0
        try:
            self._copy.write(data)
        except UniqueViolation:
            self._known = True  # the COPY is lost: the end counts every group

    def _copy_end(self) -> bool:
        """End the COPY of the surely-new groups; False (nothing kept) if one was not new."""
        from psycopg.errors import UniqueViolation

        if not self._known:
            self._data.append(_PG_BINARY_TRAILER)
            self._send()
        stream, self._stream = self._stream, None
        if stream is None:
            return not self._known
        try:
            stream.close()
        except UniqueViolation:
            return False
        return not self._known

    def counts(self) -> list[int]:
        groups = self.groups
        sure = [i for i, new in enumerate(self.surely_new) if new and groups[i]]
        if self._postgresql:
            written = self._copy_end() if sure else True
        else:
            written = _sqlite_new([groups[i] for i in sure]) if sure else True
        if not written:
            sure = []  # not so sure after all: count every group
        counts = [0] * len(groups)
        for i in sure:
            counts[i] = len(groups[i])
        taken = set(sure)
        unsure = [i for i in range(len(groups)) if i not in taken and groups[i]]
        if unsure:
            counted = (_pg_by_group if self._postgresql else _sqlite_by_group)(
                [groups[i] for i in unsure])
            for i, count in zip(unsure, counted, strict=True):
                counts[i] = count
        return counts


def sqlite_insert(raw, table: str, columns: Sequence[str], values: list, *,
                  verb: str = "INSERT", shared: dict[str, object] | None = None) -> int:
    """Insert rows into ``table`` on SQLite's own cursor ``raw``: ``values`` holds them one
    after the other, ``len(columns)`` values each; ``shared`` gives columns whose value is the
    same on every row, bound once per statement instead of once per row. As few statements
    as the bind limit allows, many ``VALUES`` tuples each, which binds about 1.5 times faster
    than an ``executemany`` of one row a statement (benchmarks/ingest_files.py). Returns how
    many rows were written (``INSERT OR IGNORE`` skips the known ones)."""
    width, shared = len(columns), shared or {}
    per = min(_SQLITE_ROWS_MAX, (raw.connection.getlimit(SQLITE_LIMIT_VARIABLE_NUMBER)
                                 - len(shared)) // width)
    rows = len(values) // width
    head = list(shared.values())
    written = 0
    for start in range(0, rows, per):
        count = min(per, rows - start)
        part = values[start * width:(start + count) * width]
        raw.execute(_sqlite_insert_sql(verb, table, tuple(columns), tuple(shared), count),
                    head + part if head else part)
        written += raw.rowcount
    return written


#: Rows per statement at most: past a few thousand, longer statements gain nothing.
_SQLITE_ROWS_MAX = 2000


@lru_cache(maxsize=64)
def _sqlite_insert_sql(verb: str, table: str, columns: tuple[str, ...],
                       shared: tuple[str, ...], count: int) -> str:
    row = f"({', '.join('?' * len(columns))})"
    rows = ", ".join([row] * count)
    if not shared:
        return f"{verb} INTO {table} ({', '.join(columns)}) VALUES {rows}"
    # ?1 … ?k are the shared values; the anonymous marks that follow number on from k + 1.
    picked = [f"column{i}" for i in range(1, len(columns) + 1)]
    picked += [f"?{i}" for i in range(1, len(shared) + 1)]
    return (f"{verb} INTO {table} ({', '.join(columns + shared)}) "
            f"SELECT {', '.join(picked)} FROM (VALUES {rows})")


def _sqlite_readings(raw, rows: Sequence[ReadingRow], times: TimeText) -> int:
    """The rows' values column by column, so that every loop runs in C; the reception time
    and the door, one for a whole flush, are bound once per statement."""
    stations, parameters, observed, values, flags, received, via = zip(*rows, strict=True)
    if received.count(received[0]) == len(rows) and via.count(via[0]) == len(rows):
        return sqlite_insert(raw, _READINGS, _PER_ROW, list(chain.from_iterable(
            zip(stations, parameters, map(times.__getitem__, observed), values, flags,
                strict=True))),
            verb="INSERT OR IGNORE",
            shared=dict(zip(_PER_FLUSH, (times[received[0]], via[0]), strict=True)))
    return sqlite_insert(raw, _READINGS, READING_COLUMNS, list(chain.from_iterable(zip(
        stations, parameters, map(times.__getitem__, observed), values, flags,
        map(times.__getitem__, received), via, strict=True))), verb="INSERT OR IGNORE")


def _sqlite_new(groups) -> bool:
    """Rows known to be new, in as few statements as the bind limit allows; False (nothing
    kept) if some were not."""
    total = sum(len(rows) for rows in groups)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if _sqlite_readings(cursor.connection.cursor(), list(chain.from_iterable(groups)),
                                TimeText(sqlite_time)) != total:
                raise _SomeWereKnown
    except _SomeWereKnown:
        return False
    return True


def _sqlite_by_group(groups) -> list[int]:
    times = TimeText(sqlite_time)
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        return [_sqlite_readings(raw, rows, times) if rows else 0 for rows in groups]


_PG_COLUMNS = ", ".join(READING_COLUMNS)
_PG_COPY = f"COPY %s ({_PG_COLUMNS}) FROM STDIN (FORMAT binary)"
#: COPY binary format (PostgreSQL documentation, COPY, "Binary Format"): the file header
#: (signature, flags, no header extension), and the trailer (a field count of -1).
_PG_BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_PG_BINARY_TRAILER = struct.pack(">h", -1)


@lru_cache(maxsize=16)
def _pg_row_pack(via: str) -> tuple[Callable[..., bytes], bytes]:
    """The packer of a binary COPY tuple of ``READING_COLUMNS`` (field count, then each
    field's length and value: bigint, bigint, timestamptz, float8, integer, timestamptz,
    varchar), and the door's name as it goes in."""
    data = via.encode()
    return struct.Struct(f">hiqiqiqidiiiqi{len(data)}s").pack, data


def _pg_rows_binary(rows: Sequence[ReadingRow], micros: TimeText) -> bytes:
    """The rows as binary COPY tuples (no header or trailer). Binary spares the server the
    parsing of numbers and times: a quarter to a third of its CPU time on the rows."""
    out = []
    for s, p, o, v, f, r, via in rows:
        pack, door = _pg_row_pack(via)
        out.append(pack(7, 8, s, 8, p, 8, micros[o], 8, v, 4, f, 8, micros[r], len(door),
                        door))
    return b"".join(out)


def _pg_stage(cursor, groups) -> None:
    """COPY the rows into a session-local table, emptied at commit."""
    cursor.execute("CREATE TEMP TABLE IF NOT EXISTS ungpho_reading_in (station_id bigint, "
                   "parameter_id bigint, observed_at timestamptz, value double precision, "
                   "flags integer, received_at timestamptz, via varchar(8)) "
                   "ON COMMIT DELETE ROWS")
    cursor.execute("TRUNCATE ungpho_reading_in")
    micros = TimeText(pg_micros)
    with cursor.cursor.copy(_PG_COPY % "ungpho_reading_in") as copy:
        copy.write(_PG_BINARY_SIGNATURE)
        for rows in groups:
            copy.write(_pg_rows_binary(rows, micros))
        copy.write(_PG_BINARY_TRAILER)


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


#: Station ids per SELECT on SQLite (its default limit of bound variables is 32,766).
_SQLITE_IDS_MAX = 10_000


def series_fronts(station_ids: list[int]) -> list[tuple]:
    """The live front of every series of these stations, as rows of ``_SERIES_COLUMNS``
    (times aware, JSON fields decoded), read with one plain statement: for a batch of
    messages from many stations, the ORM's conversion of each value costs more than the
    query (PostgreSQL gets the ids as one array)."""
    # On SQLite the times are read as text: Python's ISO parser is faster than the
    # converter Django registers for datetime columns.
    columns = [f"{c} || ''" if c in ("last_at", "stored_to") and connection.vendor == "sqlite"
               else c for c in _SERIES_COLUMNS]
    select = f"SELECT {', '.join(columns)} FROM {_SERIES} WHERE "
    rows = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(select + "station_id = ANY(%s)", [station_ids])
            rows = cursor.fetchall()
        else:
            for start in range(0, len(station_ids), _SQLITE_IDS_MAX):
                ids = station_ids[start:start + _SQLITE_IDS_MAX]
                cursor.execute(select + f"station_id IN ({', '.join(['%s'] * len(ids))})", ids)
                rows += cursor.fetchall()
    loads = json.loads
    return [(sid, pid, _aware(last_at), value, flags, loads(qc), loads(exceedance), level,
             _aware(stored_to))
            for sid, pid, last_at, value, flags, qc, exceedance, level, stored_to in rows]


def _aware(moment: dt.datetime | str | None) -> dt.datetime | None:
    """A time as plain SQL reads it: SQLite gives a naive datetime in UTC (or Django's text
    of one), PostgreSQL an aware datetime."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


def series_upsert(rows: Sequence[tuple]) -> None:
    """Write the live front of each touched series (rows of ``_SERIES_COLUMNS``, JSON
    fields as text) in one statement per batch: on PostgreSQL one statement over arrays
    (an executemany costs the server a statement per series), on SQLite an executemany."""
    if not rows:
        return
    updates = ", ".join(f"{c} = excluded.{c}" for c in _SERIES_COLUMNS[2:])
    # ``averages`` belongs to the worker's judgement of means: set on insert, never updated.
    into = f"INSERT INTO {_SERIES} ({', '.join(_SERIES_COLUMNS)}, averages) "
    upsert = f" ON CONFLICT (station_id, parameter_id) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for kind in _PG_SERIES_TYPES)
            cursor.execute(f"{into}SELECT *, '{{}}' FROM unnest({arrays}){upsert}",
                           [list(column) for column in zip(*rows, strict=True)])
            return
        adapt = connection.ops.adapt_datetimefield_value
        marks = ", ".join(["%s"] * len(_SERIES_COLUMNS))
        cursor.executemany(f"{into}VALUES ({marks}, '{{}}'){upsert}",
                           [(s, p, adapt(at), *rest, adapt(to))
                            for s, p, at, *rest, to in rows])
