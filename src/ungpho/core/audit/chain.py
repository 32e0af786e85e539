"""Hash chain over the audit log: each entry's hash covers its content and the previous hash.

Editing, inserting or deleting a stored entry changes some hash downstream, so a re-computation
over the whole log finds the first entry that no longer fits (the construction of a linked
timestamping chain, Haber & Stornetta, *J. Cryptology* 3(2), 1991, doi:10.1007/BF00196791).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


def canonical_json(payload: Mapping[str, object]) -> bytes:
    """Deterministic bytes of a JSON payload: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(*, previous_hash: str, payload: Mapping[str, object]) -> str:
    """SHA-256 (FIPS 180-4) of the previous hash followed by the canonical payload, hex."""
    return hashlib.sha256(previous_hash.encode("ascii") + canonical_json(payload)).hexdigest()


@dataclass(frozen=True)
class StoredEntry:
    seq: int
    payload: Mapping[str, object]
    previous_hash: str
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def chain_verify(entries: Iterable[StoredEntry]) -> ChainBreak | None:
    """The first entry (in ``seq`` order) that breaks the chain, or ``None`` when intact."""
    expected_previous = GENESIS_HASH
    expected_seq = 1
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainBreak(entry.seq, f"entry {expected_seq} is missing (deleted?)")
        if entry.previous_hash != expected_previous:
            return ChainBreak(entry.seq, "previous hash does not match: an entry before it changed")
        if entry_hash(previous_hash=entry.previous_hash, payload=entry.payload) != entry.hash:
            return ChainBreak(entry.seq, "content does not match its hash: the entry was edited")
        expected_previous = entry.hash
        expected_seq += 1
    return None
