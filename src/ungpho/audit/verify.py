"""``ungpho audit verify``: the whole audit log checked against its key, its anchors and the
rows it audits. Reads only.

1. The chain: every entry's MAC under the key and its link to the one before; a history from
   before the key (plain SHA-256 links) only up to the re-anchor entry that carried it over.
2. The anchors (the anchor file, and any exported anchors given): each must verify under the
   key and match the entry it names; an anchored entry past the end means the tail was cut.
3. The incident log, always; with ``deep`` every audited table (``audit.registry``): each row
   against its last image, a row with none, an image whose row is gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from ungpho.audit.models import AuditEntry
from ungpho.audit.registry import AUDITED, Audited
from ungpho.audit.selectors import chain_unkeyed_through
from ungpho.audit.services import image_of
from ungpho.core.audit.anchors import Anchor, anchors_check, anchors_read
from ungpho.core.audit.chain import StoredEntry, chain_verify, key_id
from ungpho.core.audit.findings import Finding
from ungpho.core.audit.images import rows_compare


@dataclass
class Verification:
    entries: int = 0
    key_id: str = ""
    key_file: str = ""
    #: Entries from before the key, carried over by the re-anchor entry that follows them.
    unkeyed_through: int = 0
    anchor_files: list[str] = field(default_factory=list)
    anchors: int = 0
    last_anchor: Anchor | None = None
    #: Rows compared with their images, per table.
    rows: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    #: Said, but no tampering (an incomplete last anchor line, entries not yet anchored).
    notes: list[str] = field(default_factory=list)
    #: What kept the check from being complete (no anchor file): exit 2.
    problems: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "tampered" if self.findings else "incomplete" if self.problems else "intact"

    @property
    def exit_code(self) -> int:
        return {"intact": 0, "tampered": 1, "incomplete": 2}[self.status]

    def as_dict(self) -> dict:
        last = self.last_anchor
        return {
            "status": self.status, "entries": self.entries, "key_id": self.key_id,
            "key_file": self.key_file, "unkeyed_through": self.unkeyed_through,
            "anchor_files": self.anchor_files, "anchors": self.anchors,
            "last_anchor": {"seq": last.seq, "hash": last.hash, "at": last.at.isoformat(),
                            "where": last.where} if last else None,
            "rows": self.rows, "findings": [f.as_dict() for f in self.findings],
            "notes": self.notes, "problems": self.problems}


def _anchors(report: Verification, files: list[Path], *, required: Path) -> list[Anchor]:
    anchors = []
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
        except FileNotFoundError:
            if path == required and report.entries == 0:
                continue
            report.problems.append(
                f"không có tệp mốc neo {path}: không phát hiện được việc xoá phần cuối nhật ký "
                f"/ no anchor file {path}: a deleted tail of the log cannot be detected (the "
                f"worker writes it every UNGPHO_AUDIT_ANCHOR_S; or run: ungpho audit anchor)")
            continue
        except OSError as error:
            report.problems.append(f"không đọc được / cannot read {path}: "
                                   f"{error.strerror or error}")
            continue
        report.anchor_files.append(str(path))
        found, findings, notes = anchors_read(lines, key=settings.AUDIT_KEY, source=str(path))
        anchors += found
        report.findings += findings
        report.notes += notes
    return anchors


def audit_verify(*, deep: bool = False, against: tuple[Path, ...] = ()) -> Verification:
    """Verify the audit log (see the module's docstring); ``against``: exported anchors."""
    report = Verification(key_id=key_id(settings.AUDIT_KEY),
                          key_file=str(settings.AUDIT_KEY_FILE or "UNGPHO_AUDIT_KEY"))
    report.entries = AuditEntry.objects.count()
    anchors = _anchors(report, [settings.AUDIT_ANCHOR_FILE, *against],
                       required=settings.AUDIT_ANCHOR_FILE)
    report.anchors = len(anchors)
    report.last_anchor = max(anchors, key=lambda a: (a.seq, a.at), default=None)
    anchored = {a.seq for a in anchors}
    report.unkeyed_through = chain_unkeyed_through()
    checked = {a.label: a for a in AUDITED.values() if deep or a.always}
    images: dict[str, dict[str, tuple[int, dict]]] = {label: {} for label in checked}
    hashes: dict[int, str] = {}
    head = {"seq": 0}

    def entries():
        for row in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
            head["seq"] = row.seq
            if row.seq in anchored:
                hashes[row.seq] = row.hash
            audited = checked.get(row.object_type)
            if audited is not None and audited.is_image(row.after):
                images[row.object_type][row.object_id] = (row.seq, row.after)
            yield StoredEntry(row.seq, row.payload(), row.previous_hash, row.hash)

    report.findings += chain_verify(entries(), key=settings.AUDIT_KEY,
                                    unkeyed_through=report.unkeyed_through)
    report.findings += anchors_check(anchors, head_seq=head["seq"], hashes=hashes)
    last = report.last_anchor
    if last is not None and last.seq < head["seq"]:
        report.notes.append(
            f"{head['seq'] - last.seq} mục sau mốc neo cuối (#{last.seq}, "
            f"{last.at.isoformat()}) chưa được neo / {head['seq'] - last.seq} entries after "
            f"the last anchor (#{last.seq}, {last.at.isoformat()}) are not anchored yet")
    for audited in checked.values():
        report.findings += _rows_check(audited, images[audited.label], report)
    return report


def _rows_check(audited: Audited, images: dict[str, tuple[int, dict]],
                report: Verification) -> list:
    manager = audited.model._base_manager
    rows = {str(row.pk): image_of(row) for row in manager.iterator(chunk_size=2000)}
    required = set(rows) if audited.required is None else {
        str(pk) for pk in manager.filter(audited.required).values_list("pk", flat=True)}
    table = audited.model._meta.db_table
    report.rows[table] = len(rows)
    return rows_compare(table=table, rows=rows, images=images, required=required)
