"""The file door: station text files of TT 10/2021/TT-BTNMT (formerly TT 24/2017), from the
command line or the drop folder (the FTP server's root) the worker watches.

Nothing accepted is lost and nothing is taken twice: a file is known by its name and the
SHA-256 of its name and content; its readings and its progress (byte offset, line) commit in
the same transaction, so a worker killed mid-file resumes after the last committed line, and
a file taken in before is skipped whole. Files are streamed line by line, so a backlog of any
size runs in constant memory. A file whose name names no station is kept, with its reason, as
a rejection.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import io
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from ungpho.core.formats.station_file import (
    LineRejection,
    local_stamp_to_utc,
    parse_file_name,
    parse_lines,
    read_station_file,
)
from ungpho.monitoring.models import IngestFile, Reading, RejectedLine, Station
from ungpho.monitoring.pipeline import FlushResult, Ingestor, Rejected
from ungpho.monitoring.store import (
    COPY_ESCAPES,
    COPY_NULL,
    TimeText,
    pg_time,
    sqlite_insert,
    sqlite_time,
)

ERR_NO_STATION = ("no station sends files as {prefix!r}: register its file prefix or a "
                  "station with code {code!r}")
_DONE = IngestFile.Status.DONE.value  # a plain str: the enum's comparisons cost per file
_NAME_CHARS = IngestFile._meta.get_field("name").max_length
#: A file still being written by the FTP server is left for the next pass.
SETTLE_S = 2.0


@dataclass
class FileOutcome:
    path: str
    stored: int = 0
    duplicates: int = 0
    rejected: list[dict] = field(default_factory=list)
    skipped: bool = False  # taken in before, whole


@dataclass
class FilesSummary:
    files: int = 0
    files_skipped: int = 0
    stored: int = 0
    duplicates: int = 0
    incidents_opened: list[int] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"files": self.files, "files_skipped": self.files_skipped,
                "stored": self.stored, "duplicates": self.duplicates,
                "incidents_opened": self.incidents_opened, "rejected": self.rejected}


def station_files(paths: Iterable[str | Path]) -> Iterator[str]:
    """The .txt files named, or found (recursively, sorted) in the folders named; any
    layout (``yyyy/MM/dd/`` or flat). Paths as text: a ``Path`` per small file costs more
    than parsing it."""
    for raw in paths:
        path = os.fspath(raw)
        if os.path.isdir(path):
            for folder, dirs, names in os.walk(path):
                dirs.sort()
                for name in sorted(names):
                    if name.lower().endswith(".txt"):
                        yield os.path.join(folder, name)
        else:
            yield path


#: Files up to this size are read once, for their key and their lines, and held with their
#: group; files up to READ_WHOLE_BYTES are read whole when their turn comes (parsing from
#: memory is faster); larger ones stream, so memory stays bounded whatever the backlog.
SMALL_FILE_BYTES = 64 * 1024
READ_WHOLE_BYTES = 8 * 1024 * 1024


def _keyed(path: str) -> tuple[str, int, str, bytes | None]:
    """Name (whole), size, hash and — for a small file — its content, read once. The hash is the
    SHA-256 of the file's name and content: the same readings re-sent under the same name are
    the same file; another station's file with equal content is not."""
    name = os.path.basename(path)
    fd = os.open(path, os.O_RDONLY)  # not open(): its buffered file object costs twice
    try:
        content = os.read(fd, SMALL_FILE_BYTES + 1)
        while len(content) <= SMALL_FILE_BYTES and (more := os.read(
                fd, SMALL_FILE_BYTES + 1 - len(content))):  # a short read is not the end
            content += more
        digest = hashlib.sha256(name.encode() + b"\0" + content)
        if len(content) <= SMALL_FILE_BYTES:
            return name, len(content), digest.hexdigest(), content
        size = len(content)
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return name, size, digest.hexdigest(), None


@dataclass(slots=True)
class _File:
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


_FIELDS = ("sha256", "name", "path", "size_bytes", "started_at", "status", "station_id",
           "byte_offset", "line_no", "stored", "duplicates", "rejected", "finished_at", "id")


