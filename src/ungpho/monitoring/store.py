"""Bulk writes of readings and series: the only large table gets plain SQL (DESIGN.md: bulk
statements on SQLite — here many rows per INSERT, faster to bind than executemany — and COPY
on PostgreSQL), idempotent through the reading key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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


#: NULL in PostgreSQL's COPY text format.
COPY_NULL = r"\N"


def pg_time(moment: dt.datetime | None) -> str:
    """An aware datetime in PostgreSQL's COPY text format (None is NULL)."""
    return COPY_NULL if moment is None else moment.isoformat()


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

    #: COPY text is handed to the server in pieces of about this many characters.
    SEND_CHARS = 1 << 16

    def __init__(self):
        self.groups: list[Sequence[ReadingRow]] = []
        self.surely_new: list[bool] = []
        self._postgresql = connection.vendor == "postgresql"
        self._times = TimeText(pg_time)
        self._text: list[str] = []
        self._text_chars = 0
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
            text = _pg_rows_text(rows, self._times)
            self._text.append(text)
            self._text_chars += len(text)
            if self._text_chars >= self.SEND_CHARS:
                self._send()

    def _send(self) -> None:
        from psycopg.errors import UniqueViolation  # raw COPY: psycopg's, not Django's

        if self._stream is None:
            stream = ExitStack()
            stream.enter_context(transaction.atomic())
            cursor = stream.enter_context(connection.cursor())
            self._copy = stream.enter_context(cursor.cursor.copy(
                f"COPY {_READINGS} ({_PG_COLUMNS}) FROM STDIN"))
            self._stream = stream
        text, self._text, self._text_chars = "".join(self._text), [], 0
        try:
            self._copy.write(text)
        except UniqueViolation:
            self._known = True  # the COPY is lost: the end counts every group

    def _copy_end(self) -> bool:
        """End the COPY of the surely-new groups; False (nothing kept) if one was not new."""
        from psycopg.errors import UniqueViolation

        if self._text and not self._known:
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


#: ``str.translate`` table of PostgreSQL's COPY text format for a text value.
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _pg_rows_text(rows: Sequence[ReadingRow], times: TimeText) -> str:
    """COPY text of the rows (tab-separated, a line each)."""
    return "".join([f"{s}\t{p}\t{times[o]}\t{v!r}\t{f}\t{times[r]}\t{via}\n"
                    for s, p, o, v, f, r, via in rows])


def _pg_stage(cursor, groups) -> None:
    """COPY the rows into a session-local table, emptied at commit."""
    cursor.execute("CREATE TEMP TABLE IF NOT EXISTS ungpho_reading_in (station_id bigint, "
                   "parameter_id bigint, observed_at timestamptz, value double precision, "
                   "flags integer, received_at timestamptz, via varchar(8)) "
                   "ON COMMIT DELETE ROWS")
    cursor.execute("TRUNCATE ungpho_reading_in")
    times = TimeText(pg_time)
    with cursor.cursor.copy(f"COPY ungpho_reading_in ({_PG_COLUMNS}) FROM STDIN") as copy:
        for rows in groups:
            copy.write(_pg_rows_text(rows, times))


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
