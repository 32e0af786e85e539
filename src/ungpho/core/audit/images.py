"""Audited rows against their images: every write to an audited row records the row as it
stands afterwards (its *image*) in the keyed chain, so a row changed behind the application's
back — by SQL, with the append-only guards dropped — differs from its last image, a row
deleted leaves an image with no row, and a row inserted has none."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from ungpho.core.audit.findings import Finding


def _shown(value, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def rows_compare(*, table: str, rows: Mapping[str, Mapping[str, object]],
                 images: Mapping[str, tuple[int, Mapping[str, object]]],
                 required: set[str]) -> list[Finding]:
    """Findings for one table: ``rows`` are the stored rows (id → field → value), ``images``
    the last audited image of each (id → (audit seq, field → value)), ``required`` the ids
    that must have one. Only the fields both hold are compared (a field added to the table
    later is audited from its first write on)."""
    findings = []
    for row_id in sorted(rows.keys() | images.keys(), key=_natural):
        row, imaged = rows.get(row_id), images.get(row_id)
        where = f"{table} #{row_id}"
        if row is None:
            seq, _image = cast("tuple[int, Mapping[str, object]]", imaged)  # id from images
            findings.append(Finding("row.missing", f"{where}: dòng đã ghi ở mục #{seq} không còn "
                                    f"trong cơ sở dữ liệu / the row audited at #{seq} is gone "
                                    f"(deleted)", table=table, row=row_id, audit_seq=seq))
        elif imaged is None:
            if row_id in required:
                findings.append(Finding("row.unaudited", f"{where}: dòng không có mục nhật ký "
                                         f"kiểm toán nào / the row has no audit entry "
                                         f"(written behind the application's back, or its "
                                         f"audit entries were deleted)",
                                         table=table, row=row_id))
        else:
            seq, image = imaged
            for field in sorted(row.keys() & image.keys()):
                if row[field] != image[field]:
                    findings.append(Finding(
                        "row.changed",
                        f"{where}, trường / field {field}: trong CSDL / stored "
                        f"{_shown(row[field])} ≠ đã ghi / audited {_shown(image[field])} "
                        f"(#{seq})", table=table, row=row_id, field=field, stored=row[field],
                        audited=image[field], audit_seq=seq))
    return findings


def _natural(row_id: str):
    return (0, int(row_id), "") if row_id.isdigit() else (1, 0, row_id)