def _known_files(names: list[str]) -> dict[str, _File]:
    """Records of files with these names, by hash (a name may have several): one plain
    statement on the key's first column, since the ORM's preparation of each name costs
    more than its lookup. PostgreSQL gets the names as one array, which it plans in half
    the time of as many parameters."""
    if connection.vendor == "postgresql":
        where, params = "name = ANY(%s)", [names]
    else:
        where, params = f"name IN ({', '.join(['%s'] * len(names))})", names
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(_FIELDS)} FROM {IngestFile._meta.db_table} "
                       f"WHERE {where}", params)
        rows = cursor.fetchall()
    known = {}
    for row in rows:
        record = known[row[0]] = _File(*row)
        record.started_at, record.finished_at = map(_aware, (row[4], row[12]))
    return known


def _aware(moment: dt.datetime | str | None) -> dt.datetime | None:
    """A time as read by plain SQL: SQLite gives Django's text (naive UTC), PostgreSQL an
    aware datetime."""
    if isinstance(moment, str):
        return dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
    return moment


class _Stations:
    """The registry read in one query: a backlog or a drop-folder pass names most stations,
    and a query per station costs more than reading them all."""

    def __init__(self):
        stations = list(Station.objects.all())
        self.by_prefix = {s.file_prefix: s for s in stations if s.file_prefix is not None}
        self.by_code = {s.code.lower(): s for s in stations}
        self.by_stem: dict[str, Station] = {}  # file-name stems seen (_file_station)

    def find(self, province: str, facility: str, station: str) -> Station | None:
        return self.by_prefix.get(f"{province}_{facility}_{station}") or self.by_code.get(
            station.lower())


#: Files looked up together: one query for their records, and a commit before each group
#: so that the lookup sees every earlier file.
GROUP_FILES = 2000


def files_ingest(paths: Iterable[str | Path], *, chunk_rows: int | None = None,
                 on_file: Callable[[str, int], None] | None = None,
                 after_commit: Callable[[list[str]], None] | None = None) -> FilesSummary:
    """Ingest station files; ``on_file(path, size)`` is called as each is read (progress),
    ``after_commit(paths)`` with the files completed by each committed transaction."""
    run = _FilesRun(chunk_rows or settings.INGEST_CHUNK, after_commit)
    group: list[str] = []
    for path in station_files(paths):
        group.append(path)
        if len(group) == GROUP_FILES:
            with _collector_paused():
                run.group(group, on_file)
            group = []
    with _collector_paused():
        run.group(group, on_file)
        run.commit()
    return run.summary


