"""What the MQTT door does with the messages it receives: each one is stored or kept as a
dead letter, and only then acknowledged (issue 20).

Readings (``ungpho/<station>/readings``, ``{"token": …, "readings": [...]}``) of many
messages go through one ``pipeline.Ingestor`` flush, so a batch shares one transaction; a
batch the database refuses is stored again message by message, so that the message at fault
becomes a dead letter and the others are stored. Tracker positions
(``ungpho/trackers/<serial>/positions``) are few and go one by one. A message is a dead letter
(door ``mqtt``, or ``tracker``; source: the topic) when it cannot be read (not JSON, too large,
too deep, a number or a time Python cannot hold), when its token is not the topic's station's,
when it names another station than its token's (HTTP answers 403), or when the database
refuses what it holds. Readings refused one by one inside a message that was read stay
``RejectedLine`` rows, as from every door.

Only a database that cannot be reached (or, on SQLite, stays locked past its busy timeout)
is not the message's fault: ``DatabaseUnavailable`` then says "try the whole batch again",
and nothing of it is acknowledged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from ungpho.core.formats.readings_json import parse_batch
from ungpho.faults.doors import StillDead, database_at_fault
from ungpho.faults.services import deadletter_keep
from ungpho.monitoring.models import Reading, Station
from ungpho.monitoring.pipeline import Ingestor, RawItem, Rejected
from ungpho.monitoring.services import readings_as_items
from ungpho.platform.machine_tokens import token_digest, token_payload

log = logging.getLogger(__name__)

READINGS_TOPIC = "ungpho/+/readings"
TRACKERS_PREFIX = "ungpho/trackers/"
ERR_TOKEN = "not a valid token for station {code!r}"
ERR_STATION = ("the token is station {own}'s: it cannot send readings of station {code!r} "
               "(send them with that station's token, on ungpho/{code}/readings)")
ERR_TOO_LARGE = "{size} bytes, over the limit of {limit} bytes (DATA_UPLOAD_MAX_MEMORY_SIZE)"


class DatabaseUnavailable(Exception):
    """The database, not the messages: store the whole batch again later."""


class Refused(Exception):
    """A message that cannot be stored, with the field at fault and why."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field, self.reason = field, reason


@dataclass(slots=True)
class _Readings:
    """One readings message, read: what goes into the pipeline."""

    index: int
    station: Station
    items: list[RawItem]
    rejected: list[Rejected]


def messages_store(messages: Sequence[tuple[str, bytes]]) -> list[dict]:
    """Store every message of a batch (topic, payload), or keep it as a dead letter; one
    outcome per message, in order: ``{"stored", "duplicates", "rejected"}`` or ``{"dead_letter":
    id, "field", "reason"}``. Raises ``DatabaseUnavailable`` (nothing to acknowledge)."""
    try:
        outcomes, refused = _store(messages)
    except DatabaseUnavailable:
        raise
    except Exception as error:  # a fault of the door itself: keep the batch, never stall
        _database_fault(error)
        log.exception("MQTT: a batch of %d messages could not be handled", len(messages))
        outcomes = [{}] * len(messages)
        refused = [(i, Refused("", f"the door failed on this batch: {error!r}"))
                   for i in range(len(messages))]
    outcomes = list(outcomes)
    for index, why in refused:
        topic, payload = messages[index]
        try:
            letter = deadletter_keep(door=door_of(topic), source=topic, payload=payload,
                                     reason=why.reason, field=why.field)
        except Exception as error:
            _database_fault(error)
            raise
        outcomes[index] = {"dead_letter": letter.pk, "field": why.field, "reason": why.reason}
    return outcomes


def door_of(topic: str) -> str:
    """The dead-letter door of a topic: ``tracker`` for positions, ``mqtt`` for readings."""
    return "tracker" if topic.startswith(TRACKERS_PREFIX) else "mqtt"


def mqtt_letter_retry(letter) -> str:
    """``faults.doors`` retry of the ``mqtt`` and ``tracker`` doors: the kept payload through
    the same ingest, on its topic."""
    if door_of(letter.source) != letter.door:
        raise StillDead(f"{letter.source!r} is not an MQTT topic of the {letter.door} door: "
                        "this letter did not come over MQTT", "source")
    if letter.truncated:
        raise StillDead(f"only the first {len(letter.payload or b'')} of {letter.size_bytes} "
                        "bytes were kept: the station must send it again", "payload")
    try:
        outcomes, refused = _store([(letter.source, bytes(letter.payload or b""))])
    except DatabaseUnavailable as error:
        raise StillDead(f"the database failed: {error}") from error
    if refused:
        why = refused[0][1]
        raise StillDead(why.reason, why.field)
    outcome = outcomes[0]
    return (f"{outcome['stored']} stored, {outcome['duplicates']} already stored, "
            f"{len(outcome['rejected'])} rejected")


