"""How the doors' dead letters are taken in again once their cause is fixed
(``ungpho deadletters retry``, the admin's retry action); registered by
``MonitoringConfig.ready``.

A station file (doors ``file`` and ``cli``) or a EURDEP file is read again where the door left
it — the drop folder's ``rejected/`` copy, the path named to the command — when it is still
there, since the administrator may have fixed the file or its permissions; else from the
letter's payload when that holds the whole file. Either way it goes through its door with the
same checks, so a retry takes in only what was not taken in before (a file stored in part
resumes after its last committed line), and a drop-folder file that goes in is moved on to
``archive/``.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from ungpho.audit.services import Actor
from ungpho.faults.doors import StillDead
from ungpho.faults.models import DeadLetter

RETRY_ACTOR = Actor("system", "deadletters retry")
ERR_NOT_WHOLE = ("{source} is no longer there and the letter keeps {kept}: put the file back "
                 "(or drop it again) and retry")


def station_file_retry(letter: DeadLetter) -> str:
    """Retry of a station file's letter (doors ``file`` and ``cli``)."""
    from ungpho.monitoring.doors.drop_folder import file_move
    from ungpho.monitoring.doors.files import file_bytes_ingest, files_ingest

    path, beneath = _on_disk(letter)
    if path is not None:
        summary = files_ingest([path], door=None, beneath=beneath)
    else:
        summary = file_bytes_ingest(path=letter.source, content=_whole(letter))
    if summary.dead_letters:
        row = summary.dead_letters[0]
        where = f"line {row['line']}: " if row["line"] else ""
        raise StillDead(where + row["reason"], row["field"])
    if summary.files_vanished:
        raise StillDead(f"{path} went away while it was read")
    if letter.door == DeadLetter.Door.FILE and path is not None:
        file_move(settings.REJECTED_DIR, path, settings.ARCHIVE_DIR)
    return (f"{summary.stored} stored, {summary.duplicates} duplicates, "
            f"{len(summary.rejected)} lines rejected")


def eurdep_retry(letter: DeadLetter) -> str:
    from ungpho.monitoring.doors.eurdep_io import eurdep_bytes_import, eurdep_file_import

    if os.path.lexists(letter.source):
        summary = eurdep_file_import(letter.source, by=RETRY_ACTOR, door=None)
    else:
        summary = eurdep_bytes_import(_whole(letter), source=letter.source, by=RETRY_ACTOR,
                                      door=None)
    if summary["dead_letter"] is not None:
        raise StillDead(summary["dead_letter"]["reason"], summary["dead_letter"]["field"])
    return (f"{summary['stored']} stored, {summary['duplicates']} duplicates, "
            f"{len(summary['rejected'])} lines rejected")


def _on_disk(letter: DeadLetter) -> tuple[str | None, Path | None]:
    """Where the letter's file is now, and the folder it must be opened beneath (None: any
    path, as the command line reads); (None, None) when it is gone."""
    if letter.door != DeadLetter.Door.FILE:
        return (letter.source, None) if os.path.lexists(letter.source) else (None, None)
    drop = settings.DROP_DIR
    if drop is None:
        return None, None
    inside = os.path.relpath(letter.source, drop)
    path = settings.REJECTED_DIR / inside
    if inside.startswith("..") or not os.path.lexists(path):
        return None, None
    return str(path), settings.REJECTED_DIR


def _whole(letter: DeadLetter) -> bytes:
    if letter.payload is None or letter.truncated:
        kept = ("nothing of it (it could not be read)" if letter.payload is None else
                f"only its first {len(letter.payload)} of {letter.size_bytes} bytes")
        raise StillDead(ERR_NOT_WHOLE.format(source=letter.source, kept=kept))
    return bytes(letter.payload)


def tracker_retry(letter: DeadLetter) -> str:
    """A tracker's letter came over MQTT (its topic: the message goes through the MQTT door
    again, token and all) or over HTTP (its token was checked before it was kept)."""
    from ungpho.monitoring.doors.mqtt_messages import mqtt_letter_retry
    from ungpho.preparedness.tracker_letters import tracker_letter_retry

    if letter.source.startswith("ungpho/trackers/"):
        return mqtt_letter_retry(letter)
    return tracker_letter_retry(letter)