@contextmanager
def _collector_paused():
    """Python's cycle collector off for one group of files. Ingestion allocates a few tuples
    per reading and holds a transaction's worth of them, so the collector would run over and
    over, finding nothing (a quarter of the time of small files); what little cyclic garbage
    a group leaves is collected once the collector is back on, after the group."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _FilesRun:
    """Queues files' lines into one ingestor and commits every ``chunk_rows`` lines, with
    each file's progress saved in the transaction that holds its lines."""

    def __init__(self, chunk_rows: int, after_commit):
        self.chunk_rows = chunk_rows
        self.after_commit = after_commit
        self.summary = FilesSummary()
        self.stations = _Stations()
        self.ingestor = Ingestor()
        # Files with lines in the pending transaction: sha → (record, path, results).
        self.pending: dict[str, tuple[_File, str, list[FlushResult]]] = {}
        self.completed: list[str] = []

    def group(self, paths: list[str], on_file) -> None:
        if not paths:
            return
        self.commit()
        hashed = [(path, *_keyed(path)) for path in paths]
        seen_at = dt.datetime.now(dt.UTC)  # of the group: a clock read per file costs
        known = _known_files([name[:_NAME_CHARS] for _, name, _, _, _ in hashed])
        for path, name, size, sha, content in hashed:
            if on_file is not None:
                on_file(path, size)
            record = known.get(sha)
            if record is None:
                record = known[sha] = _File(sha, name[:_NAME_CHARS], path[:500], size, seen_at)
            self.file(path, name, record, content)

    def file(self, path: str, name: str, record: _File, content: bytes | None) -> None:
        self.summary.files += 1
        if record.status == _DONE:  # taken in whole before
            self.summary.files_skipped += 1
            self.summary.duplicates += record.stored + record.duplicates
        else:
            station, problem = _file_station(name, self.stations)
            if problem is not None:
                _reject_whole(record, problem)
                self.summary.rejected.append(_rejection_row(path, problem))
            else:
                self._lines(path, record, station, content)
        self.completed.append(path)
        if self.ingestor.pending >= self.chunk_rows:
            self.commit()

    def _lines(self, path: str, record: _File, station: Station,
               content: bytes | None) -> None:
        record.station_id = station.id
        if content is None and record.size_bytes <= READ_WHOLE_BYTES:
            with open(path, "rb") as whole:
                content = whole.read()
        with io.BytesIO(content) if content is not None else open(path, "rb") as stream:
            stream.seek(record.byte_offset)
            if record.byte_offset and record.byte_offset >= record.size_bytes:
                lines: Iterable = ()
            elif content is not None:  # in memory: parse_lines bounds each line itself
                lines = parse_lines(stream, first_line_no=record.line_no + 1)
            else:
                lines = read_station_file(stream, first_line_no=record.line_no + 1)
            if content is not None and len(content) <= SMALL_FILE_BYTES:
                lines = list(lines)  # a small file at once, when it fits the chunk
                if len(lines) < self.chunk_rows:
                    good = [line for line in lines if line.__class__ is not LineRejection]
                    bad = [Rejected(line.line_no, line.field, line.reason, line.text)
                           for line in lines if line.__class__ is LineRejection] \
                        if len(good) < len(lines) else []
                    record.status = _DONE
                    self._queue(record, station, path, good, bad, len(content),
                                lines[-1].line_no if lines else record.line_no)
                    return
            items: list = []
            rejected: list[Rejected] = []
            last, room = record.line_no, self.chunk_rows
            for line in lines:
                last = line.line_no  # lines come in order
                if line.__class__ is LineRejection:
                    rejected.append(Rejected(line.line_no, line.field, line.reason, line.text))
                else:
                    items.append(line)  # FileLine has RawItem's fields, in RawItem's order
                room -= 1
                if not room:
                    self._queue(record, station, path, items, rejected, stream.tell(), last)
                    items, rejected, room = [], [], self.chunk_rows
                    self.commit()
            record.status = _DONE
            self._queue(record, station, path, items, rejected, stream.tell(), last)

    def _queue(self, record, station, path, items, rejected, offset: int, line_no: int) -> None:
        result = self.ingestor.add(station=station, items=items, via=Reading.Via.FILE,
                                   source=path, rejected=rejected, file=record)
        record.byte_offset, record.line_no = offset, line_no
        entry = self.pending.get(record.sha256)
        if entry is None:
            entry = self.pending[record.sha256] = (record, path, [])
        entry[2].append(result)

    def _record_progress(self) -> None:
        committed_at = dt.datetime.now(dt.UTC)  # a file is finished when its last lines commit
        for record, _, results in self.pending.values():
            if record.status == _DONE:
                record.finished_at = committed_at
            for result in results:
                record.stored += result.stored
                record.duplicates += result.duplicates
                record.rejected += len(result.rejected)
        records = [record for record, _, _ in self.pending.values()]
        _records_insert([r for r in records if r.pk is None])
        _progress_save([r for r in records if r.pk is not None])

    def commit(self) -> None:
        flushed = self.ingestor.flush(before_commit=self._record_progress)
        if flushed.rejected:
            for _, path, results in self.pending.values():
                self.summary.rejected += [_rejection_row(path, r) for result in results
                                          for r in result.rejected]
        self.pending.clear()
        self.summary.stored += flushed.stored
        self.summary.duplicates += flushed.duplicates
        self.summary.incidents_opened += flushed.incidents_opened
        if self.after_commit is not None and self.completed:
            self.after_commit(list(self.completed))
        self.completed.clear()


_PROGRESS = ("status", "station_id", "byte_offset", "line_no", "stored", "duplicates",
             "rejected", "finished_at")


_COLUMNS = ("sha256", "name", "path", "size_bytes", "started_at", *_PROGRESS)