def _store(messages: Sequence[tuple[str, bytes]]) -> tuple[list[dict], list[tuple[int, Refused]]]:
    """The outcome of each stored message and, for the others, why not (nothing kept yet)."""
    outcomes: list[dict] = [{}] * len(messages)
    refused: list[tuple[int, Refused]] = []
    decoded: list[tuple[int, str, dict, str]] = []
    trackers: list[int] = []
    for index, (topic, payload) in enumerate(messages):
        if topic.startswith(TRACKERS_PREFIX):
            trackers.append(index)
            continue
        try:
            decoded.append((index, topic, *_decoded(payload)))
        except Refused as why:
            refused.append((index, why))
    stations = _stations_by_token({digest for *_, digest in decoded if digest})
    batch = []
    for index, topic, body, digest in decoded:
        try:
            batch.append(_readings(index, topic, body, stations.get(digest)))
        except Refused as why:
            refused.append((index, why))
    refused += _readings_store(batch, outcomes)
    for index in trackers:
        try:
            outcomes[index] = _tracker_store(*messages[index])
        except Refused as why:
            refused.append((index, why))
    return outcomes, sorted(refused, key=lambda pair: pair[0])


def _size_check(payload: bytes) -> None:
    """The limit of an HTTP body holds for a message too: a larger one is not parsed."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and len(payload) > limit:
        raise Refused("payload", ERR_TOO_LARGE.format(size=len(payload), limit=limit))


def _decoded(payload: bytes) -> tuple[dict | list | None, str]:
    """The JSON body and the SHA-256 of its token ("" if it has none)."""
    _size_check(payload)
    body, token, error = token_payload(payload)
    if error:
        raise Refused(error["error"]["field"], error["error"]["message"])
    try:
        return body, token_digest(token) if token else ""
    except UnicodeEncodeError:  # JSON may spell a lone surrogate, "\ud800"; no token has one
        raise Refused("token", "not a token: it holds a lone surrogate") from None


def _stations_by_token(digests: set[str]) -> dict[str, Station]:
    """The stations of these token digests, in one query."""
    if not digests:
        return {}
    try:
        return {s.token_sha256: s for s in Station.objects.filter(token_sha256__in=digests)}
    except Exception as error:
        _database_fault(error)
        raise


def _readings(index: int, topic: str, body, station: Station | None) -> _Readings:
    """One message read: its station (the token's, which must be the topic's and the one
    the body names, if it names one), its items and its rejections."""
    parts = topic.split("/")
    code = parts[1] if len(parts) == 3 else ""
    if station is None or station.code != code:
        raise Refused("token", ERR_TOKEN.format(code=code))
    try:
        named, readings, rejections = parse_batch(body)
    except Exception as error:  # the parser's own failure: the readings cannot be read
        raise Refused("readings", f"cannot be read: {type(error).__name__}: {error}") from None
    if named is not None and named != station.code:
        raise Refused("station", ERR_STATION.format(own=station.code, code=named))
    items, rejected = readings_as_items(readings, rejections)
    return _Readings(index, station, items, rejected)


def _readings_store(batch: list[_Readings], outcomes: list[dict]) -> list[tuple[int, Refused]]:
    """One flush for the batch; if the database refuses it, one flush per message, so that
    only the messages at fault are refused."""
    if not batch:
        return []
    try:
        _flush(batch, outcomes)
        return []
    except Exception as error:
        _database_fault(error)
        if len(batch) == 1:
            return [(batch[0].index, _stored_not(error))]
    refused = []
    for one in batch:
        try:
            _flush([one], outcomes)
        except Exception as error:
            _database_fault(error)
            refused.append((one.index, _stored_not(error)))
    return refused


def _flush(batch: list[_Readings], outcomes: list[dict]) -> None:
    ingestor = Ingestor()
    results = [(one.index, ingestor.add(
        station=one.station, items=one.items, via=Reading.Via.MQTT,
        source=f"{Reading.Via.MQTT}:{one.station.code}", rejected=one.rejected))
        for one in batch]
    ingestor.flush()
    for index, result in results:
        outcomes[index] = {"stored": result.stored, "duplicates": result.duplicates,
                           "rejected": [{"index": r.line_no, "field": r.field,
                                         "reason": r.reason} for r in result.rejected]}


def _tracker_store(topic: str, payload: bytes) -> dict:
    from ungpho.preparedness.trackers import tracker_message_ingest

    _size_check(payload)
    try:
        outcome = tracker_message_ingest(topic, payload)
    except Exception as error:
        _database_fault(error)
        raise _stored_not(error) from None
    if "error" in outcome:
        raise Refused(outcome["error"]["field"], outcome["error"]["message"])
    return outcome


def _stored_not(error: Exception) -> Refused:
    return Refused("", f"could not be stored: {type(error).__name__}: {error}")


def _database_fault(error: BaseException) -> None:
    """Raise ``DatabaseUnavailable`` if ``error`` is the database's fault, not the message's
    (``faults.doors.database_at_fault``)."""
    if isinstance(error, DatabaseUnavailable):
        raise error
    if database_at_fault(error):
        raise DatabaseUnavailable(str(error)) from error
