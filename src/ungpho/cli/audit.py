"""``ungpho audit verify|anchor``: the audit log checked against its key, its anchors and the
rows it audits; its head anchored outside the database (docs/audit.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ungpho.cli.checks import check_database

#: Findings printed before "… and N more" (--json lists them all).
SHOWN = 200


def cmd_audit_verify(args) -> int:
    database = check_database()
    if not database.ok:
        print(f"ungpho audit verify: {database.name}: {database.detail}\n  → {database.fix}",
              file=sys.stderr)
        return 2
    # The apps' models exist only once main() has set Django up.
    from ungpho.audit.verify import audit_verify

    report = audit_verify(deep=args.deep, against=tuple(args.against or ()))
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
        return report.exit_code
    last = report.last_anchor
    print(f"Nhật ký kiểm toán / audit log: {report.entries} mục / entries; khoá / key "
          f"{report.key_id} ({report.key_file})")
    if report.unkeyed_through:
        print(f"  #1–#{report.unkeyed_through}: ghi trước khi có khoá, được neo lại ở mục "
              f"#{report.unkeyed_through + 1} / written before the key, carried over by the "
              f"re-anchor entry #{report.unkeyed_through + 1}")
    print(f"  mốc neo / anchors: {report.anchors}"
          + (f", mới nhất / latest #{last.seq} ({last.at.isoformat()})" if last else "")
          + (f" — {', '.join(report.anchor_files)}" if report.anchor_files else ""))
    if report.rows:
        print("  đối chiếu dòng / rows compared: "
              + ", ".join(f"{table} {n}" for table, n in sorted(report.rows.items())))
    for note in report.notes:
        print(f"  ({note})")
    for problem in report.problems:
        print(f"[CHƯA ĐỦ/INCOMPLETE] {problem}", file=sys.stderr)
    for finding in report.findings[:SHOWN]:
        print(f"[BỊ SỬA/TAMPERED] {finding.message}", file=sys.stderr)
    if len(report.findings) > SHOWN:
        print(f"… và {len(report.findings) - SHOWN} phát hiện nữa / and "
              f"{len(report.findings) - SHOWN} more (--json lists them all)", file=sys.stderr)
    print({
        "intact": "Nguyên vẹn / intact",
        "tampered": f"BỊ SỬA / TAMPERED: {len(report.findings)} phát hiện / findings",
        "incomplete": "Chưa kiểm tra đủ / check incomplete: cấu hình / configuration",
    }[report.status], file=sys.stdout if report.exit_code == 0 else sys.stderr)
    return report.exit_code


def cmd_audit_anchor(args) -> int:
    # The apps' models exist only once main() has set Django up.
    from ungpho.audit.anchoring import AnchorRefused, anchor_export, audit_anchor

    try:
        anchor = anchor_export(args.export) if args.export else audit_anchor(force=True)
    except AnchorRefused as error:
        print(f"ungpho audit anchor: không neo / not anchored: {error}", file=sys.stderr)
        return 1
    if anchor is None:
        print("Không có gì mới để neo / nothing new to anchor")
    else:
        print(f"Đã neo / anchored #{anchor.seq} {anchor.hash[:16]}… → {anchor.where}")
    return 0


def add_audit_parser(sub) -> None:
    audit = sub.add_parser("audit", help="Nhật ký kiểm toán / audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    p = audit_sub.add_parser(
        "verify", help="Kiểm tra chuỗi, mốc neo và nhật ký sự cố / verify the chain, the "
                       "anchors and the incident log (0 nguyên vẹn / intact, 1 bị sửa / "
                       "tampered, 2 cấu hình / configuration)")
    p.add_argument("--deep", action="store_true",
                   help="đối chiếu mọi dòng được kiểm toán với ảnh ghi cuối / compare every "
                        "audited row with its last audited image")
    p.add_argument("--against", action="append", type=Path, metavar="FILE",
                   help="mốc neo đã xuất (lặp lại được) / an exported anchor (repeatable)")
    p.add_argument("--json", action="store_true", help="in JSON / print JSON")
    p.set_defaults(func=cmd_audit_verify, config_exit=2)
    p = audit_sub.add_parser("anchor", help="Neo đầu chuỗi ngay / anchor the chain's head now")
    p.add_argument("--export", type=Path, metavar="FILE",
                   help="ghi thêm mốc neo có xác thực vào tệp này để cất nơi khác / also write "
                        "the authenticated anchor into this file, to keep elsewhere")
    p.set_defaults(func=cmd_audit_anchor)
