"""The file door: station text files of TT 10/2021/TT-BTNMT (formerly TT 24/2017), from the
command line or the drop folder (the FTP server's root) the worker watches.

Nothing accepted is lost and nothing is taken twice: a file is known by its name and the
SHA-256 of its name and content; its readings and its progress (byte offset, line) commit in
the same transaction, so a worker killed mid-file resumes after the last committed line, and
a file taken in before is skipped whole. Files are streamed line by line, so a backlog of any
size runs in constant memory. A file whose name names no station is kept, with its reason, as
a rejection.

No file stops the door or costs the others theirs. A file that cannot be opened (a link in
the drop folder, a FIFO, no permission: ``file_open``) or whose name is not UTF-8, and a file
whose lines the database refuses, becomes a dead letter (``faults``: its path, its bytes up to
the limit, the line and field at fault, the reason) and the others are taken in; the drop
folder moves it aside. Files share transactions for speed, so a transaction that fails is
taken again file by file (``_FilesRun._isolate``): the price of a bad file is paid only when
there is one. A file gone before it was read (renamed away by the FTP server) is not there
and needs no letter. A failure of the database itself (down, locked) is no file's fault: it
propagates, and the files stay for the next pass.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import io
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ungpho.core.formats.station_file import (
    LineRejection,
    parse_lines,
    read_station_file,
)
from ungpho.faults.doors import database_at_fault
from ungpho.faults.models import DeadLetter
from ungpho.faults.services import deadletter_keep
from ungpho.monitoring.doors.file_open import (
    ERR_NAME,
    SMALL_FILE_BYTES,
    Beneath,
    Outside,
    Unreadable,
    file_head,
    file_key,
    open_following,
    unreadable_reason,
)
from ungpho.monitoring.doors.file_records import (
    ACTIVE,
    DONE,
    NAME_CHARS,
    FileRecord,
    progress_save,
    record_reject_whole,
    records_insert,
    records_known,
)
from ungpho.monitoring.doors.file_stations import Stations, file_station
from ungpho.monitoring.models import Reading, Station
from ungpho.monitoring.pipeline import FlushResult, Ingestor, Rejected

log = logging.getLogger(__name__)

@dataclass
class FilesSummary:
    files: int = 0
    files_skipped: int = 0
    files_vanished: int = 0  # listed, then gone before they were read
    stored: int = 0
    duplicates: int = 0
    incidents_opened: list[int] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    #: Files that could not be read or stored: file, line, field, reason, and the id of the
    #: dead letter kept (None when the run keeps none: a retry).
    dead_letters: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"files": self.files, "files_skipped": self.files_skipped,
                "files_vanished": self.files_vanished, "stored": self.stored,
                "duplicates": self.duplicates, "incidents_opened": self.incidents_opened,
                "rejected": self.rejected, "dead_letters": self.dead_letters}

    def add(self, other: FilesSummary) -> None:
        """Count in what another run took in of the same files (``_FilesRun._isolate``)."""
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        self.incidents_opened += other.incidents_opened


def station_files(paths: Iterable[str | Path]) -> Iterator[str]:
    """The .txt files named, or found (recursively, sorted) in the folders named; any
    layout (``yyyy/MM/dd/`` or flat). Paths as text: a ``Path`` per small file costs more
    than parsing it. Links to folders are not walked into."""
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
READ_WHOLE_BYTES = 8 * 1024 * 1024


@dataclass(slots=True)
class _Pending:
    """A file with lines in the open transaction, and what is needed to take it again alone
    should the transaction fail: its content (None: read it again) and its record's state
    when the transaction began."""

    record: FileRecord
    path: str
    name: str
    content: bytes | None
    results: list[FlushResult]
    before: tuple

    def restore(self) -> None:
        record = self.record
        record.byte_offset, record.line_no, record.stored, record.duplicates, \
            record.rejected, record.pk = self.before
        record.status, record.finished_at = ACTIVE, None  # a done file is never pending


#: Files looked up together: one query for their records, and a commit before each group
#: so that the lookup sees every earlier file.
GROUP_FILES = 2000


def files_ingest(paths: Iterable[str | Path], *, chunk_rows: int | None = None,
                 on_file: Callable[[str, int], None] | None = None,
                 after_commit: Callable[[list[str]], None] | None = None,
                 door: str | None = DeadLetter.Door.CLI,
                 beneath: str | Path | None = None,
                 on_dead: Callable[[str], None] | None = None) -> FilesSummary:
    """Ingest station files; ``on_file(path, size)`` is called as each is read (progress),
    ``after_commit(paths)`` with the files completed by each committed transaction.

    A file that cannot be read or stored is kept as a dead letter of ``door`` (None: none is
    kept, the file is only reported, as a retry wants) and ``on_dead(path)`` is called once
    its letter is kept. Files below ``beneath`` are opened without following any link
    (``file_open.Beneath``: the drop folder); others as any command opens them."""
    opener = Beneath(beneath) if beneath is not None else open_following
    run = _FilesRun(chunk_rows or settings.INGEST_CHUNK, after_commit, door=door,
                    opener=opener, on_dead=on_dead)
    try:
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
    finally:
        if isinstance(opener, Beneath):
            opener.close()
    return run.summary


def file_bytes_ingest(*, path: str, content: bytes, door: str | None = None) -> FilesSummary:
    """Ingest one station file held in memory as if it had been read at ``path`` (a dead
    letter's payload: ``monitoring.letters``)."""
    name = os.path.basename(path)
    run = _FilesRun(settings.INGEST_CHUNK, None, door=door, opener=open_following)
    digest = hashlib.sha256(name.encode() + b"\0" + content).hexdigest()
    run.take([(path, name, len(content), digest, content)], None)
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


class _Undo(Exception):
    """Rolls back a trial write (``_FilesRun._fails``)."""


class _FilesRun:
    """Queues files' lines into one ingestor and commits every ``chunk_rows`` lines, with
    each file's progress saved in the transaction that holds its lines. ``alone``: a run of
    one file, taken again after its shared transaction failed; it raises what it cannot
    store, for the run that started it to set the file aside."""

    def __init__(self, chunk_rows: int, after_commit, *, door: str | None, opener,
                 on_dead=None, stations: Stations | None = None, alone: bool = False):
        self.chunk_rows = chunk_rows
        self.after_commit = after_commit
        self.door, self.open, self.on_dead, self.alone = door, opener, on_dead, alone
        self.summary = FilesSummary()
        self.stations = stations or Stations()
        self.ingestor = Ingestor()
        # Files with lines in the pending transaction, by hash.
        self.pending: dict[str, _Pending] = {}
        self.completed: list[str] = []

    def group(self, paths: list[str], on_file) -> None:
        if not paths:
            return
        self.commit()
        hashed = []
        for path in paths:
            try:
                hashed.append((path, *file_key(path, self.open)))
            except (OSError, Unreadable, Outside, UnicodeEncodeError) as error:
                self._unopened(path, error)
        self.take(hashed, on_file)

    def take(self, hashed: list[tuple[str, str, int, str, bytes | None]], on_file) -> None:
        """Take in files read for their key: (path, name, size, hash, content or None)."""
        if not hashed:
            return
        seen_at = dt.datetime.now(dt.UTC)  # of the group: a clock read per file costs
        known = records_known([name[:NAME_CHARS] for _, name, _, _, _ in hashed])
        for path, name, size, sha, content in hashed:
            if on_file is not None:
                on_file(path, size)
            record = known.get(sha)
            if record is None:
                record = known[sha] = FileRecord(sha, name[:NAME_CHARS], path[:500], size, seen_at)
            self.file(path, name, record, content)

    def _unopened(self, path: str, error: Exception) -> None:
        if isinstance(error, Outside):  # a folder swapped for a link since the listing
            log.warning("%s: not read, not moved: %s", path, error)
            self.summary.files_vanished += 1
        elif isinstance(error, UnicodeEncodeError):
            self._dead(path, ERR_NAME, content=None)
        elif isinstance(error, Unreadable):
            self._dead(path, str(error), content=None)
        elif (reason := unreadable_reason(path, error)) is not None:
            self._dead(path, reason, content=None)
        else:
            self.summary.files_vanished += 1

    def file(self, path: str, name: str, record: FileRecord, content: bytes | None) -> None:
        self.summary.files += 1
        if record.status == DONE:  # taken in whole before
            self.summary.files_skipped += 1
            self.summary.duplicates += record.stored + record.duplicates
        else:
            try:
                station, problem = file_station(name, self.stations)
                if problem is not None:
                    record_reject_whole(record, problem)
                    self.summary.rejected.append(_rejection_row(path, problem))
                elif not self._lines(path, name, record, station, content):
                    return  # its transaction failed and it was taken again alone
            except Exception as error:
                if self.alone or database_at_fault(error):
                    raise
                self._failed(path, name, content, error)
                return
        self.completed.append(path)
        if self.ingestor.pending >= self.chunk_rows:
            self.commit()

    def _lines(self, path: str, name: str, record: FileRecord, station: Station,
               content: bytes | None) -> bool:
        """Queue the file's lines, committing every ``chunk_rows``; False if one of those
        commits failed, and the file was therefore taken again alone (``_isolate``)."""
        record.station_id = station.id
        if content is None and record.size_bytes <= READ_WHOLE_BYTES:
            with os.fdopen(self.open(path), "rb") as whole:
                content = whole.read()
        with io.BytesIO(content) if content is not None else os.fdopen(
                self.open(path), "rb") as stream:
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
                    record.status = DONE
                    self._queue(record, station, path, name, content, good, bad, len(content),
                                lines[-1].line_no if lines else record.line_no)
                    return True
                stream.seek(record.byte_offset)  # again, so that tell() follows the lines
                lines = parse_lines(stream, first_line_no=record.line_no + 1)
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
                    self._queue(record, station, path, name, content, items, rejected,
                                stream.tell(), last)
                    items, rejected, room = [], [], self.chunk_rows
                    if not self.commit():
                        return False
            record.status = DONE
            self._queue(record, station, path, name, content, items, rejected, stream.tell(),
                        last)
        return True

    def _queue(self, record, station, path, name, content, items, rejected, offset: int,
               line_no: int) -> None:
        result = self.ingestor.add(station=station, items=items, via=Reading.Via.FILE,
                                   source=path, rejected=rejected, file=record)
        entry = self.pending.get(record.sha256)
        if entry is None:
            entry = self.pending[record.sha256] = _Pending(
                record, path, name, content, [], (record.byte_offset, record.line_no,
                                                  record.stored, record.duplicates,
                                                  record.rejected, record.pk))
        entry.results.append(result)
        record.byte_offset, record.line_no = offset, line_no

    def _record_progress(self) -> None:
        committed_at = dt.datetime.now(dt.UTC)  # a file is finished when its last lines commit
        for entry in self.pending.values():
            record = entry.record
            if record.status == DONE:
                record.finished_at = committed_at
            for result in entry.results:
                record.stored += result.stored
                record.duplicates += result.duplicates
                record.rejected += len(result.rejected)
        records = [entry.record for entry in self.pending.values()]
        records_insert([r for r in records if r.pk is None])
        progress_save([r for r in records if r.pk is not None])

    def commit(self) -> bool:
        """Write the pending transaction; False if it failed on a file's content and its
        files were taken again one by one instead."""
        try:
            flushed = self.ingestor.flush(before_commit=self._record_progress)
        except Exception as error:
            if self.alone or database_at_fault(error):
                raise
            log.warning("a transaction of %d files failed (%s): taking them one by one",
                        len(self.pending), error)
            self._isolate()
            return False
        if flushed.rejected:
            for entry in self.pending.values():
                self.summary.rejected += [_rejection_row(entry.path, r)
                                          for result in entry.results for r in result.rejected]
        self.pending.clear()
        self.summary.stored += flushed.stored
        self.summary.duplicates += flushed.duplicates
        self.summary.incidents_opened += flushed.incidents_opened
        self._completed()
        return True

    def _completed(self) -> None:
        if self.after_commit is not None and self.completed:
            self.after_commit(list(self.completed))
        self.completed.clear()

    def _isolate(self) -> None:
        """The pending transaction failed and was rolled back: take each of its files again
        in a transaction of its own, from where the failed one began, so that only the file
        at fault is set aside. Runs only after a failure: the shared transactions stay."""
        failed, self.pending = list(self.pending.values()), {}
        set_aside = set()
        for entry in failed:
            entry.restore()
            alone = _FilesRun(self.chunk_rows, None, door=None, opener=self.open,
                              stations=self.stations, alone=True)
            try:
                alone.file(entry.path, entry.name, entry.record, entry.content)
                alone.commit()
            except Exception as error:
                if database_at_fault(error):
                    raise
                entry.restore()  # what the failed transaction wrote into it is undone
                self._failed(entry.path, entry.name, entry.content, error)
                set_aside.add(entry.path)
                continue
            self.summary.add(alone.summary)
            if entry.path not in self.completed:
                self.completed.append(entry.path)
        if set_aside:
            self.completed = [path for path in self.completed if path not in set_aside]
        self._completed()

    def _failed(self, path: str, name: str, content: bytes | None, error: Exception) -> None:
        """A file that could not be read or stored, the others going on: a dead letter."""
        if isinstance(error, FileNotFoundError):  # gone while it was read
            self.summary.files_vanished += 1
            return
        if isinstance(error, OSError):
            self._dead(path, f"cannot be read: {error.strerror or error}", content=content)
            return
        line, field_name = self._culprit(name, content)
        self._dead(path, f"cannot be stored: {str(error) or type(error).__name__}",
                   content=content, line=line, field_name=field_name)

    def _culprit(self, name: str, content: bytes | None) -> tuple[int, str]:
        """The line (and its field) the database refuses, found by halving the file's lines,
        each half tried in a transaction that is rolled back; (0, "file") when the file is
        not held in memory or no line fails on its own."""
        station, _ = file_station(name, self.stations)
        if content is None or station is None:
            return 0, "file"
        lines = list(parse_lines(io.BytesIO(content)))
        while len(lines) > 1:
            half = len(lines) // 2
            lines = lines[:half] if self._fails(station, lines[:half]) else lines[half:]
        if not lines or not self._fails(station, lines):
            return 0, "file"
        line = lines[0]
        return line.line_no, line.field if line.__class__ is LineRejection else "line"

    @staticmethod
    def _fails(station: Station, lines: list) -> bool:
        ingestor = Ingestor()
        ingestor.add(station=station, via=Reading.Via.FILE, source="?",
                     items=[line for line in lines if line.__class__ is not LineRejection],
                     rejected=[Rejected(line.line_no, line.field, line.reason, line.text)
                               for line in lines if line.__class__ is LineRejection])
        try:
            with transaction.atomic():
                ingestor.flush()
                raise _Undo
        except _Undo:
            return False
        except Exception as error:
            if database_at_fault(error):
                raise
            return True

    def _dead(self, path: str, reason: str, *, content: bytes | None, line: int = 0,
              field_name: str = "file") -> None:
        """Keep the file as a dead letter (its content, or up to the limit of it), then
        ``on_dead``; a run without a door only reports it."""
        row = {"file": path, "line": line, "field": field_name, "reason": reason,
               "letter": None}
        self.summary.dead_letters.append(row)
        if self.door is None:
            return
        if content is not None:
            payload, size, digest = content, None, None
        else:
            payload, size, digest = file_head(path, self.open, settings.DEADLETTER_MAX_BYTES)
        row["letter"] = deadletter_keep(
            door=self.door, source=os.path.abspath(path), payload=payload, field=field_name,
            reason=f"line {line}: {reason}" if line else reason, size_bytes=size,
            sha256=digest).pk
        if self.on_dead is not None:
            self.on_dead(path)


def _rejection_row(path: str, rejected: Rejected) -> dict:
    return {"file": path, "line": rejected.line_no, "field": rejected.field,
            "reason": rejected.reason}
