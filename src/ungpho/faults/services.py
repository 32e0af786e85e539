"""Keep what failed: a door's dead letter, a worker step's failure.

These run when something has just gone wrong, so they never raise for the content they are
given (any bytes, any text); they raise only when the database itself is unreachable, which
the caller must treat as "not stored" (an MQTT message stays unacknowledged, a file stays in
the drop folder).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import traceback

from django.conf import settings
from django.db import transaction
from django.db.models import F

from ungpho.audit.services import audit_record
from ungpho.core.validate import storable_text
from ungpho.faults.models import DeadLetter, StepHealth

log = logging.getLogger(__name__)

_SOURCE_CHARS = DeadLetter._meta.get_field("source").max_length
_FIELD_CHARS = DeadLetter._meta.get_field("field").max_length
REASON_CHARS = 4000


def deadletter_keep(*, door: str, source: str, payload: bytes | None, reason: str,
                    field: str = "", at: dt.datetime | None = None,
                    size_bytes: int | None = None, sha256: str | None = None) -> DeadLetter:
    """Keep one input the door could not read or store, in its own transaction (call it
    outside the transaction that failed). The same input from the same door and source,
    while its letter is open, counts as received again. A door that hands over only the
    beginning of a large input (a file) gives the whole one's ``size_bytes`` and ``sha256``."""
    at = at or dt.datetime.now(dt.UTC)
    data = payload or b""  # None: the door could not read it (a payload of None is kept)
    digest = sha256 or hashlib.sha256(data).hexdigest()
    size = max(size_bytes or 0, len(data))
    source = storable_text(source, max_chars=_SOURCE_CHARS)
    reason = storable_text(reason, max_chars=REASON_CHARS)
    field = storable_text(field, max_chars=_FIELD_CHARS)
    limit = settings.DEADLETTER_MAX_BYTES
    with transaction.atomic():
        seen = DeadLetter.objects.filter(sha256=digest, door=door, source=source,
                                         resolved_at__isnull=True).first()
        if seen is not None:
            DeadLetter.objects.filter(pk=seen.pk).update(
                times_received=F("times_received") + 1, last_received_at=at, reason=reason,
                field=field)
            seen.refresh_from_db()
            letter = seen
        else:
            letter = DeadLetter.objects.create(
                door=door, source=source, payload=None if payload is None else data[:limit],
                size_bytes=size, truncated=size > limit, sha256=digest, field=field,
                reason=reason,
                received_at=at, last_received_at=at)
    log.warning("dead letter #%s (%s %s): %s%s", letter.pk, door, source,
                f"{field}: " if field else "", reason)
    return letter


def step_failed(*, name: str, worker: str, error: BaseException) -> None:
    """Record that a worker step raised (the traceback is logged by the caller)."""
    text = storable_text("".join(traceback.format_exception_only(error)).strip(),
                         max_chars=REASON_CHARS)
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        health, _ = StepHealth.objects.select_for_update().get_or_create(name=name)
        if not health.failing:
            health.failing_since = now
        health.failing = True
        health.consecutive_failures += 1
        health.total_failures += 1
        health.last_failed_at, health.last_error, health.last_worker = now, text, worker
        health.save()


def step_recovered(*, name: str) -> None:
    """The step ran after failing: it is healthy again (its history stays)."""
    StepHealth.objects.filter(name=name, failing=True).update(
        failing=False, consecutive_failures=0, recovered_at=dt.datetime.now(dt.UTC))


class AlreadyResolved(Exception):
    """The letter was resolved before (by a retry or by hand)."""


def deadletter_resolve(*, letter: DeadLetter, note: str, by) -> DeadLetter:
    """Close a letter by hand (the input was sent again by other means, or is not worth
    keeping), with the administrator's note; audited. AlreadyResolved if it is closed."""
    now = dt.datetime.now(dt.UTC)
    resolution = storable_text(f"by hand: {note}".strip(), max_chars=500)
    with transaction.atomic():
        if not DeadLetter.objects.filter(pk=letter.pk, resolved_at__isnull=True).update(
                resolved_at=now, resolution=resolution):
            raise AlreadyResolved(letter.pk)
        audit_record(by=by, action="deadletter.resolve", object_type="faults.deadletter",
                     object_id=str(letter.pk), after={"resolution": resolution,
                                                      "door": letter.door,
                                                      "source": letter.source})
    letter.resolved_at, letter.resolution = now, resolution
    return letter
