"""Anchoring the audit chain's head outside the database: a worker step appends (seq, link,
time, MAC) to an append-only file every ``UNGPHO_AUDIT_ANCHOR_S`` while the chain grows, and
``ungpho audit anchor --export FILE`` writes the same line into a file of its own to keep
elsewhere. ``ungpho audit verify`` compares the chain with both (``core.audit.anchors``).

The file is opened with O_APPEND, locked while a line is written, fsync'd, and never
rewritten. Before anchoring, the entries since the last anchor are verified and the anchored
entry is checked to be still there as anchored: a chain cut short or rewritten is never
anchored over — the step fails, and ``ungpho check`` shows it failing.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from pathlib import Path

from django.conf import settings

from ungpho.audit.models import AuditEntry
from ungpho.audit.selectors import chain_unkeyed_through
from ungpho.core.audit.anchors import Anchor, anchor_line, anchors_read
from ungpho.core.audit.chain import GENESIS_HASH, StoredEntry, chain_verify

#: Bytes read from the end of the file to find its last anchor (lines are ~200 bytes).
_TAIL_BYTES = 8192


class AnchorRefused(Exception):
    """The chain no longer matches its last anchor: it is not anchored over."""


def anchor_last(path: Path) -> Anchor | None:
    """The last anchor that verifies in the file at ``path`` (None: no file, or none)."""
    try:
        with path.open("rb") as file:
            file.seek(max(file.seek(0, os.SEEK_END) - _TAIL_BYTES, 0))
            tail = file.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    anchors, _findings, _notes = anchors_read(tail.splitlines(keepends=True)[-20:],
                                              key=settings.AUDIT_KEY, source=str(path))
    return anchors[-1] if anchors else None


def _append(path: Path, line: str) -> None:
    """Append one line and fsync it; a line left incomplete by a crash is ended first, so
    the new one stands on a line of its own."""
    new = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = "\n" + line
        data = line.encode()
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
    finally:
        os.close(fd)
    if new:
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _head() -> dict | None:
    return AuditEntry.objects.order_by("-seq").values("seq", "hash").first()


def _verified_since(last: Anchor | None, head: dict) -> None:
    """Raise unless the chain still holds ``last`` as anchored and every entry after it (with
    no anchor yet: every entry) verifies."""
    after, unkeyed_through = (0, GENESIS_HASH), chain_unkeyed_through()
    if last is not None:
        if head["seq"] < last.seq:
            raise AnchorRefused(f"the audit log ends at #{head['seq']} but #{last.seq} was "
                                f"anchored at {last.at.isoformat()}: entries were deleted "
                                f"(ungpho audit verify)")
        stored = AuditEntry.objects.filter(seq=last.seq).values_list("hash", flat=True).first()
        if stored != last.hash:
            raise AnchorRefused(f"audit entry #{last.seq} differs from its anchor of "
                                f"{last.at.isoformat()} (ungpho audit verify)")
        after = (last.seq, last.hash)
    entries = (StoredEntry(e.seq, e.payload(), e.previous_hash, e.hash) for e in
               AuditEntry.objects.filter(seq__gt=after[0]).order_by("seq").iterator(
                   chunk_size=2000))
    broken = next(chain_verify(entries, key=settings.AUDIT_KEY, after=after,
                               unkeyed_through=unkeyed_through), None)
    if broken is not None:
        raise AnchorRefused(f"{broken.message} (ungpho audit verify)")


def audit_anchor(*, now: dt.datetime | None = None, force: bool = False) -> Anchor | None:
    """Worker step: anchor the chain's head if it moved and ``UNGPHO_AUDIT_ANCHOR_S`` passed
    since the last anchor (``force``: now, if it moved); the anchor written, or None."""
    now = now or dt.datetime.now(dt.UTC)
    path = settings.AUDIT_ANCHOR_FILE
    last = anchor_last(path)
    if not force and last is not None and \
            (now - last.at).total_seconds() < settings.AUDIT_ANCHOR_S:
        return None
    head = _head()
    if head is None:
        return None
    if last is not None and head["seq"] == last.seq and head["hash"] == last.hash:
        return None
    _verified_since(last, head)
    line = anchor_line(seq=head["seq"], hash=head["hash"], at=now, key=settings.AUDIT_KEY)
    _append(path, line)
    return Anchor(head["seq"], head["hash"], now, str(path))


def anchor_export(target: Path, *, now: dt.datetime | None = None) -> Anchor | None:
    """Anchor the head now and write its anchor, authenticated with the key, into ``target``
    (a file of its own, replaced whole) to keep away from this machine; None: nothing to
    anchor (an empty log)."""
    now = now or dt.datetime.now(dt.UTC)
    audit_anchor(now=now, force=True)
    head = _head()
    if head is None:
        return None
    line = anchor_line(seq=head["seq"], hash=head["hash"], at=now, key=settings.AUDIT_KEY)
    temporary = target.with_name(f".{target.name}.tmp")
    with temporary.open("w") as file:
        file.write(line)
        file.flush()
        os.fsync(file.fileno())
    temporary.replace(target)
    return Anchor(head["seq"], head["hash"], now, str(target))