def _records_insert(records: list[_File]) -> None:
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
              if r.rejected or r.status != _DONE}
    for pk, sha in IngestFile.objects.filter(name__in=[r.name for r in wanted.values()]
                                             ).values_list("pk", "sha256"):
        if sha in wanted:
            wanted[sha].pk = pk


def _progress_save(records: list[_File]) -> None:
    """One UPDATE statement for the progress of many files (``bulk_update`` builds a CASE
    per field and row, far slower for thousands of small files)."""
    adapt = connection.ops.adapt_datetimefield_value
    sql = (f"UPDATE {IngestFile._meta.db_table} SET "
           + ", ".join(f"{field} = %s" for field in _PROGRESS) + " WHERE id = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(r.status, r.station_id, r.byte_offset, r.line_no, r.stored,
                                  r.duplicates, r.rejected, adapt(r.finished_at), r.pk)
                                 for r in records])


#: ``_yyyyMMddHHmmss.txt``, the end of a station file's name after its stem.
_NAME_END = len("yyyyMMddHHmmss.txt")


def _file_station(base: str, stations: _Stations) -> tuple[Station | None, Rejected | None]:
    # A stem (``<Province>_<Facility>_<Station>_``) parsed once before stands for the same
    # station: only the time and extension of the name are new (see parse_file_name).
    stem, end = base[:-_NAME_END], base[-_NAME_END:]
    station = stations.by_stem.get(stem)
    if station is not None and end[-4:].lower() == ".txt":
        try:
            local_stamp_to_utc(end[:-4])
            return station, None
        except ValueError:
            pass  # the full parse names the fault
    try:
        name = parse_file_name(base)
    except ValueError as error:
        return None, Rejected(0, "file name", str(error), base)
    station = stations.find(name.province, name.facility, name.station)
    if station is None:
        prefix = f"{name.province}_{name.facility}_{name.station}"
        return None, Rejected(0, "file name", ERR_NO_STATION.format(
            prefix=prefix, code=name.station), base)
    if stem == f"{name.province}_{name.facility}_{name.station}_":
        stations.by_stem[stem] = station
    return station, None


@transaction.atomic
def _reject_whole(record: _File, problem: Rejected) -> None:
    record.status, record.rejected = _DONE, 1
    record.finished_at = dt.datetime.now(dt.UTC)
    if record.pk is None:
        _records_insert([record])
    else:
        _progress_save([record])
    RejectedLine.objects.create(file_id=record.pk, via=Reading.Via.FILE, source=record.path,
                                line_no=problem.line_no, field=problem.field,
                                reason=problem.reason[:500], text=problem.text[:500],
                                received_at=record.finished_at)


def _rejection_row(path: str, rejected: Rejected) -> dict:
    return {"file": path, "line": rejected.line_no, "field": rejected.field,
            "reason": rejected.reason}


#: Files one worker pass takes, so that notifications are not held up by a backlog.
DROP_PASS_FILES = 2000


def drop_folder_pass(*, now: float | None = None) -> int:
    """One worker pass over the drop folder: settled files are ingested, then moved under
    the data dir's ``archive/`` (or ``rejected/`` when their name names no station),
    keeping their relative path. Returns how many files were taken."""
    drop = settings.DROP_DIR
    if drop is None or not drop.is_dir():
        return 0
    import time

    now = now or time.time()
    # A lazy walk: a backlog of millions of files is never listed whole.
    ready = list(islice((p for p in station_files([drop])
                         if not os.path.relpath(p, drop).startswith(".")
                         and now - os.stat(p).st_mtime >= SETTLE_S), DROP_PASS_FILES))
    if not ready:
        return 0
    files_ingest(ready, after_commit=lambda done: _archive(drop, done))
    return len(ready)


def _archive(drop: Path, paths: list[str]) -> None:
    rejected = set(IngestFile.objects.filter(  # by name first: the key's index
        name__in=[os.path.basename(path)[:_NAME_CHARS] for path in paths], path__in=paths,
        rejected_lines__field="file name").values_list("path", flat=True))
    for path in paths:
        base = settings.REJECTED_DIR if path in rejected else settings.ARCHIVE_DIR
        target = base / os.path.relpath(path, drop)
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.path.exists(path):
            shutil.move(path, target)
