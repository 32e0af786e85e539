"""Keyed hash chain over the audit log: each entry's MAC covers its content and the previous
entry's MAC, under a key kept outside the database.

Editing, inserting or deleting a stored entry changes some link downstream, so a
re-computation over the whole log finds every entry that no longer fits (the linked
timestamping chain of Haber & Stornetta, *J. Cryptology* 3(2), 1991,
doi:10.1007/BF00196791). Keyed with HMAC-SHA-256 (RFC 2104, FIPS 198-1), an entry edited by
someone without the key cannot be given a MAC that verifies, however the rest of the chain is
recomputed; a deleted tail leaves a valid shorter chain, which the anchors kept outside the
database catch (``core.audit.anchors``).

A log written before the chain was keyed carries plain SHA-256 links (FIPS 180-4). It is
carried over by one keyed *re-anchor* entry that commits to its head: the entries up to it
verify as SHA-256, every later one as HMAC, and none of the earlier ones can change from then
on without breaking the re-anchor's link.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ungpho.core.audit.findings import Finding

GENESIS_HASH = "0" * 64
#: The action of the entry that carries an unkeyed history over into the keyed chain.
REANCHOR_ACTION = "audit.chain.keyed"


def canonical_json(payload: Mapping[str, object]) -> bytes:
    """Deterministic bytes of a JSON payload: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_payload(*, seq: int, at: dt.datetime, actor_kind: str, actor: str, action: str,
                  object_type: str, object_id: str, before, after) -> dict:
    """What an entry's link covers (besides the previous link)."""
    return {"seq": seq, "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor_kind": actor_kind, "actor": actor, "action": action,
            "object_type": object_type, "object_id": object_id, "before": before,
            "after": after}


def entry_hash(*, previous_hash: str, payload: Mapping[str, object]) -> str:
    """SHA-256 (FIPS 180-4) of the previous hash followed by the canonical payload, hex: the
    link of a log written before the chain was keyed."""
    return hashlib.sha256(previous_hash.encode("ascii") + canonical_json(payload)).hexdigest()


def _as_stored(value):
    """``value`` as both databases give it back: PostgreSQL's jsonb keeps a number as the
    ``numeric`` its JSON text spells and returns a float of 1e16 or more (written with an
    exponent, e.g. ``5e+16``) as that integer, so such a float is taken as that integer."""
    if isinstance(value, float) and math.isfinite(value) and abs(value) >= 1e16:
        return int(decimal.Decimal(repr(value)))
    if isinstance(value, dict):
        return {k: _as_stored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_stored(v) for v in value]
    return value


def entry_mac(*, key: bytes, previous_hash: str, payload: Mapping[str, object]) -> str:
    """HMAC-SHA-256 (RFC 2104) under ``key`` of the previous link followed by the canonical
    payload (its numbers as stored), hex."""
    text = canonical_json(payload)
    if b"e+" in text:  # (a float of 1e16 or more, or just those letters in a text)
        text = canonical_json(_as_stored(dict(payload)))
    message = previous_hash.encode("ascii") + text
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A short name of a key that gives nothing of it away (its SHA-256, 16 hex digits), so
    operators can tell two keys apart."""
    return hashlib.sha256(key).hexdigest()[:16]


@dataclass(frozen=True)
class StoredEntry:
    seq: int
    payload: Mapping[str, object]
    previous_hash: str
    hash: str


def chain_verify(entries: Iterable[StoredEntry], *, key: bytes, unkeyed_through: int = 0,
                 after: tuple[int, str] = (0, GENESIS_HASH)) -> Iterator[Finding]:
    """Every entry (in ``seq`` order) that breaks the chain: a gap in the sequence, a link
    that does not follow the previous entry, a MAC that does not verify. Entries up to
    ``unkeyed_through`` (the history before the re-anchor) are checked as SHA-256 links.
    ``after``: the (seq, link) the entries follow (the chain's start, or an anchor). Each
    break is reported once: the next entry is checked against the link as stored."""
    expected_seq, expected_previous = after[0] + 1, after[1]
    for entry in entries:
        if entry.seq != expected_seq:
            missing = (f"#{expected_seq}" if entry.seq == expected_seq + 1 else
                       f"#{expected_seq}–#{entry.seq - 1}")
            yield Finding("chain.missing", f"mục {missing} bị mất / entries {missing} are missing "
                                            "(deleted)", seq=entry.seq)
        elif entry.previous_hash != expected_previous:
            yield Finding("chain.link", f"#{entry.seq}: liên kết với mục trước không khớp / its "
                                        "link to the entry before does not match: an entry "
                                        "was inserted, removed or edited before it",
                          seq=entry.seq)
        if entry.seq <= unkeyed_through:
            fits = entry_hash(previous_hash=entry.previous_hash,
                              payload=entry.payload) == entry.hash
        else:
            fits = hmac.compare_digest(entry_mac(key=key, previous_hash=entry.previous_hash,
                                                 payload=entry.payload), entry.hash)
        if not fits:
            yield Finding("chain.mac", f"#{entry.seq}: nội dung không khớp mã xác thực / "
                                       "content does not match its MAC: the entry was edited "
                                       "(or written without the key)", seq=entry.seq)
        expected_previous = entry.hash
        expected_seq = entry.seq + 1
