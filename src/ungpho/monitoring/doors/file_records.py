"""The file door's records (``IngestFile``): which files were taken in, and how far, written
with plain SQL beside the readings of the same transaction (``files``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction

from ungpho.monitoring.models import IngestFile, Reading, RejectedLine
from ungpho.monitoring.pipeline import Rejected
from ungpho.monitoring.store import (
    COPY_ESCAPES,
    COPY_NULL,
    TimeText,
    pg_time,
    sqlite_insert,
    sqlite_time,
)

DONE = IngestFile.Status.DONE.value  # a plain str: the enum's comparisons cost per file
ACTIVE = IngestFile.Status.ACTIVE.value
NAME_CHARS = IngestFile._meta.get_field("name").max_length


@dataclass(slots=True)
class FileRecord:
    """A file's row of ``IngestFile`` while it is being taken in: a plain object, because a
    model instance per small file costs more than the file's readings."""

    sha256: str
    name: str
    path: str
    size_bytes: int
    started_at: dt.datetime
    status: str = IngestFile.Status.ACTIVE
    station_id: int | None = None
    byte_offset: int = 0
    line_no: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    finished_at: dt.datetime | None = None
    pk: int | None = None


RECORD_FIELDS = ("sha256", "name", "path", "size_bytes", "started_at", "status", "station_id",
           "byte_offset", "line_no", "stored", "duplicates", "rejected", "finished_at", "id")


def records_known(names: list[str]) -> dict[str, FileRecord]:
    """Records of files with these names, by hash (a name may have several): one plain
    statement on the key's first column, since the ORM's preparation of each name costs
    more than its lookup. PostgreSQL gets the names as one array, which it plans in half
    the time of as many parameters."""
    if connection.vendor == "postgresql":
        where, params = "name = ANY(%s)", [names]
    else:
        where, params = f"name IN ({', '.join(['%s'] * len(names))})", names
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(RECORD_FIELDS)} FROM {IngestFile._meta.db_table} "
                       f"WHERE {where}", params)
        rows = cursor.fetchall()
    known = {}
    for row in rows:
        record = known[row[0]] = FileRecord(*row)
        record.started_at, record.finished_at = map(_aware, (row[4], row[12]))
    return known


def _aware(moment: dt.datetime | str | None) -> dt.datetime | None:
    """A time as read by plain SQL: SQLite gives Django's text (naive UTC), PostgreSQL an
    aware datetime."""
    if isinstance(moment, str):
        return dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
    return moment


_PROGRESS = ("status", "station_id", "byte_offset", "line_no", "stored", "duplicates",
             "rejected", "finished_at")


_COLUMNS = ("sha256", "name", "path", "size_bytes", "started_at", *_PROGRESS)


def records_insert(records: list[FileRecord]) -> None:
    """Insert new file records with their progress in one statement (the ORM's bulk_create
    costs more than the readings of a small file); ids are read back only where needed: for
    files with rejections, which point to their file, and files that go on in the next
    transaction."""
    if not records:
        return
    table, columns = IngestFile._meta.db_table, ", ".join(_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # psycopg's executemany: ~90 µs a row
            # COPY text made here: psycopg's write_row costs more than the file's readings.
            times = TimeText(pg_time)
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write("".join([
                    f"{r.sha256}\t{r.name.translate(COPY_ESCAPES)}\t"
                    f"{r.path.translate(COPY_ESCAPES)}\t{r.size_bytes}\t"
                    f"{times[r.started_at]}\t{r.status}\t"
                    f"{COPY_NULL if r.station_id is None else r.station_id}\t{r.byte_offset}\t"
                    f"{r.line_no}\t{r.stored}\t{r.duplicates}\t{r.rejected}\t"
                    f"{times[r.finished_at]}\n" for r in records]))
        else:
            times = TimeText(sqlite_time)
            sqlite_insert(cursor.connection.cursor(), table, _COLUMNS, [
                value for r in records for value in (
                    r.sha256, r.name, r.path, r.size_bytes, times[r.started_at], r.status,
                    r.station_id, r.byte_offset, r.line_no, r.stored, r.duplicates, r.rejected,
                    times[r.finished_at])])
    wanted = {r.sha256: r for r in records
              if r.rejected or r.status != DONE}
    for pk, sha in IngestFile.objects.filter(name__in=[r.name for r in wanted.values()]
                                             ).values_list("pk", "sha256"):
        if sha in wanted:
            wanted[sha].pk = pk


def progress_save(records: list[FileRecord]) -> None:
    """One UPDATE statement for the progress of many files (``bulk_update`` builds a CASE
    per field and row, far slower for thousands of small files)."""
    adapt = connection.ops.adapt_datetimefield_value
    sql = (f"UPDATE {IngestFile._meta.db_table} SET "
           + ", ".join(f"{field} = %s" for field in _PROGRESS) + " WHERE id = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(r.status, r.station_id, r.byte_offset, r.line_no, r.stored,
                                  r.duplicates, r.rejected, adapt(r.finished_at), r.pk)
                                 for r in records])



@transaction.atomic
def record_reject_whole(record: FileRecord, problem: Rejected) -> None:
    record.status, record.rejected = DONE, 1
    record.finished_at = dt.datetime.now(dt.UTC)
    if record.pk is None:
        records_insert([record])
    else:
        progress_save([record])
    RejectedLine.objects.create(file_id=record.pk, via=Reading.Via.FILE, source=record.path,
                                line_no=problem.line_no, field=problem.field,
                                reason=problem.reason[:500], text=problem.text[:500],
                                received_at=record.finished_at)
