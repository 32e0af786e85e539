"""How a dead letter is retried: each door registers its own way in (a lower layer cannot
import the doors), called by ``deadletter_retry`` once the cause has been fixed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.db.models import F

from ungpho.core.validate import storable_text
from ungpho.faults.models import DeadLetter
from ungpho.faults.services import REASON_CHARS


class StillDead(Exception):
    """The retry could not read or store the input either; the message says why."""

    def __init__(self, reason: str, field: str = ""):
        super().__init__(reason)
        self.reason, self.field = reason, field


#: door → retry(letter) → a summary of what was stored; raises StillDead.
_RETRY: dict[str, Callable[[DeadLetter], str]] = {}


def door_register(door: str, retry: Callable[[DeadLetter], str]) -> None:
    """Called from a door app's ``ready()``."""
    _RETRY[door] = retry


def deadletter_retry(letter: DeadLetter) -> tuple[bool, str]:
    """Feed the letter to its door again: (resolved, what happened). A letter that is
    resolved stays resolved; one that fails again keeps the new reason."""
    now = dt.datetime.now(dt.UTC)
    retry = _RETRY.get(letter.door)
    if retry is None:
        return False, f"the {letter.door} door cannot retry its letters"
    try:
        summary = retry(letter)
    except StillDead as still:
        reason = storable_text(still.reason, max_chars=REASON_CHARS)
        DeadLetter.objects.filter(pk=letter.pk).update(
            attempts=F("attempts") + 1, last_attempt_at=now, reason=reason,
            field=storable_text(still.field, max_chars=120))
        return False, reason
    resolution = storable_text(summary, max_chars=500)
    DeadLetter.objects.filter(pk=letter.pk).update(
        attempts=F("attempts") + 1, last_attempt_at=now, resolved_at=now, resolution=resolution)
    return True, resolution


def database_at_fault(error: BaseException) -> bool:
    """Whether a failure is the database's rather than the input's: it cannot be reached
    (checked by connecting again), or SQLite stayed locked past its busy timeout. Such an
    input is not dead: the door leaves it where it is (a file in its folder, an MQTT message
    unacknowledged) for the next attempt. Anything else — a value, a text or a size the
    database refuses (PostgreSQL's program limits are OperationalErrors too), a parser's
    surprise — is the input's. Call it once the failed transaction is over: inside one the
    connection cannot be probed, and the error counts as the input's."""
    import sqlite3

    from django.db import InterfaceError, OperationalError

    kinds: tuple = (OperationalError, InterfaceError, sqlite3.OperationalError,
                    sqlite3.InterfaceError)
    try:
        import psycopg  # raw COPY raises psycopg's own errors, not Django's

        kinds += (psycopg.OperationalError, psycopg.InterfaceError)
    except ImportError:  # PostgreSQL is optional
        pass
    if not isinstance(error, kinds):
        return False
    code = getattr(error, "sqlite_errorcode", None) or getattr(
        error.__cause__, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return True
    if connection.in_atomic_block:
        return False
    if connection.connection is None:  # no connection could be had: nothing to probe
        return True
    try:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except kinds:
        return True
    return False
