"""How the file door opens a station file, and why it could not.

The drop folder is the FTP server's root: whoever can upload can also, over SFTP or an FTP
server's ``SITE SYMLINK``, make a symbolic link there. Its files are therefore opened
``Beneath`` the folder: every folder below the root from its parent's descriptor and the file
itself with ``O_NOFOLLOW``, so that the kernel refuses any link — one to ``/etc/shadow``, to a
device, to a FIFO, to a file elsewhere in the folder, or one swapped in after the listing —
rather than the door checking where a link points and then opening it (a check an attacker can
race). Links inside the folder are refused too: an upload never makes one, and a file taken
twice under two names is no better than one refused. ``ungpho ingest`` reads the paths its
operator names, following links as any command does (``open_following``).

Every file is opened non-blocking and must be a regular file: a FIFO would otherwise hold the
door until somebody writes to it, and a device would never end.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable

#: A FIFO opened for reading blocks until a writer comes: O_NONBLOCK returns at once (a
#: regular file ignores the flag).
_READ = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC

ERR_LINK = ("a symbolic link (to {target!r}): the drop folder reads regular files only and "
            "never follows a link; put the file itself in the folder")
ERR_DANGLING = "a symbolic link to {target!r}, which does not exist"
ERR_NOT_REGULAR = "not a regular file but a {kind}: only station text files are read"
ERR_DENIED = "cannot be read: permission denied (the worker's user needs read access)"
ERR_NAME = "the file name is not UTF-8: rename the file (station file names are ASCII)"


class Unreadable(Exception):
    """The door cannot read this file; the message says why (for its dead letter)."""


class Outside(Exception):
    """A folder on the file's path is a link or is gone: the file is not the drop folder's
    to read or to move."""


def open_following(path: str) -> int:
    """A regular file's descriptor, following links (the command line's paths)."""
    return regular(os.open(path, _READ))


def regular(fd: int) -> int:
    """``fd`` if it is a regular file; else closed, and Unreadable naming what it is."""
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return fd
    os.close(fd)
    kind = ("folder" if stat.S_ISDIR(mode) else "FIFO" if stat.S_ISFIFO(mode) else
            "socket" if stat.S_ISSOCK(mode) else "device" if stat.S_ISCHR(mode)
            or stat.S_ISBLK(mode) else "special file")
    raise Unreadable(ERR_NOT_REGULAR.format(kind=kind))


class Beneath:
    """Opens files below ``root`` without following any link below it (module docstring).
    The descriptor of the last folder is kept: files come sorted, so a folder costs one
    ``open`` per component for all its files, and each file one ``open`` as before."""

    def __init__(self, root: str | os.PathLike):
        self.root = os.fspath(root)
        self._prefix = os.path.join(self.root, "")
        self._folder, self._fd = "", -1

    def __call__(self, path: str) -> int:
        # The walk's paths start with the root: relpath() would cost more than the open.
        inside = path[len(self._prefix):] if path.startswith(self._prefix) else \
            os.path.relpath(path, self.root)
        folder, _, name = inside.rpartition(os.sep)
        if self._fd < 0 or folder != self._folder:
            self.close()
            self._fd, self._folder = self._open_folder(folder), folder
        try:
            return regular(os.open(name, _READ | os.O_NOFOLLOW, dir_fd=self._fd))
        except OSError as error:
            if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link
                raise Unreadable(ERR_LINK.format(target=_target(path))) from None
            raise

    def _open_folder(self, folder: str) -> int:
        parts = folder.split(os.sep) if folder else []
        if ".." in parts:
            raise Outside(f"{folder!r} is not below {self.root}")
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        for part in parts:
            try:
                inner = os.open(part, _FOLDER, dir_fd=fd)
            except OSError as error:
                raise Outside(f"folder {part!r}: {error.strerror}") from None
            finally:
                os.close(fd)
            fd = inner
        return fd

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _target(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def unreadable_reason(path: str, error: OSError) -> str | None:
    """Why ``open`` failed, for a dead letter; None when the file has simply gone (renamed
    away by the FTP server after the listing, or removed): it is no longer there to read."""
    if error.errno == errno.ENOENT:
        return ERR_DANGLING.format(target=_target(path)) if os.path.islink(path) else None
    if error.errno in (errno.EACCES, errno.EPERM):
        return ERR_DENIED
    return f"cannot be read: {error.strerror or error}"


def file_head(path: str, opener, limit: int) -> tuple[bytes | None, int, str | None]:
    """The first ``limit`` bytes of a file, its size and the SHA-256 of all of it, for its
    dead letter; (None, 0, None) when it cannot be read."""
    try:
        fd = opener(path)
    except (OSError, Unreadable, Outside):
        return None, 0, None
    digest, head, size = hashlib.sha256(), b"", 0
    try:
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
            if len(head) < limit:
                head += chunk[:limit - len(head)]
            size += len(chunk)
    except OSError:
        return None, 0, None
    finally:
        os.close(fd)
    return head, size, digest.hexdigest()


#: A file this small is read whole while it is hashed, and kept for parsing.
SMALL_FILE_BYTES = 64 * 1024


def file_key(path: str, opener: Callable[[str], int]) -> tuple[str, int, str, bytes | None]:
    """Name (whole), size, hash and — for a small file — its content, read once. The hash is the
    SHA-256 of the file's name and content: the same readings re-sent under the same name are
    the same file; another station's file with equal content is not."""
    name = os.path.basename(path)
    name_bytes = name.encode()  # UnicodeEncodeError: a name that is not UTF-8
    fd = opener(path)  # a descriptor, not open(): its buffered file object costs twice
    try:
        content = os.read(fd, SMALL_FILE_BYTES + 1)
        while len(content) <= SMALL_FILE_BYTES and (more := os.read(
                fd, SMALL_FILE_BYTES + 1 - len(content))):  # a short read is not the end
            content += more
        digest = hashlib.sha256(name_bytes + b"\0" + content)
        if len(content) <= SMALL_FILE_BYTES:
            return name, len(content), digest.hexdigest(), content
        size = len(content)
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return name, size, digest.hexdigest(), None
