"""The drop folder: the FTP server's root, which the worker takes in at every pass (``ungpho
worker``, setting ``UNGPHO_DROP_DIR``).

A file is taken once nobody has written to it for ``SETTLE_S``, through the file door
(``files``), opened without following any link (``file_open``); then it is moved under the
data dir, keeping its relative path: to ``archive/`` once its lines are committed, to
``rejected/`` when its name names no station or when it became a dead letter (``ungpho
deadletters``), so that nothing is read twice and nothing bad is read at every pass.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from django.conf import settings

from ungpho.faults.models import DeadLetter
from ungpho.monitoring.doors.file_records import NAME_CHARS
from ungpho.monitoring.doors.files import files_ingest, station_files
from ungpho.monitoring.models import IngestFile

log = logging.getLogger(__name__)

#: A file still being written by the FTP server is left for the next pass.
SETTLE_S = 2.0
#: Files one worker pass takes, so that notifications are not held up by a backlog.
DROP_PASS_FILES = 2000


def drop_folder_pass(*, now: float | None = None) -> int:
    """One worker pass over the drop folder: settled files are ingested, then moved under
    the data dir's ``archive/`` (or ``rejected/`` when their name names no station, or when
    they became a dead letter), keeping their relative path. Files are opened without
    following links (``file_open``). Returns how many files were taken."""
    drop = settings.DROP_DIR
    if drop is None or not drop.is_dir():
        return 0
    now = now or time.time()
    # A lazy walk: a backlog of millions of files is never listed whole.
    ready = list(islice(_settled(drop, now), DROP_PASS_FILES))
    if not ready:
        return 0
    files_ingest(ready, door=DeadLetter.Door.FILE, beneath=drop,
                 after_commit=lambda done: _archive(drop, done),
                 on_dead=lambda path: file_move(drop, path, settings.REJECTED_DIR))
    return len(ready)


def _settled(drop: Path, now: float) -> Iterator[str]:
    """The drop folder's files that nobody has written to for SETTLE_S; a link's own time
    counts (it is not followed), and a file gone since the listing is not there."""
    for path in station_files([drop]):
        if os.path.relpath(path, drop).startswith("."):
            continue
        try:
            changed = os.lstat(path).st_mtime
        except OSError:
            continue
        if now - changed >= SETTLE_S:
            yield path


def _archive(drop: Path, paths: list[str]) -> None:
    rejected = set(IngestFile.objects.filter(  # by name first: the key's index
        name__in=[os.path.basename(path)[:NAME_CHARS] for path in paths], path__in=paths,
        rejected_lines__field="file name").values_list("path", flat=True))
    for path in paths:
        file_move(drop, path,
                  settings.REJECTED_DIR if path in rejected else settings.ARCHIVE_DIR)


def file_move(drop: Path, path: str, base: Path) -> None:
    """Move a file (or the link itself, never what it points to) from ``drop`` to the same
    relative path under ``base``. A file that cannot be moved stays, with a warning: it
    is known, so the next pass skips it (or keeps its letter) and tries again."""
    target = base / os.path.relpath(path, drop)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(path):
            shutil.move(path, target)
    except OSError as error:
        log.warning("%s could not be moved to %s: %s", path, target, error)
