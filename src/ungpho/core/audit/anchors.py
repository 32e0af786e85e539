"""Anchors: the chain's head (sequence number and link) written outside the database, each
line authenticated with the audit key, so that a chain cut short — its last entries deleted,
which leaves a valid shorter chain — no longer matches what was anchored.

A line is one JSON object: ``{"seq", "hash", "at", "key", "mac"}`` where ``mac`` is the
HMAC-SHA-256 (RFC 2104) of the canonical JSON of the other fields and ``key`` is the key's id
(``chain.key_id``). The file is only ever appended to (O_APPEND, fsync'd); a signed export is
the same line in a file of its own, to keep elsewhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ungpho.core.audit.chain import canonical_json, key_id
from ungpho.core.audit.findings import Finding


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: dt.datetime
    where: str  # file and line, for the report


def _mac(key: bytes, fields: Mapping[str, object]) -> str:
    return hmac.new(key, canonical_json(fields), hashlib.sha256).hexdigest()


def anchor_line(*, seq: int, hash: str, at: dt.datetime, key: bytes) -> str:
    """One anchor as a line of JSON (ending in a newline)."""
    fields = {"seq": seq, "hash": hash, "key": key_id(key),
              "at": at.astimezone(dt.UTC).isoformat(timespec="seconds")}
    return json.dumps({**fields, "mac": _mac(key, fields)}, sort_keys=True) + "\n"


def anchors_read(lines: Iterable[str], *, key: bytes,
                 source: str) -> tuple[list[Anchor], list[Finding], list[str]]:
    """The anchors of a file's lines; findings for lines forged or damaged; notes for what
    is no tampering (an incomplete last line: a write cut short by a crash)."""
    anchors, findings, notes = [], [], []
    lines = list(lines)
    for number, line in enumerate(lines, start=1):
        where = f"{source}:{number}"
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            fields: dict[str, Any] = {"seq": int(data["seq"]), "hash": str(data["hash"]),
                      "key": str(data["key"]), "at": str(data["at"])}
            at = dt.datetime.fromisoformat(fields["at"])
            mac = str(data["mac"])
        except (ValueError, KeyError, TypeError):
            if number == len(lines) and not line.endswith("\n"):
                notes.append(f"{where}: dòng cuối chưa ghi xong (máy dừng khi đang ghi?) / "
                             f"the last line is incomplete (a write cut short by a crash?)")
                continue
            findings.append(Finding("anchor.unreadable", f"{where}: dòng mốc neo không đọc "
                                    f"được / anchor line cannot be read"))
            continue
        if fields["key"] != key_id(key):
            findings.append(Finding("anchor.other_key", f"{where}: mốc neo #{fields['seq']} "
                                    f"ký bằng khoá khác ({fields['key']}) / anchor "
                                    f"#{fields['seq']} was made with another key "
                                    f"({fields['key']})", seq=fields["seq"]))
            continue
        if not hmac.compare_digest(_mac(key, fields), mac):
            findings.append(Finding("anchor.forged", f"{where}: mốc neo #{fields['seq']} bị "
                                    f"sửa hoặc giả / anchor #{fields['seq']} was edited or "
                                    f"forged (its MAC does not verify)", seq=fields["seq"]))
            continue
        anchors.append(Anchor(fields["seq"], fields["hash"], at, where))
    return anchors, findings, notes


def anchors_check(anchors: Iterable[Anchor], *, head_seq: int,
                  hashes: Mapping[int, str]) -> list[Finding]:
    """Compare the anchors with the chain (its last ``seq`` and the link stored at each
    anchored ``seq``): an anchored entry beyond the head was deleted with the tail; one whose
    link differs was rewritten."""
    findings = []
    beyond = sorted((a for a in anchors if a.seq > head_seq), key=lambda a: a.seq)
    if beyond:
        last = beyond[-1]
        span = f"#{head_seq + 1}" if last.seq == head_seq + 1 else f"#{head_seq + 1}–#{last.seq}"
        findings.append(Finding(
            "anchor.tail_deleted",
            f"mục {span} bị xoá: mốc neo {last.where} ghi mục #{last.seq} lúc "
            f"{last.at.isoformat()}, cơ sở dữ liệu chỉ còn đến #{head_seq} / entries {span} "
            f"were deleted: entry #{last.seq} was anchored at {last.at.isoformat()} "
            f"({last.where}) and the log now ends at #{head_seq}", seq=last.seq))
    for anchor in anchors:
        if anchor.seq <= head_seq and hashes.get(anchor.seq) != anchor.hash:
            findings.append(Finding(
                "anchor.mismatch",
                f"mục #{anchor.seq} khác với mốc neo lúc {anchor.at.isoformat()} "
                f"({anchor.where}) / entry #{anchor.seq} differs from its anchor of "
                f"{anchor.at.isoformat()} ({anchor.where})", seq=anchor.seq))
    return findings
