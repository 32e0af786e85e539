"""The log file in the data dir, which every ungpho process writes (docs/operations.md)."""

from __future__ import annotations

import contextlib
import fcntl
import os
from logging.handlers import RotatingFileHandler


class SharedRotatingFileHandler(RotatingFileHandler):
    """A size-rotated log file that several processes append to (web processes, workers,
    commands). Python's own handler rotates per process: a second process would rotate the
    file the first has just started. Here the rotation happens under an exclusive lock and
    only while the file on disk is still over the size, and a process whose file was moved
    away by another reopens the new one, as ``WatchedFileHandler`` does.
    (https://docs.python.org/3/howto/logging-cookbook.html#logging-to-a-single-file-from-multiple-processes)
    """

    def __init__(self, filename, **options):
        # A folder that cannot be made is reported by handleError on the first record, and
        # by ungpho check.
        with contextlib.suppress(OSError):
            os.makedirs(os.path.dirname(os.path.abspath(filename)), exist_ok=True)
        super().__init__(filename, delay=True, encoding="utf-8", **options)

    def _moved(self) -> bool:
        if self.stream is None:
            return False
        try:
            on_disk = os.stat(self.baseFilename)
        except FileNotFoundError:
            return True
        opened = os.fstat(self.stream.fileno())
        return (on_disk.st_dev, on_disk.st_ino) != (opened.st_dev, opened.st_ino)

    def shouldRollover(self, record) -> bool:
        if self._moved():
            self.stream.close()
            self.stream = self._open()
        return super().shouldRollover(record)

    def doRollover(self) -> None:
        with open(f"{self.baseFilename}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                size = os.stat(self.baseFilename).st_size
            except FileNotFoundError:
                size = 0
            if size >= self.maxBytes:
                super().doRollover()
            elif self.stream is not None:  # another process rotated it: follow
                self.stream.close()
                self.stream = self._open()
